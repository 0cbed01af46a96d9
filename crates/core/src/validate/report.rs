//! Validation of what a submission says beyond its boxes: the outcome, the note, the per-box change record and
//! the verdicts of a verify job.

use std::collections::HashSet;

use crate::editor::ChangeKind;
use crate::wire::{Submission, MAX_NOTE_CHARS};

use super::FieldError;

/// The most lines a change record or a verdict list may hold: every box of a full result plus as many deleted
/// given boxes (the box limit is 1,000).
pub const MAX_RECORD_LINES: usize = 2000;

/// Checks the outcome against the boxes, the note, the change record and the verdicts. `given_boxes` is how
/// many boxes the task came with (their ids are 1..=given_boxes); `None` when the caller does not know.
pub fn validate_report(sub: &Submission, given_boxes: Option<u64>) -> Result<(), FieldError> {
    if sub.outcome.forbids_boxes() && !sub.result.annotations.is_empty() {
        return Err(FieldError::new(
            "outcome",
            format!(
                "outcome {} means no boxes, but result.annotations holds {}",
                sub.outcome.as_str(),
                sub.result.annotations.len()
            ),
        ));
    }
    if let Some(note) = &sub.note {
        validate_free_text("note", note)?;
    }
    validate_changes(sub, given_boxes)?;
    validate_verdicts(sub, given_boxes)
}

/// People's words: at most [`MAX_NOTE_CHARS`] characters, no control characters but line breaks and tabs.
fn validate_free_text(field: &str, text: &str) -> Result<(), FieldError> {
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(FieldError::new(
            field,
            format!("{field} is longer than {MAX_NOTE_CHARS} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(())
}

fn check_origin(field: &str, origin: u64, given_boxes: Option<u64>) -> Result<(), FieldError> {
    match given_boxes {
        Some(given) if origin == 0 || origin > given => Err(FieldError::new(
            field,
            if given == 0 {
                format!("origin {origin} names a given box, but the task came without boxes")
            } else {
                format!("origin {origin} is not one of the task's given boxes 1..={given}")
            },
        )),
        _ => Ok(()),
    }
}

fn validate_changes(sub: &Submission, given_boxes: Option<u64>) -> Result<(), FieldError> {
    if sub.changes.is_empty() {
        return Ok(());
    }
    if sub.changes.len() > MAX_RECORD_LINES {
        return Err(FieldError::new(
            "changes",
            format!("changes holds more than {MAX_RECORD_LINES} lines"),
        ));
    }
    let annotation_ids: HashSet<u64> = sub.result.annotations.iter().map(|a| a.id).collect();
    let mut seen_annotations = HashSet::new();
    let mut seen_origins = HashSet::new();
    for (index, change) in sub.changes.iter().enumerate() {
        let path = format!("changes[{index}]");
        let added = change.kind == ChangeKind::Added;
        let deleted = change.kind == ChangeKind::Deleted;
        match (change.origin, added) {
            (Some(_), true) => {
                return Err(FieldError::new(
                    format!("{path}.origin"),
                    "an added box has no origin",
                ))
            }
            (None, false) => {
                return Err(FieldError::new(
                    format!("{path}.origin"),
                    "a kept, moved, relabelled or deleted box needs the origin of its given box",
                ))
            }
            (Some(origin), false) => {
                check_origin(&format!("{path}.origin"), origin, given_boxes)?;
                if !seen_origins.insert(origin) {
                    return Err(FieldError::new(
                        format!("{path}.origin"),
                        format!("given box {origin} appears more than once"),
                    ));
                }
            }
            (None, true) => {}
        }
        match (change.annotation, deleted) {
            (Some(_), true) => {
                return Err(FieldError::new(
                    format!("{path}.annotation"),
                    "a deleted box has no annotation in the result",
                ))
            }
            (None, false) => {
                return Err(FieldError::new(
                    format!("{path}.annotation"),
                    "every box but a deleted one names its annotation in the result",
                ))
            }
            (Some(annotation), false) => {
                if !annotation_ids.contains(&annotation) {
                    return Err(FieldError::new(
                        format!("{path}.annotation"),
                        format!("annotation {annotation} is not in result.annotations"),
                    ));
                }
                if !seen_annotations.insert(annotation) {
                    return Err(FieldError::new(
                        format!("{path}.annotation"),
                        format!("annotation {annotation} appears more than once"),
                    ));
                }
            }
            (None, true) => {}
        }
    }
    if let Some(missing) = sub
        .result
        .annotations
        .iter()
        .find(|a| !seen_annotations.contains(&a.id))
    {
        return Err(FieldError::new(
            "changes",
            format!(
                "annotation {} of the result is missing from the change record",
                missing.id
            ),
        ));
    }
    Ok(())
}

fn validate_verdicts(sub: &Submission, given_boxes: Option<u64>) -> Result<(), FieldError> {
    if sub.verdicts.len() > MAX_RECORD_LINES {
        return Err(FieldError::new(
            "verdicts",
            format!("verdicts holds more than {MAX_RECORD_LINES} lines"),
        ));
    }
    let mut seen = HashSet::new();
    for (index, verdict) in sub.verdicts.iter().enumerate() {
        let path = format!("verdicts[{index}]");
        check_origin(&format!("{path}.origin"), verdict.origin, given_boxes)?;
        if !seen.insert(verdict.origin) {
            return Err(FieldError::new(
                format!("{path}.origin"),
                format!("given box {} has more than one verdict", verdict.origin),
            ));
        }
        if let Some(reason) = &verdict.reason {
            validate_free_text(&format!("{path}.reason"), reason)?;
        }
    }
    Ok(())
}
