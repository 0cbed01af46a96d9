use super::*;
use crowdbox_core::quality::*;

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
