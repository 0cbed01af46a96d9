//! Verify jobs and carrying boxes forward: the two ways a volunteer works from boxes made elsewhere.
//!
//! In a verify job the editor is read-only: the volunteer looks (zoom, pan, select, hide) and gives each given box
//! a verdict, accepted or rejected with an optional reason; the answer then holds the accepted boxes.

use super::history::Edit;
use super::{Annotation, Editor, Outcome};
use crate::coco::CocoImage;
use crate::editor::{BoxChange, ChangeKind};
use crate::geometry::ImageRect;
use crate::wire::{TaskAnswer, Verdict};

impl Editor {
    /// Makes the editor read-only (verify jobs): drawing, moving, resizing, relabelling, deleting and undo do
    /// nothing; selecting, zooming, panning (a drag pans) and verdicts work.
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only = read_only;
        self.cancel_gesture();
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Accepts (`true`) or rejects the given box shown as `id`; false when `id` is not a given box.
    pub fn set_verdict(&mut self, id: u64, accepted: bool) -> bool {
        match self.given.iter_mut().find(|g| g.local_id == id) {
            Some(given) => {
                given.verdict = Some(accepted);
                self.revision += 1;
                true
            }
            None => false,
        }
    }

    /// The reason given for the verdict on box `id` (empty text clears it).
    pub fn set_verdict_reason(&mut self, id: u64, reason: &str) {
        if let Some(given) = self.given.iter_mut().find(|g| g.local_id == id) {
            given.reason = reason.trim().to_owned();
            self.revision += 1;
        }
    }

    /// The verdict on box `id` and its reason, once it has one.
    pub fn verdict(&self, id: u64) -> Option<(bool, &str)> {
        let given = self.given.iter().find(|g| g.local_id == id)?;
        given
            .verdict
            .map(|accepted| (accepted, given.reason.as_str()))
    }

    /// How many given boxes still wait for a verdict.
    pub fn boxes_without_verdict(&self) -> usize {
        self.given.iter().filter(|g| g.verdict.is_none()).count()
    }

    /// A or R: judges the selected box and selects the next one still without a verdict, so a volunteer can go
    /// through an image with A and R alone.
    pub(crate) fn judge_selected(&mut self, accepted: bool) -> Outcome {
        if !self.read_only {
            return Outcome::ignored();
        }
        let Some(id) = self.selected else {
            return Outcome::consumed().say("Select a box first (Tab), then press A or R");
        };
        if !self.set_verdict(id, accepted) {
            return Outcome::consumed();
        }
        let description = self.describe_box(id);
        let word = if accepted { "Accepted" } else { "Rejected" };
        let next = self.annotations.iter().map(|a| a.id).find(|a| {
            self.given
                .iter()
                .any(|g| g.local_id == *a && g.verdict.is_none())
        });
        self.select(next);
        let left = self.boxes_without_verdict();
        Outcome::consumed().say(format!("{word} {description}; {left} left to judge"))
    }

    /// The answer of a verify task: the accepted boxes as the result (ids 1..n), kept/deleted in the change
    /// record, and every verdict given.
    pub fn verify_answer(&self, image: &CocoImage) -> TaskAnswer {
        let accepted: Vec<&super::changes::GivenBox> = self
            .given
            .iter()
            .filter(|g| g.verdict == Some(true))
            .collect();
        let mut result = self.to_coco_result(image);
        result.annotations = accepted
            .iter()
            .zip(1..)
            .map(|(g, id)| crate::coco::CocoAnnotation {
                id,
                image_id: image.id,
                category_id: g.category_id,
                bbox: g.rect.to_coco(),
                area: g.rect.area(),
                iscrowd: 0,
                score: None,
            })
            .collect();
        let mut changes: Vec<BoxChange> = accepted
            .iter()
            .zip(1..)
            .map(|(g, number)| BoxChange {
                origin: Some(g.origin),
                annotation: Some(number),
                kind: ChangeKind::Kept,
            })
            .collect();
        changes.extend(
            self.given
                .iter()
                .filter(|g| g.verdict == Some(false))
                .map(|g| BoxChange {
                    origin: Some(g.origin),
                    annotation: None,
                    kind: ChangeKind::Deleted,
                }),
        );
        let verdicts = self
            .given
            .iter()
            .filter_map(|g| {
                g.verdict.map(|accepted| Verdict {
                    origin: g.origin,
                    accepted,
                    reason: (!g.reason.is_empty()).then(|| g.reason.clone()),
                })
            })
            .collect();
        TaskAnswer {
            result,
            changes,
            verdicts,
            ..TaskAnswer::default()
        }
    }

    /// The answer of a draw or adjust task: the boxes, and the change record when the task came with boxes or
    /// boxes were drawn.
    pub fn draw_answer(&self, image: &CocoImage) -> TaskAnswer {
        TaskAnswer {
            changes: self.changes(),
            ..TaskAnswer::new(self.to_coco_result(image))
        }
    }

    /// Copies boxes (the previous image's) onto this image as one undo step: each clipped to this image; boxes
    /// with an unknown label or nothing inside the image are skipped. Returns how many were added.
    pub fn carry_forward(&mut self, boxes: &[(ImageRect, u64)]) -> usize {
        if self.read_only {
            return 0;
        }
        let bounds = self.image.bounds();
        let mut edits = Vec::new();
        for &(rect, category_id) in boxes {
            let rect = rect.clip_to(&bounds);
            let known = self.categories.iter().any(|c| c.id == category_id);
            if known && rect.is_finite() && rect.w > 0.0 && rect.h > 0.0 {
                let annotation = Annotation {
                    id: self.next_id,
                    rect,
                    category_id,
                };
                self.next_id += 1;
                edits.push(Edit::Add {
                    index: self.annotations.len() + edits.len(),
                    annotation,
                });
            }
        }
        let added = edits.len();
        if added > 0 {
            self.commit(Edit::Group(edits));
            self.selected = None;
        }
        added
    }
}
