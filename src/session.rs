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
mod tests {
    use super::*;
    use crowdbox_core::coco::{CocoAnnotation, CocoImage};
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn image(id: u64) -> CocoImage {
        CocoImage {
            id,
            file_name: format!("{id}.jpg"),
            width: 640,
            height: 480,
            license: None,
            date_captured: None,
        }
    }

    fn batch(task_ids: &[u64], job_done: bool) -> TaskBatch {
        TaskBatch {
            job: "demo".into(),
            instructions: "Box every tool.".into(),
            categories: vec![CocoCategory {
                id: 1,
                name: "hammer".into(),
                supercategory: "tool".into(),
            }],
            tasks: task_ids
                .iter()
                .map(|&id| Task {
                    task_id: id,
                    image: image(id),
                    image_url: format!("/api/images/{id}"),
                    initial_annotations: Vec::new(),
                })
                .collect(),
            lease_expires_at: 0,
            job_done,
            images_total: 8,
            images_done: 3,
        }
    }

    fn result(image_id: u64, boxes: usize) -> CocoResult {
        CocoResult {
            images: vec![image(image_id)],
            annotations: (0..boxes)
                .map(|i| CocoAnnotation {
                    id: i as u64 + 1,
                    image_id,
                    category_id: 1,
                    bbox: [1.0, 2.0, 3.0, 4.0],
                    area: 12.0,
                    iscrowd: 0,
                })
                .collect(),
            categories: vec![],
        }
    }

    fn receipt(task_id: u64) -> Receipt {
        Receipt {
            submission_id: "s".into(),
            task_id,
            annotations_stored: 0,
            stored_at: 0,
        }
    }

    fn server_error(message: &str) -> ApiError {
        ApiError {
            status: Some(422),
            code: Some("invalid_field".into()),
            message: message.into(),
        }
    }

    fn working(task_ids: &[u64]) -> Session {
        let mut s = Session::new(Some("demo".into()), "w1".into());
        assert!(s.begin_lease());
        s.apply_lease(Ok(batch(task_ids, false)), 1_000.0);
        s
    }

    #[test]
    fn without_a_job_there_is_nothing_to_lease() {
        let mut s = Session::new(Some("  ".into()), "w1".into());
        assert_eq!(s.phase(), Phase::NoJob);
        assert!(!s.begin_lease());
    }

    #[test]
    fn progress_counts_tasks_in_the_batch_and_images_in_the_job() {
        let mut s = working(&[10, 11]);
        assert_eq!(s.task_progress().as_deref(), Some("task 1 of 2"));
        assert_eq!(s.job_progress().as_deref(), Some("3 of 8 images done"));
        let sub = s.prepare_submission(result(10, 0), 4_500.0, "id-a".into());
        assert_eq!(sub.unwrap().duration_ms, Some(3_500));
        assert!(!s.apply_submit(Ok(receipt(10)), 5_000.0));
        assert_eq!(s.task_progress().as_deref(), Some("task 2 of 2"));
        assert_eq!(s.job_progress().as_deref(), Some("4 of 8 images done"));
        assert_eq!(s.current_task().unwrap().task_id, 11);
    }

    #[test]
    fn the_last_submission_of_a_batch_asks_for_the_next_batch() {
        let mut s = working(&[10]);
        s.prepare_submission(result(10, 1), 2_000.0, "id-a".into())
            .unwrap();
        assert!(s.apply_submit(Ok(receipt(10)), 2_100.0));
        assert_eq!(s.phase(), Phase::Leasing);
        assert!(s.current_task().is_none());
        s.apply_lease(Ok(batch(&[], true)), 2_200.0);
        assert_eq!(s.phase(), Phase::Done);
    }

    #[test]
    fn an_empty_batch_that_is_not_done_means_nothing_is_free_now() {
        let mut s = working(&[]);
        assert_eq!(s.phase(), Phase::NothingFreeNow);
        assert!(s.begin_lease());
        assert_eq!(s.phase(), Phase::Leasing);
    }

    #[test]
    fn a_refused_submission_keeps_the_task_and_shows_the_servers_message() {
        let mut s = working(&[10, 11]);
        let first = s
            .prepare_submission(result(10, 1), 2_000.0, "id-a".into())
            .unwrap();
        assert!(
            s.prepare_submission(result(10, 1), 2_000.0, "id-b".into())
                .is_none(),
            "no second send while one is on its way"
        );
        assert!(!s.apply_submit(Err(server_error("bbox is outside the image")), 2_500.0));
        assert_eq!(s.phase(), Phase::Working);
        assert_eq!(s.error(), Some("bbox is outside the image"));
        assert_eq!(s.current_task().unwrap().task_id, 10);

        let retry = s
            .prepare_submission(result(10, 1), 9_000.0, "id-c".into())
            .unwrap();
        assert_eq!(retry, first, "an unchanged retry is the same request");
        assert_eq!(s.error(), None);
        s.apply_submit(Err(server_error("offline")), 9_100.0);

        let edited = s
            .prepare_submission(result(10, 2), 9_500.0, "id-d".into())
            .unwrap();
        assert_eq!(edited.submission_id, "id-a", "one id per task");
        assert_eq!(edited.result.annotations.len(), 2);
        assert_eq!(edited.duration_ms, Some(8_500));
    }

    #[test]
    fn a_result_the_server_already_holds_moves_on_instead_of_sticking() {
        let mut s = working(&[10, 11]);
        s.prepare_submission(result(10, 1), 2_000.0, "id-a".into())
            .unwrap();
        let conflict = ApiError {
            status: Some(409),
            code: Some("task_already_submitted".into()),
            message: "worker already submitted task 10".into(),
        };
        assert!(!s.apply_submit(Err(conflict), 2_100.0));
        assert_eq!(s.phase(), Phase::Working);
        assert_eq!(s.error(), None);
        assert_eq!(s.current_task().unwrap().task_id, 11);

        s.prepare_submission(result(11, 1), 3_000.0, "id-b".into())
            .unwrap();
        let other_conflict = ApiError {
            status: Some(409),
            code: Some("lease_conflict".into()),
            message: "something else".into(),
        };
        s.apply_submit(Err(other_conflict), 3_100.0);
        assert_eq!(
            s.current_task().unwrap().task_id,
            11,
            "other conflicts keep the task"
        );
        assert_eq!(s.error(), Some("something else"));
    }

    #[test]
    fn a_failed_lease_shows_the_error_and_can_be_retried() {
        let mut s = Session::new(Some("nope".into()), "w1".into());
        s.apply_lease(Err(server_error("no job named nope")), 0.0);
        assert_eq!(s.phase(), Phase::LeaseFailed);
        assert_eq!(s.error(), Some("no job named nope"));
        assert!(s.begin_lease());
        assert_eq!(s.error(), None);
    }
}
