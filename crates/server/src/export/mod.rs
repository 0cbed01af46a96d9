//! `crowdbox export`: a job's images and boxes (every worker's, consolidated, one worker's, or the pre-annotations)
//! loaded as core's neutral dataset; `output` renders it in COCO, Ground Truth, Open Images, VOC or YOLO form.
//!
//! Every image of the job is listed (also those without boxes); boxes are clipped to their image by core's
//! exporters. Without consolidation every worker's boxes are listed (and imported final boxes); with it, each
//! image's submissions are merged by core's Ground Truth or CVAT style consolidation (an image with an imported
//! final submission keeps exactly those boxes), and confidences are written where the format has them.
//! In COCO, image ids are the task ids and annotation ids are 1..n in (image id, storage) order.
//!
//! Consolidation weighs each worker's boxes by their quality score (`crowdbox_core::quality`) unless asked
//! for equal weights; a blocked worker's boxes never count. Gold images are left out unless asked for, and
//! then carry their known boxes.

use crowdbox_core::consolidate::{
    consolidate_cvat_weighted, consolidate_ground_truth_weighted, ConsolidatedBox, CvatParams,
    GroundTruthParams, Weighted,
};
use crowdbox_core::formats::{Dataset, DatasetBox, DatasetImage};
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::worker_score;

use crate::db::bulk::{self, BoxRow, JobRows, ReadOptions};
use crate::db::{self, Store};
use crate::jobs::{require_job, Job};

/// The single licence entry every exported image points to: crowdbox does not track image licences yet.
pub const UNKNOWN_LICENSE_ID: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// COCO object detection JSON (a file).
    Coco,
    /// SageMaker Ground Truth bounding-box output manifest, JSON lines (a file).
    Groundtruth,
    /// Pascal VOC XML, `Annotations/<stem>.xml` per image and the images in `JPEGImages/` (a folder).
    Voc,
    /// YOLO txt, `classes.txt`, `labels/<stem>.txt` per image, the images in `images/` and `data.yaml` (a
    /// folder).
    Yolo,
    /// Open Images box CSV: one row per box, corners as fractions of the image size, `ImageID` the file stem
    /// (a file).
    Openimages,
}

impl ExportFormat {
    /// Whether the format is a folder of files (VOC, YOLO) rather than one file.
    pub fn is_folder(self) -> bool {
        matches!(self, Self::Voc | Self::Yolo)
    }
}

/// How several workers' boxes for one image become one set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ConsolidationMethod {
    /// Match by IoU ≥ 0.5, keep objects a majority drew, average their edges.
    #[default]
    Groundtruth,
    /// Match by IoU ≥ 0.5, keep objects a majority drew, take the drawn box nearest the mean.
    Cvat,
}

/// What an export holds besides the job's images and the workers' boxes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DatasetOptions {
    /// Also the gold images, with their known boxes.
    pub include_gold: bool,
    /// Consolidate with equal weights instead of the workers' scores (blocked workers still count for nothing).
    pub unweighted: bool,
}

/// Whose boxes an export holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportSource {
    /// Every worker's boxes and imported final ones, or with a method each image's consolidated set; an image
    /// the owner reviewed gives its final boxes either way.
    Job {
        method: Option<ConsolidationMethod>,
        options: DatasetOptions,
    },
    /// What one worker drew.
    Worker(String),
    /// The pre-annotations volunteers start from: imported ones, and a model's with their scores (COCO
    /// `score`, Ground Truth `confidence`, Open Images `Confidence`).
    PreAnnotations,
}

impl Default for ExportSource {
    fn default() -> Self {
        Self::Job {
            method: None,
            options: DatasetOptions::default(),
        }
    }
}

/// Reads the job's images with the boxes `source` names.
pub async fn load_dataset(
    store: &Store,
    job_name: &str,
    source: &ExportSource,
) -> anyhow::Result<JobDataset> {
    match source {
        ExportSource::Job { method, options } => {
            load_job_dataset(store, job_name, *method, *options).await
        }
        ExportSource::Worker(worker_id) => load_worker_dataset(store, job_name, worker_id).await,
        ExportSource::PreAnnotations => load_pre_annotation_dataset(store, job_name).await,
    }
}

