//! Storing one task's result exactly once.
//!
//! The `submission_id` is an idempotency key: the same id with the same content is a replay and gets the first
//! receipt back; the same id with other content is refused. Everything one request writes is one transaction.

use crowdbox_core::validate::{clip_to_image, validate_client_id, validate_submission};
use crowdbox_core::wire::{Receipt, Submission};
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};

use crate::error::ApiError;
use crate::jobs::{self, Job};
use crate::to_u64;

/// Whether the receipt is for a submission stored just now or for a replay of an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    Replayed,
}

pub async fn submit(
    pool: &SqlitePool,
    job_name: &str,
    submission: &Submission,
    now_ms: i64,
) -> Result<(Outcome, Receipt), ApiError> {
    validate_client_id("submission_id", &submission.submission_id)?;
    validate_client_id("worker_id", &submission.worker_id)?;
    crate::limits::check_box_count(submission)?;
    let content_sha256 = content_hash(job_name, submission);

    let _writer = crate::write_queue().await;
    let mut tx = crate::begin_write(pool).await?;
    let job = jobs::find_job(&mut tx, job_name)
        .await?
        .ok_or_else(|| ApiError::JobNotFound(job_name.to_owned()))?;

    if let Some(earlier) = earlier_submission(&mut tx, &submission.submission_id).await? {
        return if earlier.content_sha256 == content_sha256 {
            Ok((Outcome::Replayed, earlier.receipt))
        } else {
            Err(ApiError::SubmissionIdReused(
                submission.submission_id.clone(),
            ))
        };
    }

    let task_not_found = || ApiError::TaskNotFound {
        job: job.name.clone(),
        task_id: submission.task_id,
    };
    let image_id = i64::try_from(submission.task_id).map_err(|_| task_not_found())?;
    let image = jobs::find_job_image(&mut tx, &job, image_id)
        .await?
        .ok_or_else(task_not_found)?;
    check_lease(&mut tx, &job, image_id, submission, now_ms).await?;

    let coco_image = image.to_coco();
    let categories = jobs::categories(&mut tx, &job).await?;
    validate_submission(submission, &coco_image, &categories)?;

    let row_id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, duration_ms, received_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&submission.submission_id)
    .bind(image_id)
    .bind(&submission.worker_id)
    .bind(&content_sha256)
    .bind(submission.duration_ms.map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)))
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    for annotation in &submission.result.annotations {
        let [x, y, w, h] = keep_or_clip(annotation.bbox, coco_image.width, coco_image.height);
        sqlx::query(
            "INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(row_id)
        .bind(image_id)
        .bind(i64::try_from(annotation.category_id).unwrap_or_default())
        .bind(x)
        .bind(y)
        .bind(w)
        .bind(h)
        .execute(&mut *tx)
        .await?;
    }
    // The submission now stands for this worker's claim on the image.
    sqlx::query("DELETE FROM leases WHERE image_id = ? AND worker_id = ?")
        .bind(image_id)
        .bind(&submission.worker_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    Ok((
        Outcome::Stored,
        Receipt {
            submission_id: submission.submission_id.clone(),
            task_id: submission.task_id,
            annotations_stored: submission.result.annotations.len() as u64,
            stored_at: now_ms,
        },
    ))
}

/// The box as sent when it lies inside the image, else clipped to it. (Clipping goes through the corners, and
/// `x + w - x` is not always `w` in floating point: a box inside the image is stored bit for bit.)
fn keep_or_clip(bbox: [f64; 4], width: u32, height: u32) -> [f64; 4] {
    let [x, y, w, h] = bbox;
    let inside = x >= 0.0 && y >= 0.0 && x + w <= f64::from(width) && y + h <= f64::from(height);
    if inside {
        bbox
    } else {
        clip_to_image(bbox, width, height)
    }
}

/// SHA-256 of the job name and the submission's canonical JSON (serde writes struct fields in declaration
/// order, so equal submissions hash equally whatever key order the client used).
fn content_hash(job_name: &str, submission: &Submission) -> String {
    let canonical = serde_json::to_vec(&(job_name, submission)).unwrap_or_default();
    hex::encode(Sha256::digest(&canonical))
}

struct Earlier {
    content_sha256: String,
    receipt: Receipt,
}

async fn earlier_submission(
    conn: &mut SqliteConnection,
    submission_id: &str,
) -> Result<Option<Earlier>, sqlx::Error> {
    let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT s.image_id, s.content_sha256, s.received_at,
                (SELECT COUNT(*) FROM annotations a WHERE a.submission_id = s.id)
         FROM submissions s WHERE s.submission_id = ?",
    )
    .bind(submission_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(image_id, content_sha256, received_at, annotations)| Earlier {
            content_sha256,
            receipt: Receipt {
                submission_id: submission_id.to_owned(),
                task_id: to_u64(image_id),
                annotations_stored: to_u64(annotations),
                stored_at: received_at,
            },
        },
    ))
}

/// The worker must hold a lease on the image and not have submitted it yet. A lease that ran out still counts
/// as long as nobody else needs the image meanwhile: late work is accepted rather than thrown away.
async fn check_lease(
    conn: &mut SqliteConnection,
    job: &Job,
    image_id: i64,
    submission: &Submission,
    now_ms: i64,
) -> Result<(), ApiError> {
    let worker_id = &submission.worker_id;
    let task_id = submission.task_id;
    let already: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM submissions WHERE image_id = ? AND worker_id = ?")
            .bind(image_id)
            .bind(worker_id)
            .fetch_optional(&mut *conn)
            .await?;
    if already.is_some() {
        return Err(ApiError::TaskAlreadySubmitted {
            worker_id: worker_id.clone(),
            task_id,
        });
    }
    let expires_at: Option<i64> =
        sqlx::query_scalar("SELECT expires_at FROM leases WHERE image_id = ? AND worker_id = ?")
            .bind(image_id)
            .bind(worker_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(expires_at) = expires_at else {
        return Err(ApiError::TaskNotLeased(format!(
            "task {task_id} is not leased to worker {worker_id:?}; ask for a batch first"
        )));
    };
    if expires_at > now_ms {
        return Ok(());
    }
    let (taken,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM submissions WHERE image_id = ?1)
              + (SELECT COUNT(*) FROM leases WHERE image_id = ?1 AND worker_id <> ?2 AND expires_at > ?3)",
    )
    .bind(image_id)
    .bind(worker_id)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?;
    if taken >= job.workers_per_image {
        return Err(ApiError::TaskNotLeased(format!(
            "the lease of worker {worker_id:?} on task {task_id} expired and the image went to another worker"
        )));
    }
    Ok(())
}
