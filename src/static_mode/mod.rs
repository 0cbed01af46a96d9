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

use crowdbox_core::wire::{Outcome, StaticJob, Task, TaskAnswer, TaskBatch};

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

/// The job's labels as COCO categories (ids from 1, in the job file's order).
pub use crowdbox_core::coco::categories_from_labels as categories;

impl StaticSource {
    /// Adds tasks (images the volunteer opened); ones already there (same id) are skipped.
    pub fn add_tasks(&mut self, new: Vec<Task>) {
        for task in new {
            if !self.tasks.iter().any(|t| t.task_id == task.task_id) {
                self.tasks.push(task);
            }
        }
    }
}

/// The static "lease": every task without a kept result, as one batch that is the job's last.
pub fn lease(source: &StaticSource) -> TaskBatch {
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

/// Before a task's submission: its result is kept in the browser (for the downloads), with its outcome counted
/// on its image like the server's exports do. Says why when it could not be kept.
pub fn keep_result(job: &str, task_id: u64, answer: &TaskAnswer) -> Result<(), String> {
    let mut kept = answer.result.clone();
    let outcome = answer.outcome.stored(kept.annotations.len());
    if outcome != Outcome::Boxed {
        for image in &mut kept.images {
            image.outcomes.insert(outcome.as_str().to_owned(), 1);
        }
    }
    results::keep(job, task_id, kept)
        .map_err(|e| format!("This image's boxes could not be kept in this browser ({e})."))
}

#[cfg(test)]
mod tests;
