//! The volunteer's session in one job: which batch and task they are on, how far the job is, what went wrong.
//!
//! Pure state and rules (no requests, no clock, no randomness: those are passed in), kept in one signal by the
//! app shell. The shell does the I/O and tells the session what happened as [`Event`]s. Which tasks already have
//! a submission in the outbox is passed in as `queued` (task ids): those are never shown again, so a reload
//! resumes at the first task still to do.

use crate::coco::CocoCategory;
use crate::strings::Words;
use crate::wire::{ExampleImage, Submission, Task, TaskAnswer, TaskBatch, TaskMode};

use super::{ApiError, DraftKey};

/// What happened, told to the session by the shell.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<'a> {
    /// A lease is wanted (the first one, a retry, or the next batch). Taken only with a job and no task on
    /// screen: then the shell sends the request.
    LeaseWanted,
    /// The answer to a lease. A resumed batch starts at its first task not yet `queued`.
    Leased {
        answer: Result<TaskBatch, ApiError>,
        now_ms: f64,
        queued: &'a [u64],
    },
    /// A lease failed for a passing reason and is tried again by itself; the volunteer is told so.
    LeaseRetrying(&'a ApiError),
    /// The current task's submission is safely in the outbox: move on at once to the first task of the batch
    /// not yet `queued`, or wait for the outbox when there is none ([`Phase::Syncing`]).
    Submitted { now_ms: f64, queued: &'a [u64] },
    /// A refused submission was discarded: while waiting for the outbox, its task is shown again.
    TaskReturned { now_ms: f64, queued: &'a [u64] },
    /// The volunteer entered the invite again after the server asked for one.
    InviteEntered(Option<String>),
    /// A sentence for the status line (news from the editor, e.g. what an undo undid).
    Announced(String),
}

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
    /// Every task of the batch is in the outbox; the next batch is leased once they are all stored.
    Syncing,
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
    /// The words the status line and progress use (a host may replace them).
    words: Words,
}

impl Session {
    pub fn new(job: Option<String>, worker_id: String, words: Words) -> Self {
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
            words,
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

    pub fn instructions(&self) -> &str {
        self.batch.as_ref().map_or("", |b| b.instructions.as_str())
    }

    /// What the volunteer does with the batch's tasks: draw, adjust or verify.
    pub fn mode(&self) -> TaskMode {
        self.batch
            .as_ref()
            .map_or_else(TaskMode::default, |b| b.mode)
    }

    /// Whether the job lets the previous image's boxes be copied onto the next.
    pub fn allow_carry_forward(&self) -> bool {
        self.batch.as_ref().is_some_and(|b| b.allow_carry_forward)
    }

    /// Good and bad example images for the full instructions.
    pub fn examples(&self) -> &[ExampleImage] {
        self.batch.as_ref().map_or(&[], |b| b.examples.as_slice())
    }

    pub fn categories(&self) -> &[CocoCategory] {
        self.batch.as_ref().map_or(&[], |b| b.categories.as_slice())
    }

    /// The ids of the current batch's tasks (empty between batches).
    pub fn batch_task_ids(&self) -> Vec<u64> {
        self.batch
            .as_ref()
            .map_or_else(Vec::new, |b| b.tasks.iter().map(|t| t.task_id).collect())
    }

    /// The task on screen.
    pub fn current_task(&self) -> Option<&Task> {
        match self.phase {
            Phase::Working => self.batch.as_ref()?.tasks.get(self.task_index),
            _ => None,
        }
    }

    /// The batch's tasks after the one on screen (their images are fetched ahead).
    pub fn upcoming_tasks(&self) -> &[Task] {
        self.batch
            .as_ref()
            .and_then(|b| b.tasks.get(self.task_index + 1..))
            .unwrap_or(&[])
    }

    /// "task 2 of 5": the current task's place in its batch.
    pub fn task_progress(&self) -> Option<String> {
        let total = self.batch.as_ref()?.tasks.len();
        self.current_task().map(|_| {
            self.words.fill(
                "task_progress",
                &[
                    ("n", &(self.task_index + 1).to_string()),
                    ("total", &total.to_string()),
                ],
            )
        })
    }

    /// "3 of 8 images done": the whole job, as of the last lease plus this volunteer's submissions since.
    pub fn job_progress(&self) -> Option<String> {
        (self.images_total > 0).then(|| {
            self.words.fill(
                "job_progress",
                &[
                    ("done", &self.images_done.to_string()),
                    ("total", &self.images_total.to_string()),
                ],
            )
        })
    }

    /// Tells the session what happened; returns whether it was taken (a lease wanted with a task on screen, a
    /// submission with none, a task returned when none came back are not, and change nothing).
    pub fn apply(&mut self, event: Event<'_>) -> bool {
        match event {
            Event::LeaseWanted => self.lease_wanted(),
            Event::Leased {
                answer,
                now_ms,
                queued,
            } => {
                self.leased(answer, now_ms, queued);
                true
            }
            Event::LeaseRetrying(e) => {
                self.phase = Phase::Leasing;
                self.status = self.words.text("lease_retry");
                self.error = Some(e.message.clone());
                true
            }
            Event::Submitted { now_ms, queued } => self.submitted(now_ms, queued),
            Event::TaskReturned { now_ms, queued } => self.task_returned(now_ms, queued),
            Event::InviteEntered(invite) => {
                self.invite = invite;
                true
            }
            Event::Announced(text) => {
                self.status = text;
                true
            }
        }
    }

    /// The key of the current task's draft, if a task is on screen.
    pub fn draft_key(&self) -> Option<DraftKey> {
        Some(DraftKey {
            job: self.job()?.to_owned(),
            worker_id: self.worker_id.clone(),
            task_id: self.current_task()?.task_id,
        })
    }

    fn lease_wanted(&mut self) -> bool {
        if self.job.is_none() || self.phase == Phase::Working {
            return false;
        }
        self.phase = Phase::Leasing;
        self.error = None;
        self.status = self.words.text("loading_images");
        true
    }

    fn leased(&mut self, answer: Result<TaskBatch, ApiError>, now_ms: f64, queued: &[u64]) {
        match answer {
            Ok(batch) => {
                self.images_total = batch.images_total;
                self.images_done = batch.images_done;
                self.error = None;
                self.task_started_ms = now_ms;
                let to_do = batch
                    .tasks
                    .iter()
                    .filter(|t| !queued.contains(&t.task_id))
                    .count();
                self.phase = if to_do > 0 {
                    Phase::Working
                } else if !batch.tasks.is_empty() {
                    Phase::Syncing
                } else if batch.job_done {
                    Phase::Done
                } else {
                    Phase::NothingFreeNow
                };
                self.status = match self.phase {
                    Phase::Working => self.words.fill("batch_to_do", &[("n", &to_do.to_string())]),
                    Phase::Syncing => self.words.text("saving"),
                    Phase::Done => self.words.text("finished"),
                    _ => self.words.text("waiting_for_images"),
                };
                self.batch = Some(batch);
                self.task_index = self.first_to_do(queued).unwrap_or(0);
            }
            Err(e) => {
                self.phase = Phase::LeaseFailed;
                self.status = self.words.text("lease_failed_status");
                self.error = Some(e.message);
            }
        }
    }

    fn first_to_do(&self, queued: &[u64]) -> Option<usize> {
        self.batch
            .as_ref()?
            .tasks
            .iter()
            .position(|t| !queued.contains(&t.task_id))
    }

    /// The submission for the current task, made from the volunteer's answer; `None` when no task is on screen.
    /// `submission_id` is the task's id (kept with its draft), so the same task always gets the same id.
    pub fn prepare_submission(
        &self,
        answer: TaskAnswer,
        now_ms: f64,
        submission_id: String,
    ) -> Option<Submission> {
        let task_id = self.current_task()?.task_id;
        Some(answer.into_submission(
            submission_id,
            self.worker_id.clone(),
            task_id,
            Some((now_ms - self.task_started_ms).max(0.0).round() as u64),
        ))
    }

    fn submitted(&mut self, now_ms: f64, queued: &[u64]) -> bool {
        if self.phase != Phase::Working {
            return false;
        }
        let done = self.task_index + 1;
        self.images_done = (self.images_done + 1).min(self.images_total);
        self.task_started_ms = now_ms;
        self.error = None;
        match self.first_to_do(queued) {
            Some(next) => {
                self.task_index = next;
                self.status = self.words.fill("image_sent", &[("n", &done.to_string())]);
            }
            None => {
                self.phase = Phase::Syncing;
                self.status = self.words.text("saving");
            }
        }
        true
    }

    fn task_returned(&mut self, now_ms: f64, queued: &[u64]) -> bool {
        if self.phase != Phase::Syncing {
            return false;
        }
        let Some(index) = self.first_to_do(queued) else {
            return false;
        };
        self.task_index = index;
        self.task_started_ms = now_ms;
        self.phase = Phase::Working;
        self.images_done = self.images_done.saturating_sub(1);
        self.status = self
            .words
            .fill("image_back", &[("n", &(index + 1).to_string())]);
        true
    }
}