/// A job as core's neutral dataset; `image_ids[i]` is the task id of `dataset.images[i]`.
pub struct JobDataset {
    pub job: Job,
    /// The boxes' confidences are a model's scores (pre-annotations), written as COCO `score`.
    pub scored: bool,
    pub image_ids: Vec<i64>,
    pub dataset: Dataset,
}

/// Reads the job's images and boxes, consolidated with `method` if given.
pub async fn load_job_dataset(
    store: &Store,
    job_name: &str,
    method: Option<ConsolidationMethod>,
    options: DatasetOptions,
) -> anyhow::Result<JobDataset> {
    let (job, labels) = job_and_labels(store, job_name).await?;
    // Every submission, also those without boxes, when consolidating: "nothing here" counts.
    let read = ReadOptions {
        with_submissions: method.is_some(),
        include_gold: options.include_gold,
    };
    let rows = bulk::read_job(store, job.id, read).await?;
    Ok(job_dataset(job, labels, rows, method, options.unweighted))
}

/// Reads the job's images with one worker's boxes only (what they drew, not the consolidated or reviewed
/// result); an error names the worker when they submitted nothing to the job.
pub async fn load_worker_dataset(
    store: &Store,
    job_name: &str,
    worker_id: &str,
) -> anyhow::Result<JobDataset> {
    let (job, labels) = job_and_labels(store, job_name).await?;
    let mut rows = bulk::read_job(store, job.id, ReadOptions::WITH_SUBMISSIONS).await?;
    rows.submissions
        .retain(|submission| !submission.imported && submission.worker_id == worker_id);
    if rows.submissions.is_empty() {
        return Err(NoSuchWorker {
            job: job.name,
            worker_id: worker_id.to_owned(),
        }
        .into());
    }
    let theirs: std::collections::HashSet<i64> = rows
        .submissions
        .iter()
        .map(|submission| submission.id)
        .collect();
    rows.boxes.retain(|row| theirs.contains(&row.submission_id));
    // Outcome counts and reviews are the whole crowd's, not this worker's.
    rows.outcomes.clear();
    rows.reviewed.clear();
    Ok(job_dataset(job, labels, rows, None, false))
}

/// Reads the job's images (gold left out) with their pre-annotations; a model's boxes carry their score as
/// confidence.
pub async fn load_pre_annotation_dataset(
    store: &Store,
    job_name: &str,
) -> anyhow::Result<JobDataset> {
    let (job, labels) = job_and_labels(store, job_name).await?;
    let bulk::PreAnnotations { images, boxes } = bulk::read_pre_annotations(store, job.id).await?;
    let mut image_ids = Vec::with_capacity(images.len());
    let mut dataset_images = Vec::with_capacity(images.len());
    let mut next_box = 0;
    for image in images {
        image_ids.push(image.id);
        let mut dataset_image = DatasetImage::new(image.file_name, image.width, image.height);
        while next_box < boxes.len() && boxes[next_box].image_id == image.id {
            let row = &boxes[next_box];
            dataset_image.boxes.push(DatasetBox {
                label: label_name(&labels, row.category_id),
                rect: ImageRect::new(row.x, row.y, row.w, row.h),
                iscrowd: false,
                confidence: row.score,
            });
            next_box += 1;
        }
        dataset_images.push(dataset_image);
    }
    Ok(JobDataset {
        image_ids,
        dataset: Dataset {
            images: dataset_images,
            labels,
        },
        scored: true,
        job,
    })
}

/// The job called `job_name` (an error names the jobs there are when it is none of them) and its labels.
async fn job_and_labels(store: &Store, job_name: &str) -> anyhow::Result<(Job, Vec<String>)> {
    let job = require_job(store, job_name).await?;
    let mut conn = store.connect().await?;
    let labels = db::jobs::labels(&mut conn, &job)?;
    Ok((job, labels))
}

/// The job's label of a 1-based category id.
fn label_name(labels: &[String], category_id: i64) -> String {
    labels
        .get(usize::try_from(category_id - 1).unwrap_or(usize::MAX))
        .cloned()
        .unwrap_or_default()
}

/// A per-worker export for a worker who submitted nothing to the job.
#[derive(Debug, thiserror::Error)]
#[error("worker {worker_id:?} has no submissions in job {job:?}")]
pub struct NoSuchWorker {
    pub job: String,
    pub worker_id: String,
}

