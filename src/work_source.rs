//! Where the work comes from and where it goes: a crowdbox server job, a static site's job file, or a host page
//! that embeds the app. One [`WorkSource`] is given to the worker's page through Leptos context; the page leases,
//! submits and reads the job's facts through it, so no component asks which mode the app is in.

use crowdbox_core::wire::{TaskAnswer, TaskBatch};
use crowdbox_core::worker::{ApiError, Session};
#[cfg(any(feature = "static-site", feature = "embed"))]
use crowdbox_core::worker::{DraftStore, Event};
use leptos::prelude::*;

use crate::api;
#[cfg(any(feature = "static-site", feature = "embed"))]
use crate::drafts::{submission_id_for, LocalDrafts};
#[cfg(feature = "embed")]
use crate::embed::Embed;
use crate::invite::invite_for_job;
use crate::outbox_driver::Driver;
#[cfg(feature = "static-site")]
use crate::static_mode::{self, StaticSource};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WorkSource {
    /// A job on the crowdbox server that served the page (`?job=NAME`).
    Server,
    /// A static site's job file and the images the volunteer opens (`?static=job.json`).
    #[cfg(feature = "static-site")]
    Static(StoredValue<StaticSource>),
    /// A host page's work, by `postMessage` (`?embed=ORIGIN`): its own tasks, or a server job's.
    #[cfg(feature = "embed")]
    Embedded(Embed),
}

impl WorkSource {
    /// The worker page's source (a server job outside a worker page).
    pub fn current() -> Self {
        use_context::<Self>().unwrap_or(Self::Server)
    }

    /// The invite sent with every request: the host's token when embedded, the invite link's for a server job,
    /// none for a static job.
    pub fn invite(self, job: Option<&str>) -> Option<String> {
        match self {
            Self::Server => job.and_then(invite_for_job),
            #[cfg(feature = "static-site")]
            Self::Static(_) => None,
            #[cfg(feature = "embed")]
            Self::Embedded(embed) => embed.token().or_else(|| job.and_then(invite_for_job)),
        }
    }

    /// Whether the job's name is shown (embedded work the host did not name has a made-up one, for its drafts).
    pub fn shows_job_name(self) -> bool {
        match self {
            #[cfg(feature = "embed")]
            Self::Embedded(embed) => embed.job_is_named(),
            _ => true,
        }
    }

    /// Where the crowdbox API lives: the host's `api_base` when embedded, else the origin that served the app
    /// (empty).
    pub fn api_base(self) -> String {
        match self {
            #[cfg(feature = "embed")]
            Self::Embedded(embed) => embed.api_base(),
            _ => String::new(),
        }
    }

    /// A server path (`/api/…`) resolved against [`Self::api_base`]; other URLs as they are.
    pub fn api_url(self, path: &str) -> String {
        api::api_url(&self.api_base(), path)
    }

    /// The static job's source, in static-site mode.
    #[cfg(feature = "static-site")]
    pub fn static_source(self) -> Option<StoredValue<StaticSource>> {
        match self {
            Self::Static(source) => Some(source),
            _ => None,
        }
    }

    /// Whether this is a static site's job (its results are kept in the browser and downloaded).
    pub fn is_static_site(self) -> bool {
        #[cfg(feature = "static-site")]
        if let Self::Static(_) = self {
            return true;
        }
        false
    }

    /// The tasks to do: the page's own (a static job's not done yet, a host's not submitted yet), or a batch
    /// leased from the server.
    pub async fn lease(
        self,
        job: &str,
        worker: &str,
        invite: Option<&str>,
    ) -> Result<TaskBatch, ApiError> {
        let own = match self {
            Self::Server => None,
            #[cfg(feature = "static-site")]
            Self::Static(source) => source.try_with_value(static_mode::lease),
            #[cfg(feature = "embed")]
            Self::Embedded(embed) => embed.lease(),
        };
        match own {
            Some(batch) => Ok(batch),
            None => api::lease_batch(&self.api_base(), job, worker, invite).await,
        }
    }

