//! Gold scoring, worker scores and blocking, and the adaptive image verdict (`crowdbox_core::quality`).

use crowdbox_core::consolidate::{GroundTruthParams, Weighted};
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::*;
use proptest::prelude::*;

fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
    DatasetBox::new(label, ImageRect::new(x, y, w, h))
}

fn cat(x: f64) -> DatasetBox {
    boxed("cat", x, 0.0, 100.0, 100.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn weighted(boxes: &[DatasetBox], weight: f64) -> Weighted<&[DatasetBox]> {
    Weighted::new(boxes, weight)
}

// Gold scoring.

#[test]
fn a_perfect_gold_submission_scores_one_on_every_measure() {
    let known = vec![cat(0.0), boxed("dog", 300.0, 300.0, 50.0, 80.0)];
    let counts = score_gold(&known, &known);
    assert_eq!(
        (counts.submitted, counts.reference, counts.matched),
        (2, 2, 2)
    );
    assert_eq!(counts.mean_iou(), Some(1.0));
    assert_eq!(
        (counts.recall(), counts.precision(), counts.quality()),
        (1.0, 1.0, 1.0)
    );
}

#[test]
fn no_boxes_on_either_side_is_a_right_answer_without_a_mean_iou() {
    let counts = score_gold(&[], &[]);
    assert_eq!(counts.mean_iou(), None);
    assert_eq!(
        (counts.recall(), counts.precision(), counts.quality()),
        (1.0, 1.0, 1.0)
    );
}

#[test]
fn boxes_drawn_on_a_gold_image_without_objects_are_all_wrong() {
    let counts = score_gold(&[cat(0.0)], &[]);
    assert_eq!(
        (counts.recall(), counts.precision(), counts.quality()),
        (1.0, 0.0, 0.0)
    );
    assert_eq!(counts.mean_iou(), None);
}

#[test]
fn drawing_nothing_on_a_gold_image_with_objects_finds_nothing() {
    let counts = score_gold(&[], &[cat(0.0), cat(200.0)]);
    assert_eq!(
        (counts.recall(), counts.precision(), counts.quality()),
        (0.0, 1.0, 0.0)
    );
}

#[test]
fn a_box_with_the_wrong_label_matches_nothing() {
    let counts = score_gold(&[boxed("dog", 0.0, 0.0, 100.0, 100.0)], &[cat(0.0)]);
    assert_eq!(counts.matched, 0);
    assert_eq!((counts.recall(), counts.precision()), (0.0, 0.0));
}

#[test]
fn a_duplicate_box_matches_once_and_counts_against_precision() {
    let counts = score_gold(&[cat(0.0), cat(0.0), cat(1.0)], &[cat(0.0)]);
    assert_eq!(counts.matched, 1);
    assert_eq!(counts.mean_iou(), Some(1.0));
    assert!(close(counts.precision(), 1.0 / 3.0));
    assert_eq!(counts.recall(), 1.0);
    assert!(close(counts.quality(), 2.0 / 4.0));
}

#[test]
fn a_box_at_exactly_half_overlap_is_found_and_one_just_below_is_not() {
    let known = [boxed("cat", 0.0, 0.0, 10.0, 10.0)];
    assert_eq!(
        score_gold(&[boxed("cat", 0.0, 0.0, 20.0, 10.0)], &known).matched,
        1
    );
    assert_eq!(
        score_gold(&[boxed("cat", 0.0, 0.0, 20.001, 10.0)], &known).matched,
        0
    );
}

#[test]
fn matching_is_greedy_and_takes_the_closest_pair_first_even_if_that_leaves_a_box_unpaired() {
    // s0 fits r0 best (IoU 0.9) and r1 loosely; s1 fits only r0. The largest matching would pair s0–r1 and
    // s1–r0; greedy pairs s0–r0 and leaves s1 and r1 over.
    let reference = [
        boxed("cat", 0.0, 0.0, 100.0, 100.0),
        boxed("cat", 38.0, 0.0, 100.0, 100.0),
    ];
    let submitted = [
        boxed("cat", 5.0, 0.0, 100.0, 100.0),
        boxed("cat", -30.0, 0.0, 100.0, 100.0),
    ];
    assert!(submitted[0].rect.iou(&reference[1].rect) >= 0.5);
    assert!(submitted[1].rect.iou(&reference[0].rect) >= 0.5);
    assert!(submitted[1].rect.iou(&reference[1].rect) < 0.5);
    let matches = match_boxes(&submitted, &reference, GOLD_MATCH_IOU);
    assert_eq!(matches.len(), 1);
    assert_eq!((matches[0].submitted, matches[0].reference), (0, 0));
}

#[test]
fn empty_and_non_finite_boxes_never_match() {
    let empty = boxed("cat", 0.0, 0.0, 0.0, 0.0);
    let broken = boxed("cat", f64::NAN, 0.0, 10.0, 10.0);
    let counts = score_gold(&[empty.clone(), broken.clone()], &[empty, broken, cat(0.0)]);
    assert_eq!(counts.matched, 0);
    assert_eq!(counts.submitted, 2);
}

#[test]
fn counts_of_several_images_add_up_to_one_record() {
    let first = score_gold(&[cat(0.0)], &[cat(0.0), cat(300.0)]);
    let second = score_gold(&[cat(0.0), cat(500.0)], &[cat(0.0)]);
    let total: MatchCounts = [first, second].into_iter().sum();
    assert_eq!((total.submitted, total.reference, total.matched), (3, 3, 2));
    assert!(close(total.recall(), 2.0 / 3.0) && close(total.precision(), 2.0 / 3.0));
    assert_eq!(total, first.plus(second));
}

// Worker scores and blocking.

fn gold(quality_boxes: (u64, u64, u64, f64)) -> MatchCounts {
    let (submitted, reference, matched, matched_iou_sum) = quality_boxes;
    MatchCounts {
        submitted,
        reference,
        matched,
        matched_iou_sum,
    }
}

const PERFECT: (u64, u64, u64, f64) = (2, 2, 2, 2.0);
const WRONG: (u64, u64, u64, f64) = (2, 2, 0, 0.0);

#[test]
fn a_worker_of_whom_nothing_is_known_has_the_prior_score() {
    assert_eq!(WorkerEvidence::default().score(), PRIOR_SCORE);
}

#[test]
fn the_score_is_the_documented_weighted_mean_of_prior_gold_and_agreement() {
    let mut evidence = WorkerEvidence::default();
    for _ in 0..3 {
        evidence.add_gold(gold((2, 2, 2, 1.6))); // quality 0.8
    }
    for _ in 0..8 {
        evidence.add_agreement(gold((2, 2, 1, 0.9))); // quality 0.45
    }
    let expected = (PRIOR_TASKS * PRIOR_SCORE + 3.0 * 0.8 + AGREEMENT_TASK_WEIGHT * 8.0 * 0.45)
        / (PRIOR_TASKS + 3.0 + AGREEMENT_TASK_WEIGHT * 8.0);
    assert!(close(worker_score(&evidence), expected));
    assert_eq!(
        (PRIOR_SCORE, PRIOR_TASKS, AGREEMENT_TASK_WEIGHT),
        (0.5, 1.0, 0.25)
    );
}

#[test]
fn one_gold_task_moves_the_score_halfway_and_counts_as_four_agreement_images() {
    let mut gold_once = WorkerEvidence::default();
    gold_once.add_gold(gold(PERFECT));
    assert!(close(gold_once.score(), 0.75));
    let mut agreed_four_times = WorkerEvidence::default();
    for _ in 0..4 {
        agreed_four_times.add_agreement(gold(PERFECT));
    }
    assert!(close(agreed_four_times.score(), 0.75));
}

#[test]
fn blocking_waits_for_the_minimum_of_gold_tasks() {
    let rule = BlockRule::below(0.3);
    assert_eq!(rule.min_gold_tasks, DEFAULT_MIN_GOLD_TASKS);
    let mut evidence = WorkerEvidence::default();
    for _ in 0..DEFAULT_MIN_GOLD_TASKS - 1 {
        evidence.add_gold(gold(WRONG));
        for _ in 0..10 {
            evidence.add_agreement(gold(WRONG));
        }
    }
    assert!(evidence.score() < 0.3);
    assert!(!rule.blocks(&evidence), "too few gold tasks yet");
    evidence.add_gold(gold(WRONG));
    assert!(rule.blocks(&evidence));
    assert_eq!(consolidation_weight(&evidence, Some(&rule)), 0.0);
    assert_eq!(consolidation_weight(&evidence, None), evidence.score());
}

#[test]
fn blocking_applies_below_the_threshold_not_at_it() {
    let mut evidence = WorkerEvidence::default();
    evidence.add_gold(gold(PERFECT));
    let at = BlockRule {
        block_below: evidence.score(),
        min_gold_tasks: 1,
    };
    assert!(!at.blocks(&evidence));
    let above = BlockRule {
        block_below: evidence.score() + 1e-6,
        ..at
    };
    assert!(above.blocks(&evidence));
}

#[test]
fn quality_settings_out_of_range_are_refused_naming_the_setting() {
    let refused = |result: Result<(), QualitySettingError>, setting: &str| {
        let error = result.expect_err(setting);
        assert!(error.to_string().starts_with(setting), "{error}");
    };
    for bad in [-0.1, 1.5, f64::NAN] {
        refused(BlockRule::below(bad).check(), "block_below");
    }
    refused(
        BlockRule {
            block_below: 0.5,
            min_gold_tasks: 0,
        }
        .check(),
        "min_gold_tasks",
    );
    assert!(BlockRule::below(0.0).check().is_ok() && BlockRule::below(1.0).check().is_ok());
    for bad in [-0.01, 0.51, f64::NAN, f64::INFINITY] {
        refused(check_gold_rate(bad), "gold_rate");
    }
    assert!(check_gold_rate(0.0).is_ok() && check_gold_rate(MAX_GOLD_RATE).is_ok());
    refused(AdaptiveParams::new(0, 5).check(), "min_workers must be");
    refused(AdaptiveParams::new(6, 5).check(), "min_workers (6)");
    for bad in [0.0, 1.01, f64::NAN] {
        let params = AdaptiveParams {
            agreement_iou: bad,
            ..AdaptiveParams::new(2, 5)
        };
        refused(params.check(), "agreement_iou");
    }
    for bad in [0.0, 2.5, f64::NAN] {
        let params = AdaptiveParams {
            settled_margin: bad,
            ..AdaptiveParams::new(2, 5)
        };
        refused(params.check(), "settled_margin");
    }
    assert!(AdaptiveParams::new(2, 5).check().is_ok() && AdaptiveParams::fixed(1).check().is_ok());
}

// Agreement with the others.

#[test]
fn agreement_is_with_the_consolidation_of_the_other_workers() {
    let three_cats = [vec![cat(0.0)], vec![cat(2.0)], vec![cat(1.0)]];
    let dog = vec![boxed("dog", 400.0, 400.0, 50.0, 50.0)];
    let submissions = vec![
        weighted(&three_cats[0], 1.0),
        weighted(&three_cats[1], 1.0),
        weighted(&three_cats[2], 1.0),
        weighted(&dog, 1.0),
    ];
    let counts = agreement_counts(&submissions, &GroundTruthParams::default());
    let first = counts[0].expect("counted");
    assert_eq!((first.submitted, first.reference, first.matched), (1, 1, 1));
    let dissenter = counts[3].expect("counted");
    assert_eq!(
        (dissenter.submitted, dissenter.reference, dissenter.matched),
        (1, 1, 0)
    );
}

#[test]
fn a_lone_worker_or_one_who_does_not_count_has_no_agreement() {
    let boxes = [vec![cat(0.0)], vec![cat(0.0)]];
    let alone = [weighted(&boxes[0], 0.7)];
    assert_eq!(
        agreement_counts(&alone, &GroundTruthParams::default()),
        vec![None]
    );
    let one_blocked = [weighted(&boxes[0], 0.7), weighted(&boxes[1], 0.0)];
    assert_eq!(
        agreement_counts(&one_blocked, &GroundTruthParams::default()),
        vec![None, None]
    );
}

// The adaptive image verdict.

fn verdict(answers: &[(Vec<DatasetBox>, f64)], params: &AdaptiveParams) -> ImageVerdict {
    let submissions: Vec<_> = answers
        .iter()
        .map(|(boxes, weight)| weighted(boxes, *weight))
        .collect();
    image_verdict(&submissions, params)
}

fn both_rules(min: usize, max: usize) -> [AdaptiveParams; 2] {
    let settled = AdaptiveParams::new(min, max);
    let all_agree = AdaptiveParams {
        rule: AgreementRule::AllAgree,
        ..settled
    };
    [all_agree, settled]
}

use ImageVerdict::{Done, NeedsAnother};

#[test]
fn an_image_with_fewer_counted_workers_than_the_minimum_needs_another() {
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&[], &params), NeedsAnother);
        assert_eq!(verdict(&[(vec![cat(0.0)], 0.9)], &params), NeedsAnother);
    }
}

