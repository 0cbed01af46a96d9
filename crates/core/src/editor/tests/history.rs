//! Undo and redo of every kind of change.

use super::*;

#[test]
fn undo_and_redo_a_drawn_box() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    let response = key_with(&mut e, "z", Modifiers::CTRL);
    assert!(response.consumed && response.annotations_changed && response.selection_changed);
    assert_eq!(response.announcement.as_deref(), Some("Undid add box"));
    assert!(e.annotations().is_empty());
    assert_eq!(e.selected(), None);
    key_with(
        &mut e,
        "Z",
        Modifiers {
            ctrl: true,
            shift: true,
            ..Modifiers::NONE
        },
    );
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 40.0)]);
    assert_eq!(e.selected(), Some(1), "redo selects the box it brings back");
}

#[test]
fn undo_brings_a_deleted_box_back_in_its_place_and_selects_it() {
    let mut e = editor_with(&[
        rect(0.0, 0.0, 10.0, 10.0),
        rect(20.0, 20.0, 10.0, 10.0),
        rect(40.0, 40.0, 10.0, 10.0),
    ]);
    e.select(Some(2));
    key(&mut e, "Delete");
    key_with(&mut e, "z", Modifiers::CTRL);
    assert_eq!(
        e.annotations().iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(e.selected(), Some(2));
}

#[test]
fn undo_takes_back_a_relabel() {
    let mut e = editor_with(&[rect(0.0, 0.0, 10.0, 10.0)]);
    click(&mut e, 5.0, 5.0);
    key(&mut e, "3");
    assert_eq!(e.annotations()[0].category_id, 3);
    let response = key_with(&mut e, "z", Modifiers::CTRL);
    assert_eq!(response.announcement.as_deref(), Some("Undid relabel box"));
    assert_eq!(e.annotations()[0].category_id, 1);
    key_with(&mut e, "y", Modifiers::CTRL);
    assert_eq!(e.annotations()[0].category_id, 3);
}

#[test]
fn undo_takes_back_a_move_and_a_resize_one_at_a_time() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    drag(&mut e, (30.0, 30.0), (40.0, 30.0));
    drag(&mut e, (70.0, 50.0), (80.0, 60.0));
    assert_eq!(rects(&e), vec![rect(20.0, 10.0, 60.0, 50.0)]);
    assert_eq!(e.undo(), Some("resize box"));
    assert_eq!(rects(&e), vec![rect(20.0, 10.0, 50.0, 40.0)]);
    assert_eq!(e.undo(), Some("move box"));
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 40.0)]);
}

#[test]
fn a_run_of_arrow_key_presses_is_one_undo_step() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    for _ in 0..5 {
        key(&mut e, "ArrowRight");
    }
    click(&mut e, 30.0, 30.0); // ends the run (and keeps the box selected)
    key(&mut e, "ArrowDown");
    assert_eq!(rects(&e), vec![rect(15.0, 11.0, 50.0, 40.0)]);
    e.undo();
    assert_eq!(rects(&e), vec![rect(15.0, 10.0, 50.0, 40.0)]);
    e.undo();
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 40.0)]);
}

#[test]
fn a_new_change_clears_the_redo_stack() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    e.undo();
    assert!(e.can_redo());
    drag(&mut e, (100.0, 100.0), (150.0, 150.0));
    assert!(!e.can_redo());
    let response = key_with(&mut e, "y", Modifiers::CTRL);
    assert_eq!(response.announcement.as_deref(), Some("Nothing to redo"));
    assert!(!response.annotations_changed);
}

#[test]
fn undo_and_redo_of_a_duplicate() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    key_with(&mut e, "d", Modifiers::CTRL);
    e.undo();
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 40.0)]);
    e.redo();
    assert_eq!(e.annotations().len(), 2);
}

#[test]
fn keys_wait_while_a_drag_is_in_progress() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    press(&mut e, 200.0, 200.0);
    move_to(&mut e, 250.0, 250.0);
    assert!(!key_with(&mut e, "z", Modifiers::CTRL).consumed);
    assert!(!key(&mut e, "Delete").consumed);
    release(&mut e, 250.0, 250.0);
    assert_eq!(e.annotations().len(), 2);
}