    /// Where `job`'s submissions are POSTed: the static job's `submit_url`, else the server's.
    pub fn submissions_url(self, job: &str) -> String {
        #[cfg(feature = "static-site")]
        if let Some(url) = self
            .static_source()
            .and_then(|s| s.try_with_value(|s| s.submit_url.clone()))
            .flatten()
        {
            return url;
        }
        api::submissions_url(&self.api_base(), job)
    }

    /// Whether submissions are sent somewhere (through the outbox), rather than only kept on the page.
    #[cfg(any(feature = "static-site", feature = "embed"))]
    fn sends(self) -> bool {
        match self {
            Self::Server => true,
            #[cfg(feature = "static-site")]
            Self::Static(source) => source
                .try_with_value(|s| s.submit_url.is_some())
                .unwrap_or(false),
            #[cfg(feature = "embed")]
            Self::Embedded(embed) => embed.from_server(),
        }
    }

    /// The volunteer submitted the task on screen. What the source keeps or checks first (a static job keeps
    /// the result for its downloads, a host needs an answer it can read); then the submission goes into the
    /// outbox to be sent, or, for work that is only kept on the page, the task is done; either way the next task
    /// comes on screen at once. A host hears of it last.
    // A server job's submission needs only the outbox (`driver` has the session).
    #[cfg_attr(
        not(any(feature = "static-site", feature = "embed")),
        allow(unused_variables)
    )]
    pub fn submit(self, session: RwSignal<Session>, driver: Driver, answer: TaskAnswer) {
        match self {
            // `None` when the outbox refused it (said in the status line).
            Self::Server => drop(driver.submit(answer)),
            #[cfg(feature = "static-site")]
            Self::Static(_) => {
                let Some((job, task_id)) = job_and_task(session) else {
                    return;
                };
                if let Err(e) = static_mode::keep_result(&job, task_id, &answer) {
                    announce(session, e);
                } else if self.sends() {
                    drop(driver.submit(answer));
                } else {
                    keep_on_page(session, answer, || static_mode::results::done_tasks(&job));
                }
            }
            #[cfg(feature = "embed")]
            Self::Embedded(embed) => {
                let Some((_, task_id)) = job_and_task(session) else {
                    return;
                };
                let host_answer = match embed.answer_of(&answer.result) {
                    Ok(host_answer) => host_answer,
                    Err(e) => return announce(session, e.to_string()),
                };
                // The very bytes the server gets, or the submission the page kept.
                let submission_json = if self.sends() {
                    driver.submit(answer)
                } else {
                    keep_on_page(session, answer, || embed.mark_done(task_id))
                };
                if let Some(json) = submission_json {
                    embed.submitted(session, driver, task_id, host_answer, json);
                }
            }
        }
    }
}

/// The job and the task on screen.
#[cfg(any(feature = "static-site", feature = "embed"))]
fn job_and_task(session: RwSignal<Session>) -> Option<(String, u64)> {
    session.with_untracked(|s| Some((s.job()?.to_owned(), s.current_task()?.task_id)))
}

/// Says `text` to the volunteer (the status line, read out by screen readers).
#[cfg(any(feature = "static-site", feature = "embed"))]
fn announce(session: RwSignal<Session>, text: String) {
    session.update(|s| {
        s.apply(Event::Announced(text));
    });
}

/// Work that is only kept on the page (a static job without a `submit_url`, a host's own tasks): the draft goes,
/// the task is done (`done` lists the page's done tasks, this one too) and the next comes on screen. The
/// submission's JSON; `None` if there was no task to submit.
#[cfg(any(feature = "static-site", feature = "embed"))]
fn keep_on_page(
    session: RwSignal<Session>,
    answer: TaskAnswer,
    done: impl FnOnce() -> Vec<u64>,
) -> Option<String> {
    let now = crate::clock::page_ms();
    let (key, submission) = session.with_untracked(|s| {
        let key = s.draft_key()?;
        let id = submission_id_for(&LocalDrafts, &key);
        Some((key, s.prepare_submission(answer, now, id)?))
    })?;
    LocalDrafts.remove(&key);
    let done = done();
    session.update(|s| {
        s.apply(Event::Submitted {
            now_ms: now,
            queued: &done,
        });
    });
    Some(serde_json::to_string(&submission).unwrap_or_default())
}
