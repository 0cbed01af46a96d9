//! Drafts in the browser: each task's unsent work in localStorage (the draft's shape and keys are core's
//! `crowdbox_core::worker`), restored into the task's editor and saved on every change.

use crowdbox_core::editor::Editor;
use crowdbox_core::wire::Task;
use crowdbox_core::worker::{Draft, DraftKey, DraftStore, Event, Session};
use leptos::prelude::*;

use crate::worker_id::new_submission_id;

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
        let count = storage.length().unwrap_or(0);
        let stale: Vec<String> = (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| DraftKey::task_in(k, job, worker_id).is_some_and(|id| !keep.contains(&id)))
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
    let Some(key) = session.with_untracked(Session::draft_key) else {
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
                s.apply(Event::Announced(format!(
                    "Your boxes could not be saved in this browser: {e}."
                )));
            });
        }
        draft
    });
}

#[cfg(test)]
mod tests;
