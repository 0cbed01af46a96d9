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
fn setting_the_active_label_relabels_a_box_selected_by_clicking_it() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    click(&mut e, 30.0, 30.0);
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

#[test]
fn number_keys_choose_the_label_and_relabel_the_selected_box() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    click(&mut e, 30.0, 30.0);
    let response = key(&mut e, "2");
    assert!(response.consumed && response.annotations_changed && response.active_category_changed);
    assert_eq!(response.announcement.as_deref(), Some("Box relabelled dog"));
    assert_eq!(
        (e.active_category(), e.annotations()[0].category_id),
        (2, 2)
    );
    key(&mut e, "Escape");
    let response = key(&mut e, "3");
    assert_eq!(response.announcement.as_deref(), Some("Label bird"));
    assert!(!response.annotations_changed);
    assert!(!key(&mut e, "4").consumed, "there is no fourth label");
}

#[test]
fn tab_walks_through_the_boxes_and_lets_focus_leave_after_the_last() {
    let mut e = editor_with(&[
        rect(0.0, 0.0, 10.0, 10.0),
        rect(20.0, 20.0, 10.0, 10.0),
        rect(40.0, 40.0, 10.0, 10.0),
    ]);
    key(&mut e, "Escape");
    let mut seen = Vec::new();
    loop {
        let response = key(&mut e, "Tab");
        if !response.consumed {
            break;
        }
        seen.push(e.selected().unwrap());
    }
    assert_eq!(seen, vec![1, 2, 3]);
    assert_eq!(e.selected(), None);
}

#[test]
fn shift_tab_walks_backwards() {
    let mut e = editor_with(&[rect(0.0, 0.0, 10.0, 10.0), rect(20.0, 20.0, 10.0, 10.0)]);
    key(&mut e, "Escape");
    let response = key_with(&mut e, "Tab", Modifiers::SHIFT);
    assert!(response
        .announcement
        .unwrap()
        .starts_with("Selected box 2 of 2"));
    key_with(&mut e, "Tab", Modifiers::SHIFT);
    assert_eq!(e.selected(), Some(1));
    assert!(!key_with(&mut e, "Tab", Modifiers::SHIFT).consumed);
    assert_eq!(e.selected(), None);
}

#[test]
fn tab_with_no_boxes_is_left_to_the_browser() {
    let mut e = editor();
    assert!(!key(&mut e, "Tab").consumed);
}

#[test]
fn h_hides_and_shows_all_boxes() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    let response = key(&mut e, "h");
    assert!(e.boxes_hidden() && response.repaint && response.consumed);
    assert!(response.boxes_hidden_changed && response.changed_shared_state());
    assert_eq!(e.selected(), None, "hidden boxes cannot stay selected");
    click(&mut e, 30.0, 30.0);
    assert_eq!(e.selected(), None, "hidden boxes cannot be clicked");
    assert!(!key(&mut e, "Tab").consumed);
    let response = e.run_command(Command::ToggleBoxes);
    assert!(!e.boxes_hidden() && response.boxes_hidden_changed);
}

#[test]
fn drawing_while_boxes_are_hidden_shows_them_again() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    key(&mut e, "h");
    let response = drag(&mut e, (100.0, 100.0), (150.0, 150.0));
    assert!(!e.boxes_hidden());
    assert!(response
        .announcement
        .unwrap()
        .ends_with("All boxes are shown again."));
    assert_eq!(e.annotations().len(), 2);
}

#[test]
fn the_key_table_names_every_command_key() {
    let keys: String = KEY_BINDINGS
        .iter()
        .map(|b| b.keys)
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "Tab", "1–9", "Delete", "Ctrl+D", "Ctrl+Z", "Ctrl+Y", "Escape", "Space", "0", "H", "Alt",
    ] {
        assert!(keys.contains(needle), "{needle} missing from the key help");
    }
}

