//! Verify jobs (read-only editor, verdicts), carrying boxes forward, and restoring a draft with its origins.

use super::*;
use crate::coco::CocoImage;
use crate::editor::{BoxChange, ChangeKind};
use crate::validate::validate_submission;
use crate::wire::Verdict;

fn image() -> CocoImage {
    CocoImage {
        id: 9,
        file_name: "shelf.jpg".into(),
        width: 400,
        height: 300,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    }
}

/// Three given boxes (origins 1, 2, 3) in a read-only editor.
fn verifier() -> Editor {
    let mut e = editor();
    e.load_given_boxes([
        (1, rect(10.0, 10.0, 40.0, 40.0), 1),
        (2, rect(100.0, 100.0, 40.0, 40.0), 2),
        (3, rect(200.0, 50.0, 40.0, 40.0), 3),
    ]);
    e.set_read_only(true);
    e
}

fn submission_of(answer: crate::wire::TaskAnswer) -> crate::wire::Submission {
    answer.into_submission("s-1".into(), "w-1".into(), 9, Some(10))
}

#[test]
fn a_read_only_editor_changes_no_box_by_pointer_or_key() {
    let mut e = verifier();
    let before = rects(&e);
    drag(&mut e, (300.0, 200.0), (350.0, 250.0)); // would draw: pans instead
    click(&mut e, 20.0, 20.0);
    assert_eq!(e.selected(), Some(1), "a click still selects");
    drag(&mut e, (20.0, 20.0), (60.0, 60.0)); // would move the selected box
    for k in ["Delete", "ArrowLeft", "n", "2"] {
        let response = key(&mut e, k);
        assert!(!response.annotations_changed, "{k} changed a box");
    }
    key_with(&mut e, "d", Modifiers::CTRL);
    assert!(e.set_box_field(1, BoxField::X, "5").is_err());
    e.set_active_category(3);
    assert!(!e.delete_selected());
    assert_eq!(rects(&e), before);
    assert_eq!(e.annotations()[0].category_id, 1);
}

#[test]
fn a_drag_in_a_read_only_editor_pans_the_view() {
    let mut e = verifier();
    let view = e.view();
    drag(&mut e, (300.0, 200.0), (350.0, 250.0));
    assert_ne!(e.view(), view);
    assert_eq!(e.annotations().len(), 3);
}

#[test]
fn a_and_r_judge_the_selected_box_and_move_to_the_next_unjudged() {
    let mut e = verifier();
    key(&mut e, "Tab");
    assert_eq!(e.selected(), Some(1));
    let response = key(&mut e, "a");
    assert!(response.consumed);
    assert!(response.announcement.unwrap().contains("2 left"));
    assert_eq!(e.selected(), Some(2));
    key(&mut e, "r");
    assert_eq!(e.selected(), Some(3));
    assert_eq!(e.boxes_without_verdict(), 1);
    key(&mut e, "a");
    assert_eq!(e.boxes_without_verdict(), 0);
    assert_eq!(e.verdict(2), Some((false, "")));
}

#[test]
fn a_and_r_do_nothing_in_a_draw_job() {
    let mut e = editor_with(&[rect(10.0, 10.0, 40.0, 40.0)]);
    assert!(!key(&mut e, "a").consumed);
    assert!(!key(&mut e, "r").consumed);
}

#[test]
fn the_verify_answer_holds_the_accepted_boxes_and_every_verdict() {
    let mut e = verifier();
    e.set_verdict(1, true);
    e.set_verdict(2, false);
    e.set_verdict_reason(2, "  not a dog ");
    e.set_verdict(3, true);
    let sub = submission_of(e.verify_answer(&image()));
    let bboxes: Vec<[f64; 4]> = sub.result.annotations.iter().map(|a| a.bbox).collect();
    assert_eq!(
        bboxes,
        vec![[10.0, 10.0, 40.0, 40.0], [200.0, 50.0, 40.0, 40.0]]
    );
    assert_eq!(
        sub.verdicts,
        vec![
            Verdict {
                origin: 1,
                accepted: true,
                reason: None
            },
            Verdict {
                origin: 2,
                accepted: false,
                reason: Some("not a dog".into())
            },
            Verdict {
                origin: 3,
                accepted: true,
                reason: None
            },
        ]
    );
    assert_eq!(
        sub.changes,
        vec![
            BoxChange {
                origin: Some(1),
                annotation: Some(1),
                kind: ChangeKind::Kept
            },
            BoxChange {
                origin: Some(3),
                annotation: Some(2),
                kind: ChangeKind::Kept
            },
            BoxChange {
                origin: Some(2),
                annotation: None,
                kind: ChangeKind::Deleted
            },
        ]
    );
    assert_eq!(
        validate_submission(&sub, &image(), &categories()),
        Ok(()),
        "the app's answer passes the server's check"
    );
}

#[test]
fn carried_boxes_are_clipped_added_as_one_undo_step_and_recorded_as_added() {
    let mut e = editor();
    let added = e.carry_forward(&[
        (rect(10.0, 10.0, 40.0, 40.0), 1),
        (rect(380.0, 280.0, 100.0, 100.0), 2), // from a larger image: clipped
        (rect(500.0, 500.0, 10.0, 10.0), 2),   // outside this image: skipped
        (rect(20.0, 20.0, 10.0, 10.0), 99),    // unknown label: skipped
    ]);
    assert_eq!(added, 2);
    assert_eq!(rects(&e)[1], rect(380.0, 280.0, 20.0, 20.0));
    let kinds: Vec<ChangeKind> = e.changes().iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Added, ChangeKind::Added]);
    assert_eq!(e.undo(), Some("copy boxes"));
    assert!(e.annotations().is_empty());
    e.redo();
    assert_eq!(e.annotations().len(), 2);
    assert_eq!(
        verifier().carry_forward(&[(rect(1.0, 1.0, 5.0, 5.0), 1)]),
        0
    );
}

#[test]
fn a_restored_draft_keeps_what_became_of_each_given_box() {
    let mut e = editor();
    e.load_given_boxes([
        (1, rect(10.0, 10.0, 40.0, 40.0), 1),
        (2, rect(100.0, 100.0, 40.0, 40.0), 2),
        (3, rect(200.0, 50.0, 40.0, 40.0), 3),
    ]);
    let fresh = e.clone();
    click(&mut e, 20.0, 20.0);
    drag(&mut e, (20.0, 20.0), (25.0, 20.0)); // moves 1
    click(&mut e, 120.0, 120.0);
    key(&mut e, "Delete"); // deletes 2
    drag(&mut e, (300.0, 200.0), (350.0, 250.0)); // adds one
    let restored = fresh.with_restored_boxes(&e.boxes_with_origins(), &e.verdicts_by_origin());
    assert_eq!(restored.changes(), e.changes());
    assert_eq!(rects(&restored), rects(&e));
}

#[test]
fn a_restored_verify_draft_keeps_its_verdicts_and_stays_read_only() {
    let mut e = verifier();
    let fresh = e.clone();
    e.set_verdict(2, false);
    e.set_verdict_reason(2, "blurred");
    let restored = fresh.with_restored_boxes(&e.boxes_with_origins(), &e.verdicts_by_origin());
    assert!(restored.is_read_only());
    assert_eq!(restored.verify_answer(&image()), e.verify_answer(&image()));
}
