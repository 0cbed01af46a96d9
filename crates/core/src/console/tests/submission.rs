use serde_json::json;

use crate::console::submission::*;

#[test]
fn a_change_record_is_tallied_and_written_one_line_per_box() {
    let changes = [
        json!({"origin": 12, "annotation": 1, "kind": "kept"}),
        json!({"origin": 13, "annotation": 2, "kind": "moved"}),
        json!({"origin": 14, "annotation": 3, "kind": "kept"}),
        json!({"origin": 15, "annotation": null, "kind": "deleted"}),
        json!({"origin": null, "annotation": 4, "kind": "added"}),
        json!({"origin": 16, "annotation": 5, "kind": "moved_and_relabelled"}),
    ];
    let record = change_record(&changes).unwrap();
    assert_eq!(
        record.summary,
        "2 kept, 1 moved, 1 moved and relabelled, 1 added, 1 deleted"
    );
    assert_eq!(
        record.lines,
        [
            "given box 12 → box 1: kept",
            "given box 13 → box 2: moved",
            "given box 14 → box 3: kept",
            "given box 15: deleted",
            "box 4: added",
            "given box 16 → box 5: moved and relabelled",
        ]
    );
}

#[test]
fn no_record_is_none_and_an_entry_not_understood_is_shown_as_stored() {
    assert_eq!(change_record(&[]), None);
    let odd = json!({"origin": 1, "kind": "teleported"});
    let record = change_record(&[json!({"annotation": 1, "kind": "added"}), odd.clone()]).unwrap();
    assert_eq!(record.summary, "1 added, 1 not understood");
    assert_eq!(record.lines, ["box 1: added".to_owned(), odd.to_string()]);
}

#[test]
fn a_blank_note_is_no_note() {
    assert_eq!(note(None), None);
    assert_eq!(note(Some("  \n")), None);
    assert_eq!(
        note(Some(" Too blurry to tell. ")),
        Some("Too blurry to tell.")
    );
}
