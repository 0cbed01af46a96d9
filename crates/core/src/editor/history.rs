//! Undo and redo. Every change to the boxes is recorded as an [`Edit`] that knows how to apply and invert
//! itself, so the history costs memory per change, not per box (10,000 boxes do not get copied per step).

use super::Annotation;

/// One reversible change to the list of boxes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Edit {
    /// `annotation` was inserted at `index`.
    Add {
        index: usize,
        annotation: Annotation,
    },
    /// `annotation` was taken out from `index`.
    Remove {
        index: usize,
        annotation: Annotation,
    },
    /// The box with `before.id` changed from `before` to `after` (its rectangle, its label or both).
    Change {
        before: Annotation,
        after: Annotation,
    },
    /// Several edits as one undo step (boxes carried forward from the previous image).
    Group(Vec<Edit>),
}

impl Edit {
    pub(crate) fn inverse(&self) -> Edit {
        match self {
            Edit::Add { index, annotation } => Edit::Remove {
                index: *index,
                annotation: annotation.clone(),
            },
            Edit::Remove { index, annotation } => Edit::Add {
                index: *index,
                annotation: annotation.clone(),
            },
            Edit::Change { before, after } => Edit::Change {
                before: after.clone(),
                after: before.clone(),
            },
            Edit::Group(edits) => Edit::Group(edits.iter().rev().map(Edit::inverse).collect()),
        }
    }

    /// Applies the edit and returns the box it leaves worth selecting (the one added or changed).
    pub(crate) fn apply(&self, annotations: &mut Vec<Annotation>) -> Option<u64> {
        match self {
            Edit::Add { index, annotation } => {
                let index = (*index).min(annotations.len());
                annotations.insert(index, annotation.clone());
                Some(annotation.id)
            }
            Edit::Remove { annotation, .. } => {
                annotations.retain(|a| a.id != annotation.id);
                None
            }
            Edit::Change { after, .. } => {
                if let Some(a) = annotations.iter_mut().find(|a| a.id == after.id) {
                    *a = after.clone();
                }
                Some(after.id)
            }
            Edit::Group(edits) => edits
                .iter()
                .map(|edit| edit.apply(annotations))
                .last()
                .flatten(),
        }
    }

    /// What the edit did, for announcements ("Undid: move box").
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Edit::Group(_) => "copy boxes",
            Edit::Add { .. } => "add box",
            Edit::Remove { .. } => "delete box",
            Edit::Change { before, after } if before.category_id != after.category_id => {
                if before.rect == after.rect {
                    "relabel box"
                } else {
                    "change box"
                }
            }
            Edit::Change { before, after }
                if before.rect.w == after.rect.w && before.rect.h == after.rect.h =>
            {
                "move box"
            }
            Edit::Change { .. } => "resize box",
        }
    }
}

/// The undo and redo stacks. A new edit clears the redo stack.
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Whether the next [`History::record_merging`] of the same box may fold into the last edit: a run of arrow
    /// key presses is one undo step. Any other record, undo or redo closes the run.
    merge_open: bool,
}

/// Undo steps kept; the oldest are dropped beyond this.
const UNDO_LIMIT: usize = 1000;

impl History {
    pub(crate) fn record(&mut self, edit: Edit) {
        self.merge_open = false;
        self.push(edit);
    }

    /// Records a `Change`, folding it into the previous one when that was a merging change of the same box.
    pub(crate) fn record_merging(&mut self, edit: Edit) {
        if let (
            true,
            Some(Edit::Change {
                before: _,
                after: last_after,
            }),
            Edit::Change { before, after },
        ) = (self.merge_open, self.undo.last_mut(), &edit)
        {
            if last_after.id == before.id && last_after == before {
                *last_after = after.clone();
                self.redo.clear();
                return;
            }
        }
        self.push(edit);
        self.merge_open = true;
    }

    /// Ends a run of merging edits (another kind of input came in between).
    pub(crate) fn close_merge(&mut self) {
        self.merge_open = false;
    }

    fn push(&mut self, edit: Edit) {
        self.redo.clear();
        self.undo.push(edit);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
    }

    /// The edit to invert for an undo; it moves to the redo stack.
    pub(crate) fn take_undo(&mut self) -> Option<Edit> {
        self.merge_open = false;
        let edit = self.undo.pop()?;
        self.redo.push(edit.clone());
        Some(edit)
    }

    /// The edit to apply again for a redo; it moves back to the undo stack.
    pub(crate) fn take_redo(&mut self) -> Option<Edit> {
        self.merge_open = false;
        let edit = self.redo.pop()?;
        self.undo.push(edit.clone());
        Some(edit)
    }

    pub(crate) fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub(crate) fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
