//! What became of the boxes a task came with (pre-annotations): for each, whether the volunteer kept it, moved or
//! resized it, relabelled it, or deleted it, and which boxes they added. Ground Truth records one
//! `initialValueModified` flag per image; this says it per box.

use serde::{Deserialize, Serialize};

use super::{Annotation, Editor};
use crate::geometry::ImageRect;

/// What happened to one box between the task's start and the submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// In a verify job: accepted (`true`) or rejected, once judged.
    pub(crate) verdict: Option<bool>,
    /// Why, if the volunteer said (verify jobs).
    pub(crate) reason: String,
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
                    verdict: None,
                    reason: String::new(),
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

/// A box as a draft keeps it: rectangle, label, and the given box it came from (if it did).
pub type BoxWithOrigin = (ImageRect, u64, Option<u64>);

/// A verdict as a draft keeps it: the given box's origin id, accepted or not, and the reason.
pub type SavedVerdict = (u64, bool, String);

impl Editor {
    /// The boxes now, each with the origin id of the given box it started as (`None`: drawn here).
    pub fn boxes_with_origins(&self) -> Vec<BoxWithOrigin> {
        self.annotations
            .iter()
            .map(|a| {
                let origin = self
                    .given
                    .iter()
                    .find(|g| g.local_id == a.id)
                    .map(|g| g.origin);
                (a.rect, a.category_id, origin)
            })
            .collect()
    }

    /// Every verdict given so far.
    pub fn verdicts_by_origin(&self) -> Vec<SavedVerdict> {
        self.given
            .iter()
            .filter_map(|g| g.verdict.map(|v| (g.origin, v, g.reason.clone())))
            .collect()
    }

    /// A fresh editor for the same image, labels, given boxes and mode, holding `boxes` (from a saved draft)
    /// instead of the boxes now: boxes that name a given box's origin stay tied to it, so the change record after
    /// a reload is the same as before; given boxes no draft box names count as deleted. Verdicts are restored
    /// by origin.
    pub fn with_restored_boxes(
        &self,
        boxes: &[BoxWithOrigin],
        verdicts: &[SavedVerdict],
    ) -> Editor {
        let mut restored = Editor::new(self.image, self.categories.clone());
        restored.keymap = self.keymap.clone();
        for &(rect, category_id, origin) in boxes {
            if restored.load_boxes([(rect, category_id)]) != 1 {
                continue;
            }
            let local_id = restored.annotations.last().map_or(0, |a| a.id);
            let given = origin.and_then(|o| self.given.iter().find(|g| g.origin == o));
            let already_tied =
                given.is_some_and(|g| restored.given.iter().any(|r| r.origin == g.origin));
            if let (Some(given), false) = (given, already_tied) {
                restored.given.push(GivenBox {
                    local_id,
                    verdict: None,
                    reason: String::new(),
                    ..given.clone()
                });
            }
        }
        for given in &self.given {
            if !restored.given.iter().any(|r| r.origin == given.origin) {
                // Deleted before the reload: an id no box has, so `changes` reports it deleted.
                let local_id = restored.next_id;
                restored.next_id += 1;
                restored.given.push(GivenBox {
                    local_id,
                    verdict: None,
                    reason: String::new(),
                    ..given.clone()
                });
            }
        }
        for (origin, accepted, reason) in verdicts {
            if let Some(given) = restored.given.iter_mut().find(|g| g.origin == *origin) {
                given.verdict = Some(*accepted);
                given.reason = reason.clone();
            }
        }
        restored.read_only = self.read_only;
        restored
    }
}
