//! A submission as the review screen describes it: the volunteer's note and their change record (what became of
//! each given box, which boxes they added) in words, one line per box, and a one-line tally.

use crate::editor::{BoxChange, ChangeKind};

/// The change record in words: a tally (`2 kept, 1 moved, 1 added`) and one line per entry, in the record's
/// order. An entry this build cannot read is shown as the JSON it is, so nothing the server stored is hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRecord {
    pub summary: String,
    pub lines: Vec<String>,
}

/// The words for `kind`, as in the tally.
fn kind_words(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Kept => "kept",
        ChangeKind::Moved => "moved",
        ChangeKind::Relabelled => "relabelled",
        ChangeKind::MovedAndRelabelled => "moved and relabelled",
        ChangeKind::Added => "added",
        ChangeKind::Deleted => "deleted",
    }
}

const KINDS: [ChangeKind; 6] = [
    ChangeKind::Kept,
    ChangeKind::Moved,
    ChangeKind::Relabelled,
    ChangeKind::MovedAndRelabelled,
    ChangeKind::Added,
    ChangeKind::Deleted,
];

/// One entry in words: `given box 12 → box 3: moved`, `box 4: added`, `given box 5: deleted`.
fn line(change: &BoxChange) -> String {
    let what = match (change.origin, change.annotation) {
        (Some(origin), Some(annotation)) => format!("given box {origin} → box {annotation}"),
        (Some(origin), None) => format!("given box {origin}"),
        (None, Some(annotation)) => format!("box {annotation}"),
        (None, None) => "a box".to_owned(),
    };
    format!("{what}: {}", kind_words(change.kind))
}

/// The change record of `ImageSubmission::changes`; `None` when there is none.
pub fn change_record(changes: &[serde_json::Value]) -> Option<ChangeRecord> {
    if changes.is_empty() {
        return None;
    }
    let read: Vec<Option<BoxChange>> = changes
        .iter()
        .map(|value| serde_json::from_value(value.clone()).ok())
        .collect();
    let mut tally: Vec<String> = KINDS
        .into_iter()
        .filter_map(|kind| {
            let n = read.iter().flatten().filter(|c| c.kind == kind).count();
            (n > 0).then(|| format!("{n} {}", kind_words(kind)))
        })
        .collect();
    let unread = read.iter().filter(|c| c.is_none()).count();
    if unread > 0 {
        tally.push(format!("{unread} not understood"));
    }
    let lines = read
        .iter()
        .zip(changes)
        .map(|(change, value)| match change {
            Some(change) => line(change),
            None => value.to_string(),
        })
        .collect();
    Some(ChangeRecord {
        summary: tally.join(", "),
        lines,
    })
}

/// The volunteer's note as shown: trimmed, `None` when there is none or it is blank.
pub fn note(note: Option<&str>) -> Option<&str> {
    note.map(str::trim).filter(|n| !n.is_empty())
}
