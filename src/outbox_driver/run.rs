//! [`Driver`]: queues the volunteer's submissions, sends them in the background, and answers the volunteer's
//! choices about them (try again, discard, a new invite).

use std::time::Duration;

use crowdbox_core::outbox::RetryPolicy;
use crowdbox_core::wire::TaskAnswer;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crowdbox_core::worker::{
    outbox_storage_key, Draft, DraftKey, DraftStore, Event, Session, SyncState,
};

use super::{load, save};
use crate::api;
use crate::clock::{page_ms, unix_ms};
use crate::drafts::{submission_id_for, LocalDrafts};
use crate::invite;
use crate::work_source::WorkSource;
use crate::worker_id::new_submission_id;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The outbox of one job and worker, and the loop that sends it. Cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub struct Driver {
    pub sync: RwSignal<SyncState>,
    session: RwSignal<Session>,
    /// Where submissions go.
    source: WorkSource,
    key: StoredValue<String>,
    sending: StoredValue<bool>,
    timer: StoredValue<Option<TimeoutHandle>>,
}

impl Driver {
    /// Loads the stored outbox of the session's job and worker, and starts sending what it holds.
    pub fn start(session: RwSignal<Session>, source: WorkSource) -> Self {
        let key =
            session.with_untracked(|s| outbox_storage_key(s.job().unwrap_or(""), s.worker_id()));
        let state = local_storage().map_or_else(SyncState::default, |s| load(&s, &key));
        let driver = Self {
            sync: RwSignal::new(state),
            session,
            source,
            key: StoredValue::new(key),
            sending: StoredValue::new(false),
            timer: StoredValue::new(None),
        };
        driver.warn_before_closing_with_unsent_work();
        let online = window_event_listener(ev::online, move |_| driver.send_now());
        on_cleanup(move || online.remove());
        driver.pump();
        driver
    }

    /// Tasks that have a submission in the outbox.
    pub fn queued_tasks(&self) -> Vec<u64> {
        self.sync
            .try_with_untracked(SyncState::queued_tasks)
            .unwrap_or_default()
    }

    fn persist(&self) {
        let Some(result) = self.sync.try_with_untracked(|state| {
            let storage = local_storage().ok_or("this browser does not allow storage")?;
            save(&storage, &self.key.get_value(), state)
        }) else {
            return;
        };
        if let Err(e) = result {
            self.session.update(|s| {
                s.apply(Event::Announced(format!(
                    "Your work could not be saved in this browser ({e}); keep this tab open until it is sent."
                )));
            });
        }
    }

    /// The volunteer submitted the current task: the submission goes into the stored outbox first, the draft
    /// goes, the next task comes on screen at once, and sending starts in the background. Answers the queued
    /// body (the very bytes the server gets), or `None` when nothing was queued (the status line says why).
    pub fn submit(&self, answer: TaskAnswer) -> Option<String> {
        let prepared = self.session.with_untracked(|s| {
            let key = s.draft_key()?;
            let id = submission_id_for(&LocalDrafts, &key);
            Some((key, s.prepare_submission(answer, page_ms(), id)?))
        });
        let (key, submission) = prepared?;
        let url = self.source.submissions_url(&key.job);
        let queued = self
            .sync
            .try_update(|s| s.enqueue(&submission, &url, unix_ms()));
        if let Some(Err(e)) = queued {
            self.session.update(|s| {
                s.apply(Event::Announced(format!(
                    "The image could not be queued: {e}."
                )));
            });
            return None;
        }
        self.persist();
        LocalDrafts.remove(&key);
        let queued = self.queued_tasks();
        self.session.update(|s| {
            s.apply(Event::Submitted {
                now_ms: page_ms(),
                queued: &queued,
            });
        });
        self.pump();
        self.sync.with_untracked(|s| {
            s.outbox
                .entries
                .iter()
                .find(|e| e.submission_id == submission.submission_id)
                .map(|e| e.body.clone())
        })
    }

    /// Sends whatever is due now (after a re-authentication, a retry, or the network coming back).
    pub fn send_now(&self) {
        if let Some(handle) = self.timer.try_get_value().flatten() {
            handle.clear();
            self.timer.set_value(None);
        }
        self.pump();
    }

