//! Turning what is on screen into the task's answer (and why it cannot be sent yet), and the rows the side lists
//! show.

use crate::coco::{CocoCategory, CocoImage};
use crate::editor::Editor;
use crate::geometry::ImageRect;
use crate::wire::{Outcome, TaskAnswer};

/// One box as the list shows it: its label and its rectangle in image pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxRow {
    /// The editor's annotation id (stable while the task is open).
    pub id: u64,
    pub label: String,
    pub rect: ImageRect,
    pub selected: bool,
}

impl BoxRow {
    /// "x 10, y 20, w 30, h 40": the rectangle in whole image pixels.
    pub fn coordinates(&self) -> String {
        let r = self.rect;
        format!(
            "x {}, y {}, w {}, h {}",
            r.x.round(),
            r.y.round(),
            r.w.round(),
            r.h.round()
        )
    }
}

/// One given box as the verify list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyRow {
    pub row: BoxRow,
    /// `Some(true)` accepted, `Some(false)` rejected, `None` not judged yet.
    pub verdict: Option<bool>,
    pub reason: String,
}

/// The list rows for the editor's boxes, in drawing order.
pub fn box_rows(editor: &Editor, categories: &[CocoCategory]) -> Vec<BoxRow> {
    let selected = editor.selected();
    editor
        .annotations()
        .iter()
        .map(|a| BoxRow {
            id: a.id,
            label: categories
                .iter()
                .find(|c| c.id == a.category_id)
                .map_or_else(|| format!("label {}", a.category_id), |c| c.name.clone()),
            rect: a.rect,
            selected: selected == Some(a.id),
        })
        .collect()
}

/// The verify list's rows: every box with its verdict so far.
pub fn verify_rows(editor: &Editor, categories: &[CocoCategory]) -> Vec<VerifyRow> {
    box_rows(editor, categories)
        .into_iter()
        .map(|row| {
            let verdict = editor.verdict(row.id);
            VerifyRow {
                verdict: verdict.map(|(accepted, _)| accepted),
                reason: verdict.map(|(_, r)| r.to_owned()).unwrap_or_default(),
                row,
            }
        })
        .collect()
}

/// The answer for `outcome`: a verify job's verdicts and accepted boxes, or the drawn boxes with their change
/// record. An outcome that means "no boxes" sends none (a verify job keeps its verdicts).
pub fn answer(editor: &Editor, image: &CocoImage, outcome: Outcome, note: &str) -> TaskAnswer {
    let mut answer = if editor.is_read_only() {
        editor.verify_answer(image)
    } else {
        editor.draw_answer(image)
    };
    if outcome.forbids_boxes() {
        answer.result.annotations.clear();
        answer.changes.retain(|c| c.annotation.is_none());
    }
    answer.outcome = outcome;
    answer.note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
    answer
}

/// Why the answer cannot be sent yet, if it cannot: in a verify job every box needs a verdict first (an
/// unreadable image excepted).
pub fn not_ready(editor: &Editor, outcome: Outcome) -> Option<String> {
    if !editor.is_read_only() || outcome == Outcome::ImageUnreadable {
        return None;
    }
    match editor.boxes_without_verdict() {
        0 => None,
        1 => Some("1 box has no verdict yet: accept or reject it first.".to_owned()),
        n => Some(format!(
            "{n} boxes have no verdict yet: accept or reject each first."
        )),
    }
}
