//! The per-box change record for boxes a task came with.

use super::*;
use crate::editor::{BoxChange, ChangeKind};

fn given_editor() -> Editor {
    let mut e = editor();
    let loaded = e.load_given_boxes([
        (70, rect(10.0, 10.0, 40.0, 40.0), 1),
        (71, rect(100.0, 100.0, 40.0, 40.0), 2),
        (72, rect(200.0, 50.0, 40.0, 40.0), 1),
        (73, rect(300.0, 200.0, 40.0, 40.0), 3),
        (74, rect(380.0, 280.0, 40.0, 40.0), 1), // sticks out: clipped when loaded, not a move
    ]);
    assert_eq!(loaded, 5);
    e
}

fn change(origin: Option<u64>, annotation: Option<u64>, kind: ChangeKind) -> BoxChange {
    BoxChange {
        origin,
        annotation,
        kind,
    }
}

#[test]
fn untouched_given_boxes_are_all_kept() {
    let e = given_editor();
    let kinds: Vec<ChangeKind> = e.changes().iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Kept; 5]);
    assert_eq!(e.changes()[4], change(Some(74), Some(5), ChangeKind::Kept));
}

#[test]
fn moved_relabelled_deleted_and_added_boxes_are_each_recorded() {
    let mut e = given_editor();
    drag(&mut e, (30.0, 30.0), (30.0, 30.0)); // a click selects box 70
    drag(&mut e, (30.0, 30.0), (35.0, 30.0)); // moves it
    click(&mut e, 120.0, 120.0);
    key(&mut e, "3"); // relabels box 71
    click(&mut e, 220.0, 70.0);
    drag(&mut e, (220.0, 70.0), (225.0, 75.0)); // moves box 72 ...
    key(&mut e, "2"); // ... and relabels it
    click(&mut e, 320.0, 220.0);
    key(&mut e, "Delete"); // deletes box 73
    key(&mut e, "Escape");
    drag(&mut e, (150.0, 250.0), (190.0, 290.0)); // a new box
    assert_eq!(
        e.changes(),
        vec![
            change(Some(70), Some(1), ChangeKind::Moved),
            change(Some(71), Some(2), ChangeKind::Relabelled),
            change(Some(72), Some(3), ChangeKind::MovedAndRelabelled),
            change(Some(74), Some(4), ChangeKind::Kept),
            change(None, Some(5), ChangeKind::Added),
            change(Some(73), None, ChangeKind::Deleted),
        ]
    );
}

#[test]
fn undoing_every_edit_brings_the_record_back_to_all_kept() {
    let mut e = given_editor();
    click(&mut e, 30.0, 30.0);
    key_with(&mut e, "d", Modifiers::CTRL); // a duplicate is an added box, not the original
    assert_eq!(e.changes()[5], change(None, Some(6), ChangeKind::Added));
    click(&mut e, 120.0, 120.0);
    key(&mut e, "Delete");
    key(&mut e, "ArrowRight");
    while e.undo().is_some() {}
    let kinds: Vec<ChangeKind> = e.changes().iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Kept; 5]);
}