    /// Sends due entries one at a time, oldest first, then sleeps until the next one is due.
    fn pump(self) {
        if self.sending.try_get_value() != Some(false) {
            return;
        }
        self.sending.set_value(true);
        spawn_local(async move {
            let policy = RetryPolicy::default();
            loop {
                let now = unix_ms();
                let Some(Some(entry)) = self
                    .sync
                    .try_with_untracked(|s| s.outbox.due(now).next().cloned())
                else {
                    break;
                };
                let invite = self
                    .session
                    .try_with_untracked(|s| s.invite().map(str::to_owned))
                    .flatten();
                let answer = api::submit_body(&entry.url, &entry.body, invite.as_deref()).await;
                let recorded = self.sync.try_update(|s| {
                    s.record_answer(
                        &entry.submission_id,
                        &answer,
                        &policy,
                        unix_ms(),
                        js_sys::Math::random(),
                    )
                });
                if recorded.is_none() {
                    return;
                }
                self.persist();
            }
            self.sending.set_value(false);
            self.schedule();
        });
    }

    fn schedule(self) {
        let Some(Some(wake)) = self.sync.try_with_untracked(|s| s.outbox.next_wakeup()) else {
            return;
        };
        let delay = (wake - unix_ms()).clamp(0, 60_000) as u64;
        if let Some(old) = self.timer.get_value() {
            old.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                self.timer.try_set_value(None);
                self.pump();
            },
            Duration::from_millis(delay),
        );
        self.timer.set_value(handle.ok());
    }

    /// Sends a refused submission again, unchanged.
    pub fn retry(&self, submission_id: &str) {
        self.sync.update(|s| s.retry(submission_id, unix_ms()));
        self.persist();
        self.send_now();
    }

    /// Gives up a refused submission. If its task is still this volunteer's, it comes back on screen with the
    /// refused boxes, to fix and submit again under a new id.
    pub fn discard(&self, submission_id: &str) {
        let Some(Some(submission)) = self.sync.try_update(|s| s.discard(submission_id)) else {
            return;
        };
        self.persist();
        let key = self.session.with_untracked(|s| {
            s.batch_task_ids()
                .contains(&submission.task_id)
                .then(|| DraftKey {
                    job: s.job().unwrap_or("").to_owned(),
                    worker_id: s.worker_id().to_owned(),
                    task_id: submission.task_id,
                })
        });
        if let Some(key) = key {
            let draft = Draft::of_boxes(submission.result.annotations, new_submission_id());
            let _ = LocalDrafts.save(&key, &draft);
            let queued = self.queued_tasks();
            self.session.update(|s| {
                s.apply(Event::TaskReturned {
                    now_ms: page_ms(),
                    queued: &queued,
                });
            });
        }
    }

    /// The volunteer entered their invite again: remember it and send what waited for it.
    pub fn reauthenticate(&self, token: &str) {
        let token = token.trim().to_owned();
        if token.is_empty() {
            return;
        }
        if let (Some(storage), Some(job)) = (
            local_storage(),
            self.session.with_untracked(|s| s.job().map(str::to_owned)),
        ) {
            let _ = storage.set_item(&invite::storage_key(&job), &token);
        }
        self.session.update(|s| {
            s.apply(Event::InviteEntered(Some(token)));
        });
        self.sync.update(|s| s.outbox.resume_after_auth(unix_ms()));
        self.persist();
        self.send_now();
    }

    /// While anything is unsent, closing or reloading the tab asks the volunteer first. (The work itself is
    /// stored in the browser either way and is sent on the next visit.)
    fn warn_before_closing_with_unsent_work(&self) {
        let sync = self.sync;
        let listener = window_event_listener(ev::beforeunload, move |event| {
            if sync.try_with_untracked(|s| s.outbox.unsent()).unwrap_or(0) > 0 {
                event.prevent_default();
                event.set_return_value("Some of your work is not sent yet.");
            }
        });
        on_cleanup(move || listener.remove());
    }
}
