//! Correcting an image in review: the volunteers' editor opened on the consolidated boxes, and the boxes it ends
//! with as the owner API takes them. A job's labels are its COCO categories 1, 2, … in order.

use crate::coco::categories_from_labels;
use crate::editor::Editor;
use crate::geometry::{ImageRect, ImageSize};
use crate::owner::{ImageDetail, LabelledBox};

/// An editor on `detail`'s image with its consolidated boxes, labelled from the job's `labels` (a box whose label
/// the job no longer has is left out).
pub fn correction_editor(detail: &ImageDetail, labels: &[String]) -> Editor {
    let mut editor = Editor::new(
        ImageSize::new(f64::from(detail.width), f64::from(detail.height)),
        categories_from_labels(labels),
    );
    editor.load_boxes(detail.consolidated.iter().filter_map(|b| {
        let id = labels.iter().position(|n| *n == b.label)? as u64 + 1;
        Some((ImageRect::from_coco(b.bbox), id))
    }));
    editor
}

/// The editor's boxes as a correction's boxes: label names and COCO `[x, y, w, h]`, no confidence.
pub fn corrected_boxes(editor: &Editor, labels: &[String]) -> Vec<LabelledBox> {
    editor
        .annotations()
        .iter()
        .map(|a| LabelledBox {
            label: labels
                .get(a.category_id as usize - 1)
                .cloned()
                .unwrap_or_default(),
            bbox: a.rect.to_coco(),
            confidence: None,
        })
        .collect()
}
