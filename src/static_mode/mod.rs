//! Static-site mode: the app runs from any static file host with no crowdbox server.
//!
//! The page is opened with `?static=job.json` (a URL relative to the page) or carries
//! `<meta name="crowdbox-job" content="job.json">`. The job file ([`StaticJob`]) gives the labels and
//! instructions; tasks come from the manifest or task batch it names, and from image files the volunteer opens
//! or drops on the page. "Leasing" hands out every task without a result yet; each result is kept in
//! localStorage ([`results`]) and can be downloaded as COCO or a Ground Truth output manifest ([`export`]), and
//! is also POSTed to the job's `submit_url` through the outbox when it names one.

pub mod export;
pub mod load;
pub mod results;

use std::cell::RefCell;

use crowdbox_core::wire::{Outcome, StaticJob, Task, TaskAnswer, TaskBatch};

use crate::drafts::LocalDrafts;
use crate::outbox_driver::Driver;
use crowdbox_core::worker::{DraftStore, Event, Session};

pub use load::load_job;

/// The loaded job and its tasks, for the page's lifetime.
#[derive(Clone, Debug)]
pub struct StaticSource {
    pub job: StaticJob,
    /// The job file's absolute URL (what the job's relative URLs are resolved against).
    pub job_url: String,
    /// `submit_url`, resolved.
    pub submit_url: Option<String>,
    pub instructions: String,
    pub tasks: Vec<Task>,
}

thread_local! {
    static SOURCE: RefCell<Option<StaticSource>> = const { RefCell::new(None) };
}

/// The job file named by the address (`?static=…`) or the page (`<meta name="crowdbox-job">`), if any.
pub fn job_file_from_page() -> Option<String> {
    let window = web_sys::window()?;
    let search = window.location().search().ok()?;
    let from_query = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("static");
    from_query
        .or_else(|| {
            window
                .document()?
                .query_selector("meta[name=crowdbox-job]")
                .ok()??
                .get_attribute("content")
        })
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

pub fn install(source: StaticSource) {
    SOURCE.with(|s| *s.borrow_mut() = Some(source));
}

/// Whether the app runs in static-site mode (a job file is loaded).
pub fn is_active() -> bool {
    SOURCE.with(|s| s.borrow().is_some())
}

pub fn with_source<T>(f: impl FnOnce(&StaticSource) -> T) -> Option<T> {
    SOURCE.with(|s| s.borrow().as_ref().map(f))
}

/// Where each submission is POSTed, when the job names a `submit_url`.
pub fn submit_url() -> Option<String> {
    with_source(|s| s.submit_url.clone()).flatten()
}

/// The job's labels as COCO categories (ids from 1, in the job file's order).
pub use crowdbox_core::coco::categories_from_labels as categories;

/// Adds tasks (images the volunteer opened); ones already there (same id) are skipped.
pub fn add_tasks(new: Vec<Task>) {
    SOURCE.with(|s| {
        if let Some(source) = s.borrow_mut().as_mut() {
            for task in new {
                if !source.tasks.iter().any(|t| t.task_id == task.task_id) {
                    source.tasks.push(task);
                }
            }
        }
    });
}

/// The static "lease": every task without a kept result, as one batch that is the job's last.
pub fn lease() -> Option<TaskBatch> {
    with_source(|source| {
        let done = results::done_tasks(&source.job.name);
        let tasks: Vec<Task> = source
            .tasks
            .iter()
            .filter(|t| !done.contains(&t.task_id))
            .cloned()
            .collect();
        let images_done = source
            .tasks
            .iter()
            .filter(|t| done.contains(&t.task_id))
            .count() as u64;
        TaskBatch {
            job: source.job.name.clone(),
            mode: Default::default(),
            allow_carry_forward: false,
            examples: Vec::new(),
            instructions: source.instructions.clone(),
            categories: categories(&source.job.labels),
            images_total: source.tasks.len() as u64,
            images_done,
            tasks,
            lease_expires_at: i64::MAX,
            job_done: true,
        }
    })
}

/// A task id for an image the volunteer opened, stable across reloads (FNV-1a of its name and size, kept
/// within JavaScript's exact integers and above the ids a manifest's line numbers use).
pub fn local_task_id(name: &str, size: f64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes().chain((size as u64).to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash >> 11) | (1 << 40)
}

/// The volunteer submitted the task on screen: its result is kept in the browser first, then (when the job
/// names a `submit_url`) queued in the outbox to be POSTed; the next task comes on screen.
pub fn submit(
    session: leptos::prelude::RwSignal<Session>,
    driver: Option<Driver>,
    answer: TaskAnswer,
) {
    use leptos::prelude::*;
    let current =
        session.with_untracked(|s| Some((s.job()?.to_owned(), s.current_task()?.task_id)));
    let Some((job, task_id)) = current else {
        return;
    };
    // The downloads count outcomes per image like the server's exports do: the kept result's image says it.
    let mut kept = answer.result.clone();
    let outcome = answer.outcome.stored(kept.annotations.len());
    if outcome != Outcome::Boxed {
        for image in &mut kept.images {
            image.outcomes.insert(outcome.as_str().to_owned(), 1);
        }
    }
    if let Err(e) = results::keep(&job, task_id, kept) {
        session.update(|s| {
            s.apply(Event::Announced(format!(
                "This image's boxes could not be kept in this browser ({e})."
            )));
        });
        return;
    }
    match driver.filter(|_| submit_url().is_some()) {
        Some(driver) => driver.submit(answer),
        None => {
            if let Some(key) = session.with_untracked(Session::draft_key) {
                LocalDrafts.remove(&key);
            }
            let done = results::done_tasks(&job);
            let now = crate::clock::page_ms();
            session.update(|s| {
                s.apply(Event::Submitted {
                    now_ms: now,
                    queued: &done,
                });
            });
        }
    }
}

#[cfg(test)]
mod tests;