/// Groups the rows by image (all three lists are in image id order) into core's dataset.
pub(crate) fn job_dataset(
    job: Job,
    labels: Vec<String>,
    rows: JobRows,
    method: Option<ConsolidationMethod>,
    unweighted: bool,
) -> JobDataset {
    let JobRows {
        images,
        boxes,
        submissions,
        outcomes,
        reviewed,
        evidence,
        blocked,
    } = rows;
    // A worker's weight in consolidation: 0 once blocked, else their score (or 1 for all when unweighted).
    let weight_of = |worker_id: &str| {
        if blocked.contains(worker_id) {
            0.0
        } else if unweighted {
            1.0
        } else {
            worker_score(&evidence.get(worker_id).copied().unwrap_or_default())
        }
    };
    let reviewed: std::collections::HashMap<i64, i64> = reviewed
        .into_iter()
        .map(|review| (review.image_id, review.submission_id))
        .collect();
    let mut next_outcome = 0;
    let to_box = |row: &BoxRow| DatasetBox {
        label: label_name(&labels, row.category_id),
        rect: ImageRect::new(row.x, row.y, row.w, row.h),
        iscrowd: row.iscrowd,
        confidence: None,
    };
    let mut image_ids = Vec::with_capacity(images.len());
    let mut dataset_images = Vec::with_capacity(images.len());
    let (mut next_box, mut next_submission) = (0, 0);
    for image in images {
        image_ids.push(image.id);
        let mut dataset_image = DatasetImage::new(image.file_name, image.width, image.height);
        while next_outcome < outcomes.len() && outcomes[next_outcome].0 == image.id {
            let (_, outcome, count) = &outcomes[next_outcome];
            dataset_image.outcomes.insert(outcome.clone(), *count);
            next_outcome += 1;
        }
        let start = next_box;
        while next_box < boxes.len() && boxes[next_box].image_id == image.id {
            next_box += 1;
        }
        let rows = &boxes[start..next_box];
        let first_submission = next_submission;
        while next_submission < submissions.len()
            && submissions[next_submission].image_id == image.id
        {
            next_submission += 1;
        }
        let image_submissions = &submissions[first_submission..next_submission];
        let imported = |submission_id: i64| {
            image_submissions
                .iter()
                .any(|submission| submission.imported && submission.id == submission_id)
        };
        dataset_image.boxes = match method {
            // The owner's review decided: its final boxes, in every export.
            _ if reviewed.contains_key(&image.id) => rows
                .iter()
                .filter(|row| row.submission_id == reviewed[&image.id])
                .map(to_box)
                .collect(),
            None => rows.iter().map(to_box).collect(),
            Some(_) if image_submissions.iter().any(|s| s.imported) => rows
                .iter()
                .filter(|row| imported(row.submission_id))
                .map(to_box)
                .collect(),
            Some(method) => {
                let per_worker: Vec<Weighted<Vec<DatasetBox>>> = image_submissions
                    .iter()
                    .map(|submission| {
                        let boxes = rows
                            .iter()
                            .filter(|row| row.submission_id == submission.id)
                            .map(to_box)
                            .collect();
                        Weighted::new(boxes, weight_of(&submission.worker_id))
                    })
                    .collect();
                consolidate(&per_worker, method)
            }
        };
        dataset_images.push(dataset_image);
    }
    JobDataset {
        image_ids,
        dataset: Dataset {
            images: dataset_images,
            labels,
        },
        scored: false,
        job,
    }
}

fn consolidate(
    per_worker: &[Weighted<Vec<DatasetBox>>],
    method: ConsolidationMethod,
) -> Vec<DatasetBox> {
    if per_worker.is_empty() {
        return Vec::new();
    }
    let merged: Vec<ConsolidatedBox> = match method {
        ConsolidationMethod::Groundtruth => {
            consolidate_ground_truth_weighted(per_worker, &GroundTruthParams::default())
        }
        ConsolidationMethod::Cvat => consolidate_cvat_weighted(per_worker, &CvatParams::default()),
    };
    merged
        .into_iter()
        .map(ConsolidatedBox::into_dataset_box)
        .collect()
}

mod output;

pub use output::{coco_for, export_coco, export_to, render, write_export, ExportSummary, Rendered};
