//! The owner's review: the queue of answered images (`GET /api/jobs/{job}/review`), one image with every
//! submission (`GET /api/jobs/{job}/images/{id}`), and the decisions (`POST …/images/{id}/review`). Which images
//! a query asks for and how sure an answer is are core's rules (`crowdbox_core::review`); rows come from `db`.

use std::collections::{BTreeMap, HashMap};

use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::owner::{
    ImageDetail, ImageSubmission, LabelledBox, ReviewAction, ReviewItem, ReviewPage, ReviewRequest,
    ReviewState,
};
use crowdbox_core::review::{assess, check_corrected_boxes, labelled, QueueImage, ReviewQuery};
use crowdbox_core::validate::FieldError;

use crate::db::bulk::{self, BoxRow};
use crate::db::review::{self as rows, Reopened, StoredBox};
use crate::db::{self, to_u64, Store};
use crate::error::ApiError;
use crate::jobs::{image_url, Job};

/// One page of the job's review queue.
pub async fn review_page(
    store: &Store,
    job: &Job,
    labels: &[String],
    query: &ReviewQuery,
) -> Result<ReviewPage, ApiError> {
    let rows = bulk::read_job(store, job.id, bulk::ReadOptions::WITH_SUBMISSIONS).await?;
    let label_of = |category_id: i64| label_name(labels, category_id);
    let to_box = |row: &BoxRow| DatasetBox {
        label: label_of(row.category_id),
        rect: ImageRect::new(row.x, row.y, row.w, row.h),
        iscrowd: row.iscrowd,
        confidence: None,
    };
    let reviews: HashMap<i64, (ReviewState, i64)> = rows
        .reviewed
        .iter()
        .map(|review| (review.image_id, (review.state, review.submission_id)))
        .collect();
    let mut outcomes: HashMap<i64, BTreeMap<String, u32>> = HashMap::new();
    for (image_id, outcome, count) in &rows.outcomes {
        outcomes
            .entry(*image_id)
            .or_default()
            .insert(outcome.clone(), *count);
    }
    let no_outcomes = BTreeMap::new();
    let (mut next_box, mut next_submission) = (0, 0);
    let mut page = Vec::new();
    let mut more = false;
    for image in &rows.images {
        // Rows of every list are in image id order: step each past this image.
        let first_box = next_box;
        while next_box < rows.boxes.len() && rows.boxes[next_box].image_id == image.id {
            next_box += 1;
        }
        let first_submission = next_submission;
        while next_submission < rows.submissions.len()
            && rows.submissions[next_submission].image_id == image.id
        {
            next_submission += 1;
        }
        if query.after.is_some_and(|after| to_u64(image.id) <= after) {
            continue;
        }
        let boxes = &rows.boxes[first_box..next_box];
        let workers: Vec<(String, Vec<DatasetBox>)> = rows.submissions
            [first_submission..next_submission]
            .iter()
            .filter(|submission| !submission.imported)
            .map(|submission| {
                let drawn = boxes
                    .iter()
                    .filter(|row| row.submission_id == submission.id)
                    .map(to_box)
                    .collect();
                (submission.worker_id.clone(), drawn)
            })
            .collect();
        let review = reviews.get(&image.id);
        if workers.is_empty() && review.is_none() {
            continue;
        }
        let final_boxes: Vec<DatasetBox> = review
            .map(|(_, submission_id)| {
                boxes
                    .iter()
                    .filter(|row| row.submission_id == *submission_id)
                    .map(to_box)
                    .collect()
            })
            .unwrap_or_default();
        let answers: Vec<&[DatasetBox]> =
            workers.iter().map(|(_, drawn)| drawn.as_slice()).collect();
        let assessment = assess(&answers);
        let queued = QueueImage {
            workers: &workers,
            outcomes: outcomes.get(&image.id).unwrap_or(&no_outcomes),
            reviewed: review.map(|(state, _)| *state),
            final_boxes: &final_boxes,
        };
        if !query.admits(&queued, &assessment) {
            continue;
        }
        if page.len() == query.limit {
            more = true;
            break;
        }
        page.push(ReviewItem {
            image_id: to_u64(image.id),
            file_name: image.file_name.clone(),
            width: image.width,
            height: image.height,
            image_url: image_url(image.id, image.source_url.as_deref()),
            boxes: queued.shown_boxes(&assessment),
            confidence: assessment.confidence,
            workers: workers.len() as u64,
            reviewed: queued.reviewed,
        });
    }
    let next_cursor = more
        .then(|| page.last().map(|item| item.image_id.to_string()))
        .flatten();
    Ok(ReviewPage {
        images: page,
        next_cursor,
    })
}

