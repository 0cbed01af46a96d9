//! Drafts: every edit of a task is saved in the browser as it happens, so a reload, a crash or a closed tab
//! resumes the task with its boxes.
//!
//! A draft is keyed by job + worker + task, holds the boxes (natural image pixels + category), the active label
//! and the task's submission id (made once, so a resend after a reload is the same submission). It is written
//! when the editor's boxes, selection or label change (the canvas notifies the editor signal only then), never
//! on a mere pointer move, and removed once the task's submission is safely in the outbox.

use crowdbox_core::editor::{BoxWithOrigin, Editor, SavedVerdict};
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::wire::Task;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::session::Session;
use crate::worker_id::new_submission_id;

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
    /// The key of the session's current task, if one is on screen.
    pub fn current(session: &Session) -> Option<Self> {
        Some(Self {
            job: session.job()?.to_owned(),
            worker_id: session.worker_id().to_owned(),
            task_id: session.current_task()?.task_id,
        })
    }

    fn prefix(job: &str, worker_id: &str) -> String {
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
}

/// Where drafts live. Writes that fail (storage blocked or full) are reported, never panicked on.
pub trait DraftStore {
    fn load(&self, key: &DraftKey) -> Option<Draft>;
    fn save(&self, key: &DraftKey, draft: &Draft) -> Result<(), String>;
    fn remove(&self, key: &DraftKey);
    /// Removes this job's and worker's drafts of tasks other than `keep` (leases that went away).
    fn prune(&self, job: &str, worker_id: &str, keep: &[u64]);
}

/// Drafts in the browser's localStorage, one JSON value per task.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalDrafts;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl DraftStore for LocalDrafts {
    fn load(&self, key: &DraftKey) -> Option<Draft> {
        let text = local_storage()?.get_item(&key.storage_key()).ok()??;
        serde_json::from_str(&text).ok()
    }

    fn save(&self, key: &DraftKey, draft: &Draft) -> Result<(), String> {
        let storage = local_storage().ok_or("this browser does not allow storage")?;
        let text = serde_json::to_string(draft).map_err(|e| e.to_string())?;
        storage
            .set_item(&key.storage_key(), &text)
            .map_err(|_| "the browser's storage is full or blocked".to_owned())
    }

    fn remove(&self, key: &DraftKey) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(&key.storage_key());
        }
    }

    fn prune(&self, job: &str, worker_id: &str, keep: &[u64]) {
        let Some(storage) = local_storage() else {
            return;
        };
        let prefix = DraftKey::prefix(job, worker_id);
        let count = storage.length().unwrap_or(0);
        let stale: Vec<String> = (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| {
                k.strip_prefix(&prefix)
                    .and_then(|id| id.parse::<u64>().ok())
                    .is_some_and(|id| !keep.contains(&id))
            })
            .collect();
        for k in stale {
            let _ = storage.remove_item(&k);
        }
    }
}

/// The submission id kept with the task's draft, or a fresh one when the task has no draft (nothing edited).
pub fn submission_id_for(store: &impl DraftStore, key: &DraftKey) -> String {
    store
        .load(key)
        .map_or_else(new_submission_id, |d| d.submission_id)
}

/// Restores the current task's draft into `editor` (before it is shown) and saves every change from now on.
/// Call once per task view, right after creating the editor.
pub fn keep_draft(session: RwSignal<Session>, task: &Task, editor: RwSignal<Editor>) {
    let Some(key) = session.with_untracked(DraftKey::current) else {
        return;
    };
    if key.task_id != task.task_id {
        return;
    }
    let store = LocalDrafts;
    let saved = store.load(&key);
    if let Some(draft) = &saved {
        editor.update_untracked(|e| *e = draft.restore(e));
    }
    let submission_id = StoredValue::new(saved.map(|d| d.submission_id).unwrap_or_default());
    Effect::new(move |last: Option<Draft>| {
        let draft = editor.with(|e| Draft::of_editor(e, submission_id.get_value()));
        // The first run only records what is there; selection-only changes leave the draft as it is.
        if last.is_none() || last.as_ref() == Some(&draft) {
            return draft;
        }
        let draft = if draft.submission_id.is_empty() {
            let id = new_submission_id();
            submission_id.set_value(id.clone());
            Draft {
                submission_id: id,
                ..draft
            }
        } else {
            draft
        };
        if let Err(e) = store.save(&key, &draft) {
            session.update(|s| {
                s.announce(format!(
                    "Your boxes could not be saved in this browser: {e}."
                ))
            });
        }
        draft
    });
}

#[cfg(test)]
mod tests;
