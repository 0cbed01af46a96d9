//! A job's statistics: boxes and objects per label, box sizes, pace, workers, and the model against the volunteers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Raw boxes of one label (every worker's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelCount {
    pub label: String,
    pub boxes: u64,
}

/// Objects of one label after consolidating each image's boxes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelObjects {
    pub label: String,
    pub objects: u64,
}

/// The spread of one label's box sizes: the square root of each raw box's area, in image pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoxSizes {
    pub label: String,
    pub boxes: u64,
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

/// Images finished in one hour (by the time of the submission that finished them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourCount {
    pub hour_start_ms: i64,
    pub images_done: u64,
}

/// What one worker did in a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerStats {
    pub worker_id: String,
    pub tasks: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_task_ms: Option<f64>,
    /// Mean IoU of this worker's boxes to the consolidated boxes of images that others boxed too (matched at
    /// IoU ≥ 0.5 with the same label; a box without a match counts 0); `None` when no such image exists yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_iou: Option<f64>,
    /// Gold tasks submitted (not counted in `tasks`).
    #[serde(default)]
    pub gold_tasks: u64,
    /// Mean IoU of their boxes that matched known gold boxes (IoU ≥ 0.5, same label); `None` before one matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_mean_iou: Option<f64>,
    /// Share of known gold boxes they found; `None` before their first gold task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_recall: Option<f64>,
    /// Share of their gold boxes that match a known one; `None` before their first gold task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_precision: Option<f64>,
    /// Their quality score in [0, 1] (`crowdbox_core::quality::worker_score`): what their boxes weigh in
    /// consolidation and what `--block-below` compares.
    #[serde(default)]
    pub score: f64,
    /// Whether the job blocked them.
    #[serde(default)]
    pub blocked: bool,
}

/// How a label's model boxes (scored pre-annotations from `crowdbox prelabel`) compare with the consolidated
/// volunteer boxes, over the images that have both model boxes and at least one volunteer's submission. A model
/// box and a volunteer box pair up at IoU ≥ 0.5 with the same label, each at most once
/// (`crowdbox_core::quality::match_boxes`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelLabelStats {
    pub label: String,
    /// The model's boxes of this label on those images.
    pub model_boxes: u64,
    /// The consolidated volunteer boxes of this label on those images.
    pub human_boxes: u64,
    /// Pairs of a model box and a volunteer box.
    pub matched: u64,
    /// Share of the model's boxes that volunteers confirmed; `None` when the model gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
    /// Share of the volunteers' boxes the model found; `None` when volunteers drew none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall: Option<f64>,
}

/// `crowdbox stats --json` and `GET /api/jobs/{job}/stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobStats {
    pub job: String,
    pub images_total: u64,
    pub images_done: u64,
    pub boxes_total: u64,
    /// Sorted by count, most first.
    pub boxes_per_label: Vec<LabelCount>,
    /// Largest over smallest label count; `None` when a label has no boxes.
    pub imbalance_ratio: Option<f64>,
    pub objects_total: u64,
    /// Sorted by count, most first.
    pub objects_per_label: Vec<LabelObjects>,
    pub objects_imbalance_ratio: Option<f64>,
    /// The owner's per-label targets for objects.
    #[serde(default)]
    pub label_targets: BTreeMap<String, u64>,
    /// In the job's label order.
    #[serde(default)]
    pub box_sizes: Vec<BoxSizes>,
    /// Every hour from the first finished image to the last, empty hours included.
    #[serde(default)]
    pub throughput: Vec<HourCount>,
    /// How many distinct workers submitted.
    pub worker_count: u64,
    /// Sorted by worker id.
    #[serde(default)]
    pub workers: Vec<WorkerStats>,
    pub median_task_ms: Option<f64>,
    pub timed_tasks: u64,
    /// Model vs consolidated volunteer boxes per label, in the job's label order (labels neither side has are
    /// left out); empty until volunteers have worked on pre-labelled images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_vs_human: Vec<ModelLabelStats>,
}
