//! The answer sent for what is on screen, why it cannot be sent yet, and the rows the side lists show.

use crate::coco::{CocoCategory, CocoImage};
use crate::editor::Editor;
use crate::geometry::{ImageRect, ImageSize};
use crate::wire::Outcome;
use crate::worker::{answer, box_rows, not_ready, verify_rows};

fn categories() -> Vec<CocoCategory> {
    ["hammer", "saw"]
        .iter()
        .zip(1..)
        .map(|(name, id)| CocoCategory {
            id,
            name: (*name).into(),
            supercategory: "tool".into(),
        })
        .collect()
}

fn image() -> CocoImage {
    CocoImage {
        id: 7,
        file_name: "7.jpg".into(),
        width: 640,
        height: 480,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    }
}

fn drawn() -> Editor {
    let mut e = Editor::new(ImageSize::new(640.0, 480.0), categories());
    e.load_boxes([
        (ImageRect::from_coco([10.0, 20.0, 30.0, 40.0]), 1),
        (ImageRect::from_coco([100.0, 100.0, 50.0, 50.0]), 2),
    ]);
    e
}

fn judged() -> Editor {
    let mut e = Editor::new(ImageSize::new(640.0, 480.0), categories());
    e.load_given_boxes([
        (1, ImageRect::from_coco([10.0, 10.0, 50.0, 50.0]), 1),
        (2, ImageRect::from_coco([100.0, 100.0, 50.0, 50.0]), 2),
        (3, ImageRect::from_coco([200.0, 200.0, 50.0, 50.0]), 2),
    ]);
    e.set_read_only(true);
    e
}

#[test]
fn the_drawn_boxes_are_the_answer_with_the_note_trimmed() {
    let a = answer(&drawn(), &image(), Outcome::Unsure, "  two tools?  ");
    assert_eq!(a.result.annotations.len(), 2);
    assert_eq!(a.result.annotations[0].bbox, [10.0, 20.0, 30.0, 40.0]);
    assert_eq!(a.result.images[0].id, 7);
    assert_eq!(a.outcome, Outcome::Unsure);
    assert_eq!(a.note.as_deref(), Some("two tools?"));
    assert_eq!(answer(&drawn(), &image(), Outcome::Boxed, "   ").note, None);
}

#[test]
fn an_outcome_that_means_no_boxes_sends_none() {
    for outcome in [Outcome::NothingToLabel, Outcome::ImageUnreadable] {
        let a = answer(&drawn(), &image(), outcome, "");
        assert!(a.result.annotations.is_empty(), "{outcome:?}");
        assert!(a.changes.iter().all(|c| c.annotation.is_none()));
        assert_eq!(a.outcome, outcome);
    }
    assert!(
        not_ready(&drawn(), Outcome::Boxed).is_none(),
        "a draw job is always ready"
    );
}

#[test]
fn a_verify_answer_waits_for_a_verdict_on_every_box_unless_the_image_is_unreadable() {
    let mut e = judged();
    assert_eq!(
        not_ready(&e, Outcome::Boxed).as_deref(),
        Some("3 boxes have no verdict yet: accept or reject each first.")
    );
    assert_eq!(not_ready(&e, Outcome::ImageUnreadable), None);
    e.set_verdict(1, true);
    e.set_verdict(2, false);
    assert_eq!(
        not_ready(&e, Outcome::Boxed).as_deref(),
        Some("1 box has no verdict yet: accept or reject it first.")
    );
    e.set_verdict(3, true);
    assert_eq!(not_ready(&e, Outcome::Boxed), None);
    let a = answer(&e, &image(), Outcome::Boxed, "");
    assert_eq!(a.verdicts.len(), 3);
    assert_eq!(a.result.annotations.len(), 2, "the accepted boxes are kept");
}

#[test]
fn the_rows_name_each_boxs_label_mark_the_selection_and_carry_the_verdicts() {
    let mut e = drawn();
    let second = e.annotations()[1].id;
    e.select(Some(second));
    let rows = box_rows(&e, &categories());
    assert_eq!(rows[0].label, "hammer");
    assert_eq!(rows[1].label, "saw");
    assert_eq!(
        box_rows(&e, &categories()[..1])[1].label,
        "label 2",
        "a label the list does not know"
    );
    assert_eq!(
        rows.iter().map(|r| r.selected).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(rows[0].rect, ImageRect::from_coco([10.0, 20.0, 30.0, 40.0]));

    let mut v = judged();
    let ids: Vec<u64> = v.annotations().iter().map(|a| a.id).collect();
    v.set_verdict(ids[1], false);
    v.set_verdict_reason(ids[1], "blurred");
    let rows = verify_rows(&v, &categories());
    assert_eq!(
        rows.iter().map(|r| r.verdict).collect::<Vec<_>>(),
        [None, Some(false), None]
    );
    assert_eq!(rows[1].reason, "blurred");
    assert_eq!(rows[1].row.label, "saw");
}
