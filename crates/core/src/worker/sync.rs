//! The outbox as the volunteer's side keeps it: submissions are queued before they are sent, sent with core's
//! [`RetryPolicy`], and kept until the server stored them (or, if it refused them, until the volunteer decides);
//! the counts the sync read-out shows. The app's driver does the sending and the storing.

use serde::{Deserialize, Serialize};

use crate::outbox::{AttemptOutcome, EntryState, Outbox, RetryPolicy};
use crate::wire::{ErrorCode, Receipt, Submission};

use super::{ApiError, DraftBox};

/// What is persisted per job and worker: the outbox and how many submissions it has delivered so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    pub outbox: Outbox,
    /// Submissions the server confirmed from this browser (for "14 saved").
    #[serde(default)]
    pub saved: u64,
}

/// What the sync read-out shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub waiting: usize,
    pub needs_auth: usize,
    pub rejected: usize,
    pub saved: u64,
}

impl SyncCounts {
    /// "2 waiting to send · 14 saved".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.waiting > 0 {
            parts.push(format!("{} waiting to send", self.waiting));
        }
        if self.needs_auth > 0 {
            parts.push(format!("{} waiting for your invite", self.needs_auth));
        }
        if self.rejected > 0 {
            parts.push(format!("{} not accepted", self.rejected));
        }
        parts.push(format!("{} saved", self.saved));
        parts.join(" · ")
    }
}

/// A submission the server refused, as the volunteer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub submission_id: String,
    pub task_id: Option<u64>,
    pub status: u16,
    pub message: String,
}

/// What a discarded submission hands back: its task and boxes (read from the queued body; the rest of the body
/// is skipped, which keeps the wasm smaller than reading a whole `Submission`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Discarded {
    pub task_id: u64,
    pub result: DiscardedResult,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct DiscardedResult {
    pub annotations: Vec<DraftBox>,
}

/// Just the task of a queued body.
#[derive(Deserialize)]
struct TaskOf {
    task_id: u64,
}

/// The task of a queued submission's body.
pub fn task_of(body: &str) -> Option<u64> {
    serde_json::from_str::<TaskOf>(body).ok().map(|t| t.task_id)
}

/// What a request's answer means for the outbox. A 409 `task_already_submitted` means the server already holds
/// this volunteer's result for the task (an earlier copy got through): it counts as stored.
pub fn outcome_of(answer: &Result<Receipt, ApiError>) -> AttemptOutcome {
    match answer {
        Ok(_) => AttemptOutcome::Status(200),
        Err(e) if e.status == Some(409) && e.code == Some(ErrorCode::TaskAlreadySubmitted) => {
            AttemptOutcome::Status(200)
        }
        Err(e) => e
            .status
            .map_or(AttemptOutcome::NetworkError, AttemptOutcome::Status),
    }
}

impl SyncState {
    /// Queues `submission` (serialized once: every resend is these exact bytes) to be sent at once.
    pub fn enqueue(&mut self, submission: &Submission, url: &str, now: i64) -> Result<(), String> {
        let body = serde_json::to_string(submission).map_err(|e| e.to_string())?;
        self.outbox
            .enqueue(&submission.submission_id, url, body, now);
        Ok(())
    }

    /// Tasks with a submission in the outbox, whatever its state: these are not shown to box again.
    pub fn queued_tasks(&self) -> Vec<u64> {
        self.outbox
            .entries
            .iter()
            .filter_map(|e| task_of(&e.body))
            .collect()
    }

    /// Whether any submission for `tasks` is not stored yet (waiting, needing an invite, or refused).
    pub fn holds_unstored(&self, tasks: &[u64]) -> bool {
        self.outbox.entries.iter().any(|e| {
            !matches!(e.state, EntryState::Synced { .. })
                && task_of(&e.body).is_some_and(|t| tasks.contains(&t))
        })
    }

    /// Records a send's answer with the retry policy; counts the submission as saved the first time it is.
    pub fn record_answer(
        &mut self,
        submission_id: &str,
        answer: &Result<Receipt, ApiError>,
        policy: &RetryPolicy,
        now: i64,
        jitter: f64,
    ) {
        let synced = |o: &Outbox| {
            o.entries.iter().any(|e| {
                e.submission_id == submission_id && matches!(e.state, EntryState::Synced { .. })
            })
        };
        let was_synced = synced(&self.outbox);
        let message = answer.as_ref().err().map(|e| e.message.clone());
        self.outbox.record(
            submission_id,
            outcome_of(answer),
            message,
            policy,
            now,
            jitter,
        );
        if !was_synced && synced(&self.outbox) {
            self.saved += 1;
        }
    }

    pub fn counts(&self) -> SyncCounts {
        let mut counts = SyncCounts {
            saved: self.saved,
            ..SyncCounts::default()
        };
        for e in &self.outbox.entries {
            match e.state {
                EntryState::Pending { .. } => counts.waiting += 1,
                EntryState::NeedsAuth => counts.needs_auth += 1,
                EntryState::Rejected { .. } => counts.rejected += 1,
                EntryState::Synced { .. } => {}
            }
        }
        counts
    }

    /// The refused submissions, oldest first.
    pub fn refused(&self) -> Vec<Refused> {
        self.outbox
            .entries
            .iter()
            .filter_map(|e| match &e.state {
                EntryState::Rejected { status, message } => Some(Refused {
                    submission_id: e.submission_id.clone(),
                    task_id: task_of(&e.body),
                    status: *status,
                    message: message.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// The volunteer asks to send a refused submission again (unchanged).
    pub fn retry(&mut self, submission_id: &str, now: i64) {
        for e in &mut self.outbox.entries {
            if e.submission_id == submission_id && matches!(e.state, EntryState::Rejected { .. }) {
                e.state = EntryState::Pending {
                    next_attempt_at: now,
                };
            }
        }
    }

    /// The volunteer gives up a refused submission: it leaves the outbox, and its task and boxes are handed back
    /// (so the task can be boxed again from them). Only refused entries can be discarded.
    pub fn discard(&mut self, submission_id: &str) -> Option<Discarded> {
        let index = self.outbox.entries.iter().position(|e| {
            e.submission_id == submission_id && matches!(e.state, EntryState::Rejected { .. })
        })?;
        let entry = self.outbox.entries.remove(index);
        serde_json::from_str(&entry.body).ok()
    }

    /// After a new lease: stored submissions of tasks outside the batch are no longer needed.
    pub fn forget_stored_except(&mut self, tasks: &[u64]) {
        self.outbox.entries.retain(|e| {
            !matches!(e.state, EntryState::Synced { .. })
                || task_of(&e.body).is_some_and(|t| tasks.contains(&t))
        });
    }
}

/// The storage key of the outbox of `worker_id` in `job` (the job's length keeps job names apart).
pub fn outbox_storage_key(job: &str, worker_id: &str) -> String {
    format!("crowdbox.outbox.{}.{worker_id}.{job}", job.len())
}
