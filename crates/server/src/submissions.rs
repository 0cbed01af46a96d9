//! Storing one task's result exactly once.
//!
//! The `submission_id` is an idempotency key: the same id with the same content is a replay and gets the first
//! receipt back; the same id with other content is refused. The checks and writes of one submission run on the
//! [`GroupWriter`]'s thread inside a savepoint of its group transaction, so a refused submission leaves
//! nothing behind and does not disturb the others committed with it.

use crowdbox_core::coco::CocoImage;
use crowdbox_core::validate::{clip_to_image, validate_client_id, validate_task_submission};
use crowdbox_core::wire::{Receipt, Submission};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::group_writer::{Admission, GroupWriter, JobFacts, JobsSeen};
use crate::to_u64;

/// Whether the receipt is for a submission stored just now or for a replay of an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    Replayed,
}

/// Hands the submission to the writer and waits until the group transaction that holds it has committed (or
/// it was refused). The content hash is computed here, off the writer's thread.
pub async fn submit(
    writer: &GroupWriter,
    admission: Admission,
    submission: Submission,
) -> Result<(Outcome, Receipt), ApiError> {
    let content_sha256 = content_hash(&admission.job_name, &submission);
    let pending = PendingSubmission {
        job_name: admission.job_name.clone(),
        submission,
        content_sha256,
        now_ms: admission.now_ms,
    };
    writer.submit(admission, pending).await
}

/// A submission on its way to the writer.
pub(crate) struct PendingSubmission {
    job_name: String,
    submission: Submission,
    /// See [`content_hash`].
    content_sha256: String,
    now_ms: i64,
}