#[test]
fn n_draws_a_box_in_the_middle_of_the_view_for_keyboard_users() {
    let mut e = editor();
    key(&mut e, "3");
    let response = key(&mut e, "n");
    assert!(response.consumed && response.annotations_changed && response.selection_changed);
    assert!(response
        .announcement
        .unwrap()
        .contains("Arrow keys move it"));
    assert_eq!(rects(&e), vec![rect(150.0, 112.5, 100.0, 75.0)]);
    assert_eq!(e.annotations()[0].category_id, 3);
    key_with(&mut e, "ArrowLeft", Modifiers::SHIFT);
    key_with(&mut e, "ArrowRight", Modifiers::ALT);
    assert_eq!(rects(&e), vec![rect(140.0, 112.5, 101.0, 75.0)]);
}

#[test]
fn n_when_zoomed_in_draws_inside_the_visible_part_of_the_image() {
    let mut e = editor();
    e.zoom_about(screen(&e, 0.0, 0.0), 4.0); // shows image pixels 0..106 × 0..81
    key(&mut e, "N");
    let r = rects(&e)[0];
    assert!(r.right() < 106.0 && r.bottom() < 81.0, "{r:?}");
}

#[test]
fn any_change_to_the_boxes_shows_hidden_boxes_again() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    key(&mut e, "h");
    key_with(&mut e, "z", Modifiers::CTRL);
    assert!(!e.boxes_hidden(), "an undo while hidden is shown");
    key(&mut e, "h");
    e.select(Some(1));
    assert!(
        e.boxes_hidden(),
        "the undone box is gone, so nothing was selected"
    );
    key_with(&mut e, "y", Modifiers::CTRL);
    key(&mut e, "h");
    e.select(Some(1));
    assert!(!e.boxes_hidden(), "a box selected from the list is shown");
}

#[test]
fn choosing_a_label_after_drawing_keeps_the_just_drawn_box_label_for_the_next_box() {
    let mut e = editor();
    e.set_active_category(2);
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    assert!(e.selection_is_fresh());
    let response = key(&mut e, "3");
    assert_eq!(response.announcement.as_deref(), Some("Label bird"));
    assert!(!response.annotations_changed);
    e.set_active_category(1);
    key(&mut e, "Escape");
    drag(&mut e, (100.0, 100.0), (150.0, 150.0));
    let labels: Vec<u64> = e.annotations().iter().map(|a| a.category_id).collect();
    assert_eq!(
        labels,
        vec![2, 1],
        "each box has the label chosen before drawing it"
    );
    assert_eq!(e.selected(), Some(2), "the just-drawn box stays selected");
}

#[test]
fn a_just_drawn_box_is_relabelled_once_selected_on_purpose_or_edited() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    key(&mut e, "Tab");
    assert_eq!(
        e.selected(),
        None,
        "Tab past the only box clears the selection"
    );
    key(&mut e, "Tab");
    assert!(!e.selection_is_fresh(), "selected by Tab, on purpose");
    key(&mut e, "2");
    assert_eq!(e.annotations()[0].category_id, 2);

    key(&mut e, "n");
    assert!(e.selection_is_fresh(), "N draws a fresh box");
    key(&mut e, "ArrowRight");
    assert!(
        !e.selection_is_fresh(),
        "moving it makes it the box being worked on"
    );
    let response = key(&mut e, "3");
    assert_eq!(
        response.announcement.as_deref(),
        Some("Box relabelled bird")
    );
    assert_eq!(e.annotations()[1].category_id, 3);
    e.undo();
    assert_eq!(
        e.annotations()[1].category_id,
        2,
        "the relabel is one undo step"
    );
}

#[test]
fn the_apps_own_keys_pass_through_the_editor_untouched() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    for k in ["?", "i", "c"] {
        let response = key(&mut e, k);
        assert!(!response.consumed, "{k} is the app's");
    }
    assert_eq!(e.annotations().len(), 1);
}
