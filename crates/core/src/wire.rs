//! Types that cross the wire between the worker app and the server. Both sides use these exact types, so the
//! JSON shape is defined once.

use serde::{Deserialize, Serialize};

use crate::coco::{CocoAnnotation, CocoCategory, CocoImage};

/// `POST /api/jobs/{job}/batches` body: who asks for work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaseRequest {
    pub worker_id: String,
}

/// A batch of tasks leased to one worker until `lease_expires_at`.
/// An empty `tasks` with `job_done = true` means the job has no more work for this worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskBatch {
    pub job: String,
    pub instructions: String,
    /// The job's labels as COCO categories (ids ≥ 1, in display order).
    pub categories: Vec<CocoCategory>,
    pub tasks: Vec<Task>,
    /// Unix time in milliseconds after which unsubmitted tasks go back to the pool.
    pub lease_expires_at: i64,
    pub job_done: bool,
    /// Images in the job and how many are done, for a progress read-out.
    pub images_total: u64,
    pub images_done: u64,
}

/// One image to box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub task_id: u64,
    /// The image as COCO describes it: `id` is the image id used in the submission.
    pub image: CocoImage,
    /// Where the app loads the pixels from (relative to the API base, or an absolute http(s) URL for images
    /// imported by reference).
    pub image_url: String,
    /// Boxes to start from (imported pre-annotations), natural image pixels; empty when there are none.
    #[serde(default)]
    pub initial_annotations: Vec<CocoAnnotation>,
}

/// One image's result, sent once per task. `submission_id` is made in the browser and is an idempotency key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub submission_id: String,
    pub worker_id: String,
    pub task_id: u64,
    /// Milliseconds the volunteer spent on this task, if measured.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    pub result: CocoResult,
}

/// A COCO document for a single image: the image, its boxes and the categories they use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CocoResult {
    pub images: Vec<CocoImage>,
    pub annotations: Vec<CocoAnnotation>,
    pub categories: Vec<CocoCategory>,
}

/// The server's answer to an accepted submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub submission_id: String,
    pub task_id: u64,
    pub annotations_stored: u64,
    /// Unix time in milliseconds when it was first stored.
    pub stored_at: i64,
}

/// Every error the API returns has this JSON body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_field`, `not_found`, `task_not_leased`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The JSON path of the offending field, when one field is to blame (e.g. `result.annotations[2].bbox`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Public description of a job: `GET /api/jobs/{job}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobInfo {
    pub name: String,
    pub instructions: String,
    pub categories: Vec<CocoCategory>,
    pub images_total: u64,
    pub images_done: u64,
}

/// The job file of static-site mode (`?static=job.json`): everything the worker app needs when no crowdbox
/// server is there. Every URL in it is relative to the job file's own URL (or absolute).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaticJob {
    /// Shown as the job's name; also keeps this job's progress apart from other jobs' in the browser.
    pub name: String,
    /// The labels, in display order (COCO category ids 1, 2, …).
    pub labels: Vec<String>,
    /// Markdown instructions for volunteers.
    #[serde(default)]
    pub instructions: String,
    /// A Ground Truth input manifest (one `{"source-ref": …}` per line, references relative to the manifest) or
    /// a task-batch JSON ([`TaskBatch`]). Without it, the volunteer opens or drops image files of their own.
    #[serde(default)]
    pub tasks: Option<String>,
    /// Each task's [`Submission`] is also POSTed here (through the outbox, retried until accepted).
    #[serde(default)]
    pub submit_url: Option<String>,
    /// The label attribute of the downloadable Ground Truth output manifest; `boxes` when not given.
    #[serde(default)]
    pub label_attribute: Option<String>,
}
