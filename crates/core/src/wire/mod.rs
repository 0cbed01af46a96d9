//! Types that cross the wire between the worker app and the server. Both sides use these exact types, so the
//! JSON shape is defined once.

use serde::{Deserialize, Serialize};

use crate::coco::{CocoAnnotation, CocoCategory, CocoImage};
use crate::editor::BoxChange;

mod error;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};

/// `POST /api/jobs/{job}/batches` body: who asks for work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaseRequest {
    pub worker_id: String,
}

/// A batch of tasks leased to one worker until `lease_expires_at`.
/// An empty `tasks` with `job_done = true` means the job has no more work for this worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// What the volunteer does with each task: draw, adjust the given boxes, or verify them.
    #[serde(default, skip_serializing_if = "is_default")]
    pub mode: TaskMode,
    /// Whether the volunteer may copy the previous image's boxes onto the next one.
    #[serde(default, skip_serializing_if = "is_default")]
    pub allow_carry_forward: bool,
    /// Good and bad example images for the full instructions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<ExampleImage>,
}

/// A job's mode, as the worker app sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TaskMode {
    /// Draw the boxes (given boxes, if any, are a starting point).
    #[default]
    Draw,
    /// Correct the given boxes; drawing and deleting work as in `Draw`.
    Adjust,
    /// Accept or reject each given box (with an optional reason) instead of drawing.
    Verify,
}

impl TaskMode {
    pub const ALL: [TaskMode; 3] = [TaskMode::Draw, TaskMode::Adjust, TaskMode::Verify];

    /// The name the wire, job files, the command line and the database use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draw => "draw",
            Self::Adjust => "adjust",
            Self::Verify => "verify",
        }
    }
}

impl std::fmt::Display for TaskMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for TaskMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
            .ok_or_else(|| format!("unknown mode {text:?}: the modes are draw, adjust and verify"))
    }
}

/// An example image shown in the full instructions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExampleImage {
    pub kind: ExampleKind,
    /// Relative to the API base, or an absolute http(s) URL.
    pub url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caption: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ExampleKind {
    /// Boxes drawn the way the job wants them.
    Good,
    /// A mistake to avoid.
    Bad,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// One image to box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The image's tile pyramid when it is huge (above the import's threshold): draw its tiles from
    /// `/api/images/{id}/tiles/{level}/{x}/{y}` rather than loading `image_url` whole. Absent for other images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiles: Option<crate::tiles::TilePyramid>,
}

/// One image's result, sent once per task. `submission_id` is made in the browser and is an idempotency key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub submission_id: String,
    pub worker_id: String,
    pub task_id: u64,
    /// Milliseconds the volunteer spent on this task, if measured.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    pub result: CocoResult,
    /// What the volunteer said about the image as a whole. Absent means `boxed`. (Every field added after the
    /// first release is left out of the JSON when it has its default, so the idempotency hash of a submission
    /// stored by an older server stays the same.)
    #[serde(default, skip_serializing_if = "is_default")]
    pub outcome: Outcome,
    /// The volunteer's own words, e.g. why they are unsure (at most [`MAX_NOTE_CHARS`] characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What became of each given box (pre-annotation) and which boxes were added: kept, moved, relabelled,
    /// added or deleted. Empty when the task came without boxes and none were drawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<BoxChange>,
    /// In a verify job: the volunteer's verdict on each given box. `result` then holds the accepted boxes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verdicts: Vec<Verdict>,
}

/// A volunteer's answer for one task, as the app assembles it; [`TaskAnswer::into_submission`] adds who and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskAnswer {
    pub result: CocoResult,
    pub outcome: Outcome,
    pub note: Option<String>,
    pub changes: Vec<BoxChange>,
    pub verdicts: Vec<Verdict>,
}

impl TaskAnswer {
    pub fn new(result: CocoResult) -> Self {
        Self {
            result,
            ..Self::default()
        }
    }

    pub fn into_submission(
        self,
        submission_id: String,
        worker_id: String,
        task_id: u64,
        duration_ms: Option<u64>,
    ) -> Submission {
        Submission {
            submission_id,
            worker_id,
            task_id,
            duration_ms,
            result: self.result,
            outcome: self.outcome,
            note: self.note.filter(|n| !n.trim().is_empty()),
            changes: self.changes,
            verdicts: self.verdicts,
        }
    }
}

/// The longest note a submission may carry, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// What a volunteer says about an image as a whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// The boxes are the answer (none, if there was nothing to box).
    #[default]
    Boxed,
    /// The volunteer looked and found nothing of the job's labels: no boxes.
    NothingToLabel,
    /// The image could not be seen (broken, blank, far too dark or blurred): no boxes.
    ImageUnreadable,
    /// The boxes are the volunteer's best try, but they are not sure.
    Unsure,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Boxed,
        Outcome::NothingToLabel,
        Outcome::ImageUnreadable,
        Outcome::Unsure,
    ];

    /// The name used on the wire, in the database and in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Boxed => "boxed",
            Outcome::NothingToLabel => "nothing_to_label",
            Outcome::ImageUnreadable => "image_unreadable",
            Outcome::Unsure => "unsure",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// Whether a submission with this outcome must come without boxes.
    pub fn forbids_boxes(self) -> bool {
        matches!(self, Outcome::NothingToLabel | Outcome::ImageUnreadable)
    }

    /// The outcome as stored: a `boxed` result without boxes says there was nothing to label.
    pub fn stored(self, box_count: usize) -> Outcome {
        if self == Outcome::Boxed && box_count == 0 {
            Outcome::NothingToLabel
        } else {
            self
        }
    }
}

/// A volunteer's verdict on one given box in a verify job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    /// The given box's annotation id in the task's `initial_annotations`.
    pub origin: u64,
    pub accepted: bool,
    /// Why (optional; at most [`MAX_NOTE_CHARS`] characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A COCO document for a single image: the image, its boxes and the categories they use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoResult {
    pub images: Vec<CocoImage>,
    pub annotations: Vec<CocoAnnotation>,
    pub categories: Vec<CocoCategory>,
}

/// The server's answer to an accepted submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub submission_id: String,
    pub task_id: u64,
    pub annotations_stored: u64,
    /// Unix time in milliseconds when it was first stored.
    pub stored_at: i64,
}
/// Public description of a job: `GET /api/jobs/{job}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
