//! The volunteer's session in one job: which batch and task they are on, what is being sent, what went wrong.
//!
//! Pure state and rules (no requests, no clock, no randomness: those are passed in), kept in one signal by the
//! app shell. The shell does the I/O and feeds the answers back through `apply_*`.

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::wire::{CocoResult, Receipt, Submission, Task, TaskBatch};

use crate::api::ApiError;

/// Where the session stands; decides what the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The page was opened without `?job=NAME`.
    NoJob,
    /// Asking the server for a batch.
    Leasing,
    /// Leasing failed; the error says why and the volunteer can try again.
    LeaseFailed,
    /// A task is on screen.
    Working,
    /// The current task's result is on its way to the server.
    Submitting,
    /// The job has images left, but none free for this volunteer right now (others hold them).
    NothingFreeNow,
    /// The job has nothing more for this volunteer.
    Done,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    job: Option<String>,
    worker_id: String,
    /// The invite sent with every request, for invite-only jobs.
    invite: Option<String>,
    phase: Phase,
    batch: Option<TaskBatch>,
    task_index: usize,
    images_done: u64,
    images_total: u64,
    error: Option<String>,
    status: String,
    /// When the current task appeared, in the caller's millisecond clock.
    task_started_ms: f64,
    /// The last submission sent for the current task. Resending it unchanged is idempotent on the server,
    /// so a retry after a lost answer cannot store the image twice.
    last_attempt: Option<Submission>,
}

impl Session {
    pub fn new(job: Option<String>, worker_id: String) -> Self {
        let job = job.map(|j| j.trim().to_owned()).filter(|j| !j.is_empty());
        let phase = if job.is_some() {
            Phase::Leasing
        } else {
            Phase::NoJob
        };
        Self {
            job,
            worker_id,
            invite: None,
            phase,
            batch: None,
            task_index: 0,
            images_done: 0,
            images_total: 0,
            error: None,
            status: String::new(),
            task_started_ms: 0.0,
            last_attempt: None,
        }
    }

    pub fn with_invite(mut self, invite: Option<String>) -> Self {
        self.invite = invite;
        self
    }

    pub fn invite(&self) -> Option<&str> {
        self.invite.as_deref()
    }

