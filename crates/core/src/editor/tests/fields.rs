//! Typing a box's numbers in the box list.

use super::*;
use crate::editor::BoxField;

#[test]
fn typing_x_moves_the_box_and_typing_w_resizes_it_each_one_undo_step() {
    let mut e = editor_with(&[rect(10.0, 20.0, 50.0, 40.0)]);
    let id = e.annotations()[0].id;
    assert_eq!(
        e.set_box_field(id, BoxField::X, " 100 "),
        Ok(rect(100.0, 20.0, 50.0, 40.0))
    );
    e.set_box_field(id, BoxField::Width, "80.5").unwrap();
    e.set_box_field(id, BoxField::Y, "0").unwrap();
    e.set_box_field(id, BoxField::Height, "12").unwrap();
    assert_eq!(rects(&e), vec![rect(100.0, 0.0, 80.5, 12.0)]);
    for expected in [
        rect(100.0, 0.0, 80.5, 40.0),
        rect(100.0, 20.0, 80.5, 40.0),
        rect(100.0, 20.0, 50.0, 40.0),
        rect(10.0, 20.0, 50.0, 40.0),
    ] {
        e.undo();
        assert_eq!(rects(&e), vec![expected]);
    }
}

#[test]
fn numbers_beyond_the_image_are_clamped_so_the_box_stays_inside() {
    let mut e = editor_with(&[rect(10.0, 20.0, 50.0, 40.0)]);
    let id = e.annotations()[0].id;
    e.set_box_field(id, BoxField::X, "1000").unwrap();
    assert_eq!(rects(&e), vec![rect(350.0, 20.0, 50.0, 40.0)]);
    e.set_box_field(id, BoxField::Y, "-5").unwrap();
    e.set_box_field(id, BoxField::Width, "9999").unwrap();
    e.set_box_field(id, BoxField::Height, "0").unwrap();
    assert_eq!(rects(&e), vec![rect(350.0, 0.0, 50.0, 1.0)]);
}

#[test]
fn text_that_is_not_a_number_is_refused_and_changes_nothing() {
    let mut e = editor_with(&[rect(10.0, 20.0, 50.0, 40.0)]);
    let id = e.annotations()[0].id;
    let undo_before = e.can_undo();
    for text in ["", "ten", "12px", "NaN", "inf"] {
        let err = e.set_box_field(id, BoxField::Width, text).unwrap_err();
        assert!(err.starts_with("w must be a number"), "{text}: {err}");
    }
    assert_eq!(rects(&e), vec![rect(10.0, 20.0, 50.0, 40.0)]);
    assert_eq!(e.can_undo(), undo_before);
    assert!(e.set_box_field(99, BoxField::X, "1").is_err());
}