#[test]
fn an_image_with_the_maximum_of_workers_is_done_even_if_they_disagree() {
    // Two to two on the cat after four workers, three to two after five.
    let disagreeing: Vec<_> = (0..5)
        .map(|i| (if i % 2 == 0 { vec![cat(0.0)] } else { vec![] }, 1.0))
        .collect();
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&disagreeing[..4], &params), NeedsAnother);
        assert_eq!(verdict(&disagreeing, &params), Done);
    }
}

#[test]
fn two_workers_who_drew_the_same_boxes_finish_an_image() {
    let answers = [
        (vec![cat(0.0), boxed("dog", 300.0, 0.0, 60.0, 60.0)], 0.7),
        (vec![boxed("dog", 302.0, 1.0, 60.0, 60.0), cat(3.0)], 0.4),
    ];
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&answers, &params), Done, "{:?}", params.rule);
    }
}

#[test]
fn workers_who_all_drew_nothing_finish_an_image() {
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&[(vec![], 0.7), (vec![], 0.7)], &params), Done);
    }
}

#[test]
fn boxes_that_overlap_less_than_the_agreement_iou_ask_for_another_worker() {
    // IoU 0.6: the same object at the matching IoU of 0.5, not at the agreement IoU of 0.7.
    let answers = [(vec![cat(0.0)], 0.7), (vec![cat(25.0)], 0.7)];
    assert!(close(cat(0.0).rect.iou(&cat(25.0).rect), 0.6));
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&answers, &params), NeedsAnother);
        let loose = AdaptiveParams {
            agreement_iou: 0.5,
            ..params
        };
        assert_eq!(verdict(&answers, &loose), Done);
    }
}

