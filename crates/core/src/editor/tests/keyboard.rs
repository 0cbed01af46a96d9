//! Keys: delete, escape, labels.

use super::*;

#[test]
fn delete_and_backspace_delete_the_selected_box() {
    for name in ["Delete", "Backspace"] {
        let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0), rect(100.0, 100.0, 50.0, 50.0)]);
        let response = key(&mut e, name);
        assert!(response.consumed && response.annotations_changed && response.selection_changed);
        assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 50.0)], "{name}");
        assert_eq!(e.selected(), None);
        assert!(response
            .announcement
            .unwrap()
            .starts_with("Deleted box 2 of 2"));
    }
}

#[test]
fn delete_with_nothing_selected_is_left_to_the_browser() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    key(&mut e, "Escape");
    let response = key(&mut e, "Delete");
    assert!(!response.consumed && !response.annotations_changed);
    assert_eq!(e.annotations().len(), 1);
}

#[test]
fn escape_clears_the_selection_and_then_is_left_to_the_browser() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    let response = key(&mut e, "Escape");
    assert!(response.consumed && response.selection_changed);
    assert_eq!(e.selected(), None);
    assert!(!key(&mut e, "Escape").consumed);
}

#[test]
fn setting_the_active_label_relabels_the_selected_box() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    e.set_active_category(2);
    assert_eq!(e.active_category(), 2);
    assert_eq!(e.annotations()[0].category_id, 2);
    drag(&mut e, (200.0, 200.0), (250.0, 250.0));
    assert_eq!(e.annotations()[1].category_id, 2);
}

#[test]
fn an_unknown_label_is_ignored() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    e.set_active_category(99);
    assert_eq!(e.active_category(), 1);
    assert_eq!(e.annotations()[0].category_id, 1);
}

#[test]
fn selecting_an_id_that_is_no_box_selects_nothing() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    e.select(Some(7));
    assert_eq!(e.selected(), None);
    e.select(Some(1));
    assert_eq!(e.selected(), Some(1));
}

#[test]
fn keys_the_editor_does_not_know_are_left_to_the_browser() {
    let mut e = editor();
    for (name, mods) in [
        ("q", Modifiers::NONE),
        ("F5", Modifiers::NONE),
        ("r", Modifiers::CTRL),
        ("1", Modifiers::CTRL),
    ] {
        let response = key_with(&mut e, name, mods);
        assert!(!response.consumed && !response.repaint, "{name} {mods:?}");
    }
}
