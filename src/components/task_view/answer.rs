//! Turning what is on screen into the task's answer, and the rows the side lists show.

use crowdbox_core::coco::{CocoCategory, CocoImage};
use crowdbox_core::editor::Editor;
use crowdbox_core::wire::{Outcome, TaskAnswer};

use crate::components::box_list::BoxRow;
use crate::components::verify_panel::VerifyRow;

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

/// Whether a key press belongs to a text field rather than to the app's shortcuts.
pub fn typed_into_text_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "TEXTAREA" | "SELECT")
                || (el.tag_name() == "INPUT"
                    && !matches!(
                        el.get_attribute("type").as_deref(),
                        Some("radio" | "checkbox" | "button" | "submit")
                    ))
                || el.has_attribute("contenteditable")
        })
}
