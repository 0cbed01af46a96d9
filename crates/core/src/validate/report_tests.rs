//! Unit tests of `validate_report`: outcome, note, change record and verdicts, each broken in one place.

use super::tests::{field_of, submission};
use crate::editor::{BoxChange, ChangeKind};
use crate::validate::validate_report;
use crate::wire::{Outcome, Verdict, MAX_NOTE_CHARS};

fn change(origin: Option<u64>, annotation: Option<u64>, kind: ChangeKind) -> BoxChange {
    BoxChange {
        origin,
        annotation,
        kind,
    }
}

/// Box 1 is given box 1 moved, box 2 was drawn, and given box 2 was deleted.
fn with_changes() -> crate::wire::Submission {
    let mut sub = submission();
    sub.changes = vec![
        change(Some(1), Some(1), ChangeKind::Moved),
        change(None, Some(2), ChangeKind::Added),
        change(Some(2), None, ChangeKind::Deleted),
    ];
    sub
}

#[test]
fn a_full_change_record_and_verdicts_are_accepted() {
    let mut sub = with_changes();
    sub.verdicts = vec![Verdict {
        origin: 2,
        accepted: false,
        reason: Some("not a hammer".into()),
    }];
    sub.outcome = Outcome::Unsure;
    sub.note = Some("the light is poor\nbut I tried".into());
    assert_eq!(validate_report(&sub, Some(2)), Ok(()));
}

#[test]
fn nothing_to_label_and_unreadable_must_come_without_boxes() {
    for outcome in [Outcome::NothingToLabel, Outcome::ImageUnreadable] {
        let mut sub = submission();
        sub.outcome = outcome;
        assert_eq!(field_of(&sub), "outcome");
        sub.result.annotations.clear();
        assert_eq!(validate_report(&sub, None), Ok(()));
    }
}

#[test]
fn a_boxed_result_without_boxes_is_stored_as_nothing_to_label() {
    assert_eq!(Outcome::Boxed.stored(0), Outcome::NothingToLabel);
    assert_eq!(Outcome::Boxed.stored(2), Outcome::Boxed);
    assert_eq!(Outcome::Unsure.stored(0), Outcome::Unsure);
    for outcome in Outcome::ALL {
        assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
    }
}

#[test]
fn a_note_too_long_or_with_control_characters_is_refused() {
    let mut sub = submission();
    sub.note = Some("x".repeat(MAX_NOTE_CHARS + 1));
    assert_eq!(field_of(&sub), "note");
    sub.note = Some("bell \u{7}".into());
    assert_eq!(field_of(&sub), "note");
}

#[test]
fn every_box_of_the_result_must_be_in_a_change_record() {
    let mut sub = with_changes();
    sub.changes.remove(1);
    assert_eq!(field_of(&sub), "changes");
}

#[test]
fn change_lines_must_match_their_kind() {
    let mut sub = with_changes();
    sub.changes[1].origin = Some(2);
    assert_eq!(field_of(&sub), "changes[1].origin");

    let mut sub = with_changes();
    sub.changes[0].origin = None;
    assert_eq!(field_of(&sub), "changes[0].origin");

    let mut sub = with_changes();
    sub.changes[2].annotation = Some(2);
    assert_eq!(field_of(&sub), "changes[2].annotation");

    let mut sub = with_changes();
    sub.changes[0].annotation = Some(9);
    assert_eq!(field_of(&sub), "changes[0].annotation");
}

#[test]
fn a_given_box_or_an_annotation_appears_once_in_the_record() {
    let mut sub = with_changes();
    sub.changes[2].origin = Some(1);
    assert_eq!(field_of(&sub), "changes[2].origin");

    let mut sub = with_changes();
    sub.changes[1] = change(None, Some(1), ChangeKind::Added);
    assert_eq!(field_of(&sub), "changes[1].annotation");
}

#[test]
fn origins_must_name_the_tasks_given_boxes_when_their_number_is_known() {
    let sub = with_changes();
    let error = validate_report(&sub, Some(1)).expect_err("given box 2 does not exist");
    assert_eq!(error.field, "changes[2].origin");
    assert!(error.message.contains("1..=1"), "{}", error.message);
    let error = validate_report(&sub, Some(0)).expect_err("no given boxes");
    assert!(error.message.contains("without boxes"), "{}", error.message);
}

#[test]
fn verdicts_name_each_given_box_once_with_a_short_reason() {
    let verdict = |origin, reason: Option<&str>| Verdict {
        origin,
        accepted: true,
        reason: reason.map(str::to_owned),
    };
    let mut sub = submission();
    sub.verdicts = vec![verdict(1, None), verdict(1, None)];
    assert_eq!(field_of(&sub), "verdicts[1].origin");
    sub.verdicts = vec![verdict(1, Some(&"y".repeat(MAX_NOTE_CHARS + 1)))];
    assert_eq!(field_of(&sub), "verdicts[0].reason");
    sub.verdicts = vec![verdict(3, None)];
    let error = validate_report(&sub, Some(2)).expect_err("only two given boxes");
    assert_eq!(error.field, "verdicts[0].origin");
}

#[test]
fn fields_at_their_defaults_stay_out_of_the_json_so_old_hashes_hold() {
    let json = serde_json::to_string(&submission()).expect("serialises");
    for absent in ["outcome", "note", "changes", "verdicts"] {
        assert!(!json.contains(absent), "{absent} in {json}");
    }
    let mut sub = submission();
    sub.outcome = Outcome::Unsure;
    let json = serde_json::to_string(&sub).expect("serialises");
    assert!(json.contains(r#""outcome":"unsure""#), "{json}");
}
