use super::*;
use crowdbox_core::quality::*;

use proptest::prelude::*;

fn answers() -> impl Strategy<Value = Vec<(Vec<DatasetBox>, f64)>> {
    let one_box = (0..3usize, 0..2usize, -12.0..12.0f64, -12.0..12.0f64).prop_map(
        |(place, label, dx, dw)| {
            boxed(
                ["cat", "dog"][label],
                place as f64 * 150.0 + dx,
                0.0,
                100.0 + dw,
                100.0,
            )
        },
    );
    let answer = (prop::collection::vec(one_box, 0..4), 0.05..1.0f64);
    prop::collection::vec(answer, 0..6)
}

proptest! {
    #[test]
    fn match_counts_stay_within_their_ranges(
        submitted in answers().prop_map(|a| a.into_iter().flat_map(|(b, _)| b).collect::<Vec<_>>()),
        reference in answers().prop_map(|a| a.into_iter().flat_map(|(b, _)| b).collect::<Vec<_>>()),
    ) {
        let matches = match_boxes(&submitted, &reference, GOLD_MATCH_IOU);
        let mut seen_submitted = std::collections::HashSet::new();
        let mut seen_reference = std::collections::HashSet::new();
        for m in &matches {
            prop_assert!(seen_submitted.insert(m.submitted) && seen_reference.insert(m.reference));
            prop_assert_eq!(&submitted[m.submitted].label, &reference[m.reference].label);
            prop_assert!(m.iou >= GOLD_MATCH_IOU && m.iou <= 1.0);
        }
        let counts = score_gold(&submitted, &reference);
        prop_assert!(counts.matched <= counts.submitted.min(counts.reference));
        for measure in [counts.recall(), counts.precision(), counts.quality()] {
            prop_assert!((0.0..=1.0).contains(&measure));
        }
        prop_assert!(score_gold(&submitted, &submitted).quality() > 1.0 - 1e-9);
    }

    #[test]
    fn the_score_stays_in_range_and_moves_towards_each_new_gold_result(
        qualities in prop::collection::vec((0..4u64, 0..4u64, 0.0..1.0f64), 0..20),
    ) {
        let mut evidence = WorkerEvidence::default();
        for (submitted, extra, iou) in qualities {
            evidence.add_agreement(counts((submitted + extra, submitted, submitted, submitted as f64 * iou)));
            let before = evidence.score();
            prop_assert!((0.0..=1.0).contains(&before));
            let mut better = evidence;
            better.add_gold(counts(PERFECT));
            let mut worse = evidence;
            worse.add_gold(counts(WRONG));
            prop_assert!(better.score() >= before && worse.score() <= before);
        }
    }

    #[test]
    fn the_verdict_does_not_change_when_every_weight_is_scaled_alike(
        answers in answers(),
        scale in prop_oneof![Just(0.25), Just(0.5), Just(2.0), Just(8.0)],
    ) {
        let scaled: Vec<_> = answers.iter().map(|(b, w)| (b.clone(), w * scale)).collect();
        for params in both_rules(2, 5) {
            prop_assert_eq!(verdict(&answers, &params), verdict(&scaled, &params));
        }
    }

    #[test]
    fn whatever_all_agree_finishes_settled_boxes_finishes_too(answers in answers()) {
        let [all_agree, settled] = both_rules(2, 5);
        if verdict(&answers, &all_agree) == ImageVerdict::Done {
            prop_assert_eq!(verdict(&answers, &settled), ImageVerdict::Done);
        }
    }
}
