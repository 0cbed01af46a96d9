use super::*;
use crowdbox_core::quality::*;

use crowdbox_core::consolidate::GroundTruthParams;

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
