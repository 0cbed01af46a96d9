//! Remapped shortcuts: the volunteer's keys reach the editor, the old keys are freed, conflicts are refused.

use super::*;

#[test]
fn a_remapped_action_runs_from_its_new_key_and_its_old_key_does_nothing() {
    let mut keymap = Keymap::default();
    keymap.bind(Action::NewBox, "b").expect("b is free");
    let mut e = editor();
    e.set_keymap(keymap);
    let old = key(&mut e, "n");
    assert!(
        !old.consumed && e.annotations().is_empty(),
        "N no longer draws"
    );
    let new = key(&mut e, "B");
    assert!(
        new.consumed && new.annotations_changed,
        "B (any case) draws"
    );
    assert_eq!(e.annotations().len(), 1);
    assert_eq!(e.keymap().key_for(Action::NewBox), "b");
    assert_eq!(e.keymap().key_for(Action::Fit), "0");
}

#[test]
fn a_key_that_already_does_something_is_refused_and_nothing_changes() {
    let mut keymap = Keymap::default();
    let err = keymap.bind(Action::NewBox, "h").unwrap_err();
    assert_eq!(err, "h is already taken: Hide or show all boxes.");
    assert!(keymap
        .bind(Action::Fit, "2")
        .unwrap_err()
        .contains("already"));
    assert!(keymap.bind(Action::Fit, "ArrowLeft").is_err());
    assert!(keymap
        .bind(Action::Fit, "?")
        .unwrap_err()
        .contains("key help"));
    assert!(keymap
        .bind(Action::Fit, "Tab")
        .unwrap_err()
        .contains("cannot be used"));
    assert!(keymap
        .bind(Action::Fit, " ")
        .unwrap_err()
        .starts_with("Space"));
    assert!(keymap.is_default());
}

#[test]
fn a_key_freed_by_one_remap_can_be_taken_by_another_action_and_reset_restores_the_defaults() {
    let mut keymap = Keymap::default();
    keymap.bind(Action::ToggleBoxes, "v").unwrap();
    keymap.bind(Action::NewBox, "h").expect("h was freed");
    assert_eq!(
        keymap.command_for("h", Modifiers::NONE),
        Some(Command::NewBox)
    );
    assert_eq!(
        keymap.command_for("v", Modifiers::NONE),
        Some(Command::ToggleBoxes)
    );
    assert_eq!(
        keymap.command_for("z", Modifiers::CTRL),
        Some(Command::Undo),
        "keys with Ctrl are untouched"
    );
    keymap.bind(Action::ToggleBoxes, "h").unwrap_err();
    keymap
        .bind(Action::NewBox, "n")
        .expect("back to its own default");
    assert_eq!(keymap.key_for(Action::NewBox), "n");
    keymap.reset();
    assert!(keymap.is_default());
    assert_eq!(
        keymap.command_for("h", Modifiers::NONE),
        Some(Command::ToggleBoxes)
    );
}

#[test]
fn a_keymap_survives_a_round_trip_through_json() {
    let mut keymap = Keymap::default();
    keymap.bind(Action::ZoomIn, "k").unwrap();
    let json = serde_json::to_string(&keymap).unwrap();
    assert!(json.contains("zoom_in"), "{json}");
    assert_eq!(serde_json::from_str::<Keymap>(&json).unwrap(), keymap);
}