/// Checks `pending` against the database and stores it. Runs inside a savepoint that the caller releases
/// when this returns [`Outcome::Stored`] and rolls back otherwise.
pub(crate) fn store_one(
    conn: &Connection,
    jobs: &mut JobsSeen,
    pending: &PendingSubmission,
) -> Result<(Outcome, Receipt), ApiError> {
    let submission = &pending.submission;
    validate_client_id("submission_id", &submission.submission_id)?;
    validate_client_id("worker_id", &submission.worker_id)?;
    crate::limits::check_box_count(submission)?;
    let job = jobs.find(conn, &pending.job_name)?;

    if let Some((content_sha256, receipt)) = earlier(conn, submission)? {
        return if content_sha256 == pending.content_sha256 {
            Ok((Outcome::Replayed, receipt))
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
    // A task id beyond i64 names no image.
    let image_id = i64::try_from(submission.task_id).map_err(|_| task_not_found())?;
    let image = job_image(conn, job, image_id)?.ok_or_else(task_not_found)?;
    check_lease(conn, job, image_id, submission, pending.now_ms)?;
    // The origins of the change record and the verdicts must name boxes this task came with.
    let given = given_boxes(conn, image_id)?;
    validate_task_submission(submission, &image, &job.categories, Some(given))?;
    insert(conn, image_id, pending, &image)?;
    Ok((
        Outcome::Stored,
        Receipt {
            submission_id: submission.submission_id.clone(),
            task_id: submission.task_id,
            annotations_stored: submission.result.annotations.len() as u64,
            stored_at: pending.now_ms,
        },
    ))
}

/// The content hash and receipt of an earlier submission under the same id, if there is one.
fn earlier(
    conn: &Connection,
    submission: &Submission,
) -> rusqlite::Result<Option<(String, Receipt)>> {
    conn.prepare_cached(
        "SELECT s.image_id, s.content_sha256, s.received_at,
                (SELECT COUNT(*) FROM annotations a WHERE a.submission_id = s.id)
         FROM submissions s WHERE s.submission_id = ?1",
    )?
    .query_row([&submission.submission_id], |row| {
        Ok((
            row.get::<_, String>(1)?,
            Receipt {
                submission_id: submission.submission_id.clone(),
                task_id: to_u64(row.get(0)?),
                annotations_stored: to_u64(row.get(3)?),
                stored_at: row.get(2)?,
            },
        ))
    })
    .optional()
}

fn job_image(
    conn: &Connection,
    job: &JobFacts,
    image_id: i64,
) -> rusqlite::Result<Option<CocoImage>> {
    conn.prepare_cached(
        "SELECT file_name, width, height FROM images WHERE id = ?1 AND job_id = ?2",
    )?
    .query_row([image_id, job.id], |row| {
        Ok(CocoImage {
            id: to_u64(image_id),
            file_name: row.get(0)?,
            width: u32::try_from(row.get::<_, i64>(1)?).unwrap_or_default(),
            height: u32::try_from(row.get::<_, i64>(2)?).unwrap_or_default(),
            license: None,
            date_captured: None,
            outcomes: Default::default(),
        })
    })
    .optional()
}

/// How many boxes the task came with (its pre-annotations).
fn given_boxes(conn: &Connection, image_id: i64) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT COUNT(*) FROM pre_annotations WHERE image_id = ?1")?
        .query_row([image_id], |row| row.get(0))
        .map(to_u64)
}

/// The worker must hold a lease on the image and not have submitted it yet. A lease that ran out still counts
/// as long as nobody else needs the image meanwhile: late work is accepted rather than thrown away.
fn check_lease(
    conn: &Connection,
    job: &JobFacts,
    image_id: i64,
    submission: &Submission,
    now_ms: i64,
) -> Result<(), ApiError> {
    let worker_id = &submission.worker_id;
    let task_id = submission.task_id;
    let already_submitted = conn
        .prepare_cached("SELECT 1 FROM submissions WHERE image_id = ?1 AND worker_id = ?2")?
        .exists(params![image_id, worker_id])?;
    if already_submitted {
        return Err(ApiError::TaskAlreadySubmitted {
            worker_id: worker_id.clone(),
            task_id,
        });
    }
    let expires_at: Option<i64> = conn
        .prepare_cached("SELECT expires_at FROM leases WHERE image_id = ?1 AND worker_id = ?2")?
        .query_row(params![image_id, worker_id], |row| row.get(0))
        .optional()?;
    let Some(expires_at) = expires_at else {
        return Err(ApiError::TaskNotLeased(format!(
            "task {task_id} is not leased to worker {worker_id:?}; ask for a batch first"
        )));
    };
    if expires_at > now_ms {
        return Ok(());
    }
    let taken: i64 = conn
        .prepare_cached(
            "SELECT (SELECT COUNT(*) FROM submissions WHERE image_id = ?1)
                  + (SELECT COUNT(*) FROM leases WHERE image_id = ?1 AND worker_id <> ?2 AND expires_at > ?3)",
        )?
        .query_row(params![image_id, worker_id, now_ms], |row| row.get(0))?;
    if taken >= job.workers_per_image {
        return Err(ApiError::TaskNotLeased(format!(
            "the lease of worker {worker_id:?} on task {task_id} expired and the image went to another worker"
        )));
    }
    Ok(())
}

/// Writes the submission row and its boxes and releases the lease. The triggers of migration `image_progress`
/// update the image's and the job's counts.
fn insert(
    conn: &Connection,
    image_id: i64,
    pending: &PendingSubmission,
    image: &CocoImage,
) -> rusqlite::Result<()> {
    let submission = &pending.submission;
    conn.prepare_cached(
        "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, duration_ms, received_at,
                                  outcome, note, changes, verdicts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        submission.submission_id,
        image_id,
        submission.worker_id,
        pending.content_sha256,
        submission
            .duration_ms
            .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)),
        pending.now_ms,
        submission
            .outcome
            .stored(submission.result.annotations.len())
            .as_str(),
        submission.note,
        json_unless_empty(&submission.changes),
        json_unless_empty(&submission.verdicts),
    ])?;
    let row_id = conn.last_insert_rowid();
    // The submission now stands for this worker's claim on the image.
    conn.prepare_cached("DELETE FROM leases WHERE image_id = ?1 AND worker_id = ?2")?
        .execute(params![image_id, submission.worker_id])?;
    let mut insert_box = conn.prepare_cached(
        "INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for annotation in &submission.result.annotations {
        let [x, y, w, h] = clip_to_image(annotation.bbox, image.width, image.height);
        insert_box.execute(params![
            row_id,
            image_id,
            i64::try_from(annotation.category_id).unwrap_or_default(),
            x,
            y,
            w,
            h
        ])?;
    }
    Ok(())
}

/// A record as JSON text, or NULL when it has no lines.
fn json_unless_empty<T: serde::Serialize>(lines: &[T]) -> Option<String> {
    (!lines.is_empty()).then(|| serde_json::to_string(lines).unwrap_or_default())
}

/// SHA-256 of the job name and the submission's canonical JSON (serde writes struct fields in declaration
/// order, so equal submissions hash equally whatever key order the client used).
fn content_hash(job_name: &str, submission: &Submission) -> String {
    let canonical = serde_json::to_vec(&(job_name, submission)).unwrap_or_default();
    hex::encode(Sha256::digest(&canonical))
}