    pub fn job(&self) -> Option<&str> {
        self.job.as_deref()
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The message of the last failure, shown in the alert until the next attempt.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// A short sentence for the polite live region.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// Puts a sentence in the status line (for news from the editor, e.g. what an undo undid).
    pub fn announce(&mut self, text: impl Into<String>) {
        self.status = text.into();
    }

    pub fn instructions(&self) -> &str {
        self.batch.as_ref().map_or("", |b| b.instructions.as_str())
    }

    pub fn categories(&self) -> &[CocoCategory] {
        self.batch.as_ref().map_or(&[], |b| b.categories.as_slice())
    }

    /// The task on screen, while working on it or sending it.
    pub fn current_task(&self) -> Option<&Task> {
        match self.phase {
            Phase::Working | Phase::Submitting => self.batch.as_ref()?.tasks.get(self.task_index),
            _ => None,
        }
    }

    /// "task 2 of 5": the current task's place in its batch.
    pub fn task_progress(&self) -> Option<String> {
        let total = self.batch.as_ref()?.tasks.len();
        self.current_task()
            .map(|_| format!("task {} of {total}", self.task_index + 1))
    }

    /// "3 of 8 images done": the whole job, as of the last lease plus this volunteer's submissions since.
    pub fn job_progress(&self) -> Option<String> {
        (self.images_total > 0)
            .then(|| format!("{} of {} images done", self.images_done, self.images_total))
    }

    /// Marks a lease request as started (first one, a retry, or the next batch).
    pub fn begin_lease(&mut self) -> bool {
        if self.job.is_none() || matches!(self.phase, Phase::Submitting) {
            return false;
        }
        self.phase = Phase::Leasing;
        self.error = None;
        self.status = "Loading images…".to_owned();
        true
    }

    pub fn apply_lease(&mut self, answer: Result<TaskBatch, ApiError>, now_ms: f64) {
        match answer {
            Ok(batch) => {
                self.images_total = batch.images_total;
                self.images_done = batch.images_done;
                self.task_index = 0;
                self.last_attempt = None;
                self.error = None;
                self.task_started_ms = now_ms;
                self.phase = if !batch.tasks.is_empty() {
                    Phase::Working
                } else if batch.job_done {
                    Phase::Done
                } else {
                    Phase::NothingFreeNow
                };
                self.status = match self.phase {
                    Phase::Working => format!("{} images to box in this batch.", batch.tasks.len()),
                    Phase::Done => "Finished.".to_owned(),
                    _ => "Waiting for free images.".to_owned(),
                };
                self.batch = Some(batch);
            }
            Err(e) => {
                self.phase = Phase::LeaseFailed;
                self.status = "Could not load images.".to_owned();
                self.error = Some(e.message);
            }
        }
    }

    /// The submission to send for the current task, and the session marked as sending it; `None` when no task
    /// is on screen or one is already being sent. A retry with an unchanged result resends the previous
    /// submission exactly (same id, same duration) so the server recognises it; `fresh_id` is used otherwise
    /// only for the first attempt, keeping one id per task.
    pub fn prepare_submission(
        &mut self,
        result: CocoResult,
        now_ms: f64,
        fresh_id: String,
    ) -> Option<Submission> {
        if self.phase != Phase::Working {
            return None;
        }
        let task_id = self.current_task()?.task_id;
        let submission = match self.last_attempt.take() {
            Some(previous) if previous.result == result => previous,
            previous => Submission {
                submission_id: previous.map_or(fresh_id, |p| p.submission_id),
                worker_id: self.worker_id.clone(),
                task_id,
                duration_ms: Some((now_ms - self.task_started_ms).max(0.0).round() as u64),
                result,
            },
        };
        self.last_attempt = Some(submission.clone());
        self.phase = Phase::Submitting;
        self.error = None;
        self.status = format!("Sending image {}…", self.task_index + 1);
        Some(submission)
    }

    /// Applies the server's answer to a submission. Returns `true` when the batch is finished and the next
    /// batch should be leased.
    pub fn apply_submit(&mut self, answer: Result<Receipt, ApiError>, now_ms: f64) -> bool {
        if self.phase != Phase::Submitting {
            return false;
        }
        let saved = match answer {
            Ok(receipt) => {
                let boxes = receipt.annotations_stored;
                format!(
                    "Saved image {} with {boxes} box{}.",
                    self.task_index + 1,
                    if boxes == 1 { "" } else { "es" }
                )
            }
            // The server already holds this volunteer's result for the image (an earlier attempt was stored but
            // its answer got lost). The first result stands; staying on the image could never succeed.
            Err(e) if is_already_stored(&e) => {
                format!("Image {} was already saved earlier.", self.task_index + 1)
            }
            Err(e) => {
                // The work stays on screen; the volunteer can fix it or try again.
                self.phase = Phase::Working;
                self.status = "The image was not saved.".to_owned();
                self.error = Some(e.message);
                return false;
            }
        };
        self.images_done = (self.images_done + 1).min(self.images_total);
        self.task_index += 1;
        self.last_attempt = None;
        self.task_started_ms = now_ms;
        let batch_len = self.batch.as_ref().map_or(0, |b| b.tasks.len());
        if self.task_index >= batch_len {
            self.phase = Phase::Leasing;
            self.status = format!("{saved} Loading more images…");
            true
        } else {
            self.phase = Phase::Working;
            self.status = saved;
            false
        }
    }
}

/// Whether a refused submission means the server already stored this volunteer's result for the task.
fn is_already_stored(e: &ApiError) -> bool {
    e.status == Some(409)
        && matches!(
            e.code.as_deref(),
            Some("task_already_submitted" | "submission_id_reused")
        )
}

#[cfg(test)]
mod tests;