#[test]
fn a_box_only_one_of_two_drew_needs_a_third_opinion_which_settles_it_box_by_box() {
    let [all_agree, settled] = both_rules(2, 5);
    let mut answers = vec![(vec![cat(0.0), cat(300.0)], 0.7), (vec![cat(1.0)], 0.7)];
    assert_eq!(verdict(&answers, &settled), NeedsAnother);
    assert_eq!(verdict(&answers, &all_agree), NeedsAnother);
    answers.push((vec![cat(2.0)], 0.7));
    assert_eq!(verdict(&answers, &settled), Done, "one of three drew it");
    assert_eq!(
        verdict(&answers, &all_agree),
        NeedsAnother,
        "all agree needs the same box count from everyone"
    );
}

#[test]
fn two_to_one_among_nearly_equally_trusted_workers_is_settled() {
    let answers = [
        (vec![cat(0.0)], 0.71),
        (vec![cat(1.0)], 0.72),
        (vec![], 0.74),
    ];
    assert_eq!(verdict(&answers, &AdaptiveParams::new(2, 5)), Done);
}

#[test]
fn a_trusted_and_a_distrusted_worker_who_disagree_need_another_either_way() {
    let settled = AdaptiveParams::new(2, 5);
    assert_eq!(
        verdict(&[(vec![cat(0.0)], 0.9), (vec![], 0.2)], &settled),
        NeedsAnother
    );
    assert_eq!(
        verdict(&[(vec![], 0.9), (vec![cat(0.0)], 0.2)], &settled),
        NeedsAnother
    );
    // A trusted and a distrusted worker against one trusted dissenter: 0.9 + 0.2 − 0.9 is short of 0.8 × 0.9.
    let answers = [(vec![cat(0.0)], 0.9), (vec![cat(1.0)], 0.2), (vec![], 0.9)];
    assert_eq!(verdict(&answers, &settled), NeedsAnother);
}

#[test]
fn a_blocked_workers_answer_stops_counting_and_can_reopen_a_finished_image() {
    let mut answers = vec![(vec![cat(0.0)], 0.7), (vec![cat(1.0)], 0.3)];
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&answers, &params), Done);
    }
    answers[1].1 = 0.0;
    for params in both_rules(2, 5) {
        assert_eq!(verdict(&answers, &params), NeedsAnother);
    }
}

// Properties.

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
            evidence.add_agreement(gold((submitted + extra, submitted, submitted, submitted as f64 * iou)));
            let before = evidence.score();
            prop_assert!((0.0..=1.0).contains(&before));
            let mut better = evidence;
            better.add_gold(gold(PERFECT));
            let mut worse = evidence;
            worse.add_gold(gold(WRONG));
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
        if verdict(&answers, &all_agree) == Done {
            prop_assert_eq!(verdict(&answers, &settled), Done);
        }
    }
}
