//! What became of the boxes a task came with (pre-annotations): for each, whether the volunteer kept it, moved or
//! resized it, relabelled it, or deleted it, and which boxes they added. Ground Truth records one
//! `initialValueModified` flag per image; this says it per box.

use serde::{Deserialize, Serialize};

use super::{Annotation, Editor};
use crate::geometry::ImageRect;

/// What happened to one box between the task's start and the submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Kept,
    /// Moved or resized, label unchanged.
    Moved,
    Relabelled,
    MovedAndRelabelled,
    /// Drawn (or duplicated) by the volunteer.
    Added,
    /// A given box the volunteer deleted.
    Deleted,
}

/// One line of the change record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoxChange {
    /// The given box's id (its COCO annotation id in the task), for every kind but `Added`.
    pub origin: Option<u64>,
    /// The box's annotation id in the submitted result (1-based, as [`Editor::to_coco_result`] numbers them),
    /// for every kind but `Deleted`.
    pub annotation: Option<u64>,
    pub kind: ChangeKind,
}

/// A given box as it was loaded: origin id, rectangle (after clipping to the image) and label.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GivenBox {
    pub(crate) origin: u64,
    pub(crate) local_id: u64,
    pub(crate) rect: ImageRect,
    pub(crate) category_id: u64,
}

impl Editor {
    /// Loads the boxes a task comes with as `(origin id, rect, category_id)`, like [`Editor::load_boxes`], and
    /// remembers them so [`Editor::changes`] can tell what became of each. Returns how many were added.
    pub fn load_given_boxes(
        &mut self,
        boxes: impl IntoIterator<Item = (u64, ImageRect, u64)>,
    ) -> usize {
        let mut added = 0;
        for (origin, rect, category_id) in boxes {
            if self.load_boxes([(rect, category_id)]) == 1 {
                let a: &Annotation = self.annotations.last().expect("just loaded");
                self.given.push(GivenBox {
                    origin,
                    local_id: a.id,
                    rect: a.rect,
                    category_id,
                });
                added += 1;
            }
        }
        added
    }

    /// For every box now, in drawing order, what it is relative to the given boxes; then the given boxes that
    /// were deleted.
    pub fn changes(&self) -> Vec<BoxChange> {
        let mut changes: Vec<BoxChange> = self
            .annotations
            .iter()
            .zip(1..)
            .map(|(a, number)| {
                let given = self.given.iter().find(|g| g.local_id == a.id);
                let kind = match given {
                    None => ChangeKind::Added,
                    Some(g) => match (g.rect != a.rect, g.category_id != a.category_id) {
                        (false, false) => ChangeKind::Kept,
                        (true, false) => ChangeKind::Moved,
                        (false, true) => ChangeKind::Relabelled,
                        (true, true) => ChangeKind::MovedAndRelabelled,
                    },
                };
                BoxChange {
                    origin: given.map(|g| g.origin),
                    annotation: Some(number),
                    kind,
                }
            })
            .collect();
        changes.extend(
            self.given
                .iter()
                .filter(|g| self.annotation(g.local_id).is_none())
                .map(|g| BoxChange {
                    origin: Some(g.origin),
                    annotation: None,
                    kind: ChangeKind::Deleted,
                }),
        );
        changes
    }
}
