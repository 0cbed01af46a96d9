use super::*;
use crowdbox_core::quality::*;

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
