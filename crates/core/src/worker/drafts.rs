//! Drafts: every edit of a task is saved as it happens, so a reload, a crash or a closed tab resumes the task
//! with its boxes.
//!
//! A draft is keyed by job + worker + task, holds the boxes (natural image pixels + category), the active label
//! and the task's submission id (made once, so a resend after a reload is the same submission). The app keeps
//! drafts in localStorage and writes one when the editor's boxes, selection or label change, never on a mere
//! pointer move; it is removed once the task's submission is safely in the outbox.

use serde::{Deserialize, Serialize};

use crate::editor::{BoxWithOrigin, Editor, SavedVerdict};
use crate::geometry::ImageRect;

/// One saved box: COCO `[x, y, w, h]` in natural image pixels, and its label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftBox {
    pub bbox: [f64; 4],
    pub category_id: u64,
    /// The id of the given box (pre-annotation) this box started as, so the change record survives a reload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<u64>,
}

/// A task's unsent work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub submission_id: String,
    pub active_category: u64,
    pub boxes: Vec<DraftBox>,
    /// Verify jobs: (given box id, accepted, reason) for every box judged so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verdicts: Vec<SavedVerdict>,
}

impl Draft {
    /// The editor's boxes and label now, under `submission_id`.
    pub fn of_editor(editor: &Editor, submission_id: String) -> Self {
        Self {
            submission_id,
            active_category: editor.active_category(),
            boxes: editor
                .boxes_with_origins()
                .into_iter()
                .map(|(rect, category_id, origin)| DraftBox {
                    bbox: rect.to_coco(),
                    category_id,
                    origin,
                })
                .collect(),
            verdicts: editor.verdicts_by_origin(),
        }
    }

    /// Boxes handed back by a refused submission, under a fresh id (to box the image again).
    pub fn of_boxes(boxes: Vec<DraftBox>, submission_id: String) -> Self {
        Self {
            submission_id,
            active_category: boxes.last().map_or(0, |b| b.category_id),
            boxes,
            verdicts: Vec::new(),
        }
    }

    /// A fresh editor for the same image, labels, given boxes and mode holding exactly the draft's boxes, verdicts
    /// and label.
    pub fn restore(&self, editor: &Editor) -> Editor {
        let boxes: Vec<BoxWithOrigin> = self
            .boxes
            .iter()
            .map(|b| (ImageRect::from_coco(b.bbox), b.category_id, b.origin))
            .collect();
        let mut restored = editor.with_restored_boxes(&boxes, &self.verdicts);
        if editor
            .categories()
            .iter()
            .any(|c| c.id == self.active_category)
        {
            restored.set_active_category(self.active_category);
        }
        restored
    }
}

/// Which task a draft belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftKey {
    pub job: String,
    pub worker_id: String,
    pub task_id: u64,
}

impl DraftKey {
    /// What every storage key of this job's and worker's drafts starts with.
    pub fn prefix(job: &str, worker_id: &str) -> String {
        format!("crowdbox.draft.{}.{worker_id}.", job.len()) + job + "."
    }

    /// The storage key; the job's length is part of it, so no job name can make another job's key.
    pub fn storage_key(&self) -> String {
        format!(
            "{}{}",
            Self::prefix(&self.job, &self.worker_id),
            self.task_id
        )
    }

    /// The task whose draft of `job` and `worker_id` a storage key holds; `None` for any other key.
    pub fn task_in(storage_key: &str, job: &str, worker_id: &str) -> Option<u64> {
        storage_key
            .strip_prefix(&Self::prefix(job, worker_id))?
            .parse()
            .ok()
    }
}

/// Where drafts live. Writes that fail (storage blocked or full) are reported, never panicked on.
pub trait DraftStore {
    fn load(&self, key: &DraftKey) -> Option<Draft>;
    fn save(&self, key: &DraftKey, draft: &Draft) -> Result<(), String>;
    fn remove(&self, key: &DraftKey);
    /// Removes this job's and worker's drafts of tasks other than `keep` (leases that went away).
    fn prune(&self, job: &str, worker_id: &str, keep: &[u64]);
}