/// The image with every submission, its consolidated boxes and its review.
pub async fn image_detail(
    store: &Store,
    job: &Job,
    labels: &[String],
    image_id: u64,
) -> Result<ImageDetail, ApiError> {
    let image = job_image(store, job, image_id).await?;
    let record = rows::image_record(store, image.id).await?;
    let tiles = crate::db::tiles::pyramid_of(store, image.id)
        .await?
        .map(|(pyramid, _)| pyramid);
    let boxes_of = |submission_id: i64| -> Vec<&StoredBox> {
        record
            .boxes
            .iter()
            .filter(|stored| stored.submission_id == submission_id)
            .collect()
    };
    let answers: Vec<Vec<DatasetBox>> = record
        .submissions
        .iter()
        .filter(|submission| !submission.imported)
        .map(|submission| {
            boxes_of(submission.id)
                .into_iter()
                .map(|stored| dataset_box(labels, stored))
                .collect()
        })
        .collect();
    let consolidated = assess(&answers)
        .boxes
        .into_iter()
        .map(|found| LabelledBox {
            label: found.label,
            bbox: [found.rect.x, found.rect.y, found.rect.w, found.rect.h],
            confidence: Some(found.confidence),
        })
        .collect();
    let submissions = record
        .submissions
        .iter()
        .map(|submission| ImageSubmission {
            worker_id: submission.worker_id.clone(),
            outcome: submission.outcome.clone(),
            note: submission.note.clone(),
            duration_ms: submission.duration_ms.map(to_u64),
            received_at: submission.received_at,
            boxes: boxes_of(submission.id)
                .into_iter()
                .map(|stored| labelled(&dataset_box(labels, stored)))
                .collect(),
            changes: submission
                .changes
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_default(),
            is_final: submission.imported,
        })
        .collect();
    Ok(ImageDetail {
        image_id,
        file_name: image.file_name.clone(),
        width: u32::try_from(image.width).unwrap_or_default(),
        height: u32::try_from(image.height).unwrap_or_default(),
        image_url: image_url(image.id, image.source_url.as_deref()),
        tiles,
        consolidated,
        submissions,
        reviewed: record.review.map(|(state, _)| state),
    })
}

/// Carries out the owner's decision about the image and gives the image as it is afterwards.
pub async fn decide(
    store: &Store,
    job: &Job,
    labels: &[String],
    image_id: u64,
    request: &ReviewRequest,
    now_ms: i64,
) -> Result<ImageDetail, ApiError> {
    let image = job_image(store, job, image_id).await?;
    if request.action != ReviewAction::Correct && !request.boxes.is_empty() {
        return Err(FieldError::new("boxes", "boxes go with the action correct").into());
    }
    match request.action {
        ReviewAction::Accept => {
            let detail = image_detail(store, job, labels, image_id).await?;
            if !detail
                .submissions
                .iter()
                .any(|submission| !submission.is_final)
            {
                return Err(FieldError::new(
                    "action",
                    format!(
                        "image {image_id} has no volunteer's answer to accept; send the action correct with \
                         your boxes instead"
                    ),
                )
                .into());
            }
            let boxes = check_corrected_boxes(&detail.consolidated, labels, &image.to_coco())?;
            rows::store_decision(store, image.id, ReviewState::Accepted, &boxes, now_ms).await?;
        }
        ReviewAction::Correct => {
            let boxes = check_corrected_boxes(&request.boxes, labels, &image.to_coco())?;
            rows::store_decision(store, image.id, ReviewState::Corrected, &boxes, now_ms).await?;
        }
        ReviewAction::Reopen => match rows::reopen(store, image.id).await? {
            Reopened::ForAnotherWorker | Reopened::ReviewUndone => {}
            Reopened::HasImportedFinal => {
                return Err(FieldError::new(
                    "action",
                    format!("image {image_id} has imported final boxes, which keep it done"),
                )
                .into())
            }
            Reopened::StillOpen => {
                return Err(FieldError::new(
                    "action",
                    format!("image {image_id} is not done yet: it is still waiting for workers"),
                )
                .into())
            }
        },
    }
    image_detail(store, job, labels, image_id).await
}

async fn job_image(
    store: &Store,
    job: &Job,
    image_id: u64,
) -> Result<crate::jobs::JobImage, ApiError> {
    let not_found = || ApiError::TaskNotFound {
        job: job.name.clone(),
        task_id: image_id,
    };
    let id = i64::try_from(image_id).map_err(|_| not_found())?;
    let mut conn = store.connect().await?;
    db::jobs::find_job_image(&mut conn, job, id)?.ok_or_else(not_found)
}

fn label_name(labels: &[String], category_id: i64) -> String {
    usize::try_from(category_id - 1)
        .ok()
        .and_then(|index| labels.get(index))
        .cloned()
        .unwrap_or_default()
}

fn dataset_box(labels: &[String], stored: &StoredBox) -> DatasetBox {
    DatasetBox {
        label: label_name(labels, stored.category_id),
        rect: ImageRect::new(stored.x, stored.y, stored.w, stored.h),
        iscrowd: false,
        confidence: None,
    }
}
