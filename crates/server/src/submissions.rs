//! Storing one task's result exactly once.
//!
//! The `submission_id` is an idempotency key: the same id with the same content is a replay and gets the first
//! receipt back; the same id with other content is refused. The checks and writes of one submission run on the
//! [`GroupWriter`]'s thread inside a savepoint of its group transaction, so a refused submission leaves
//! nothing behind and does not disturb the others committed with it.

use crowdbox_core::validate::{clip_to_image, validate_client_id, validate_task_submission};
use crowdbox_core::wire::{Receipt, Submission};
use sha2::{Digest, Sha256};

use crate::db::write_tx::{NewSubmission, WriteTx};
use crate::db::writer::{Admission, GroupWriter};
use crate::db::JobFacts;
use crate::error::ApiError;

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
    tx: &mut WriteTx<'_>,
    pending: &PendingSubmission,
) -> Result<(Outcome, Receipt), ApiError> {
    let submission = &pending.submission;
    validate_client_id("submission_id", &submission.submission_id)?;
    validate_client_id("worker_id", &submission.worker_id)?;
    crate::limits::check_box_count(submission)?;
    let facts = tx.job(&pending.job_name)?;

    if let Some((content_sha256, receipt)) = tx.earlier_submission(&submission.submission_id)? {
        return if content_sha256 == pending.content_sha256 {
            Ok((Outcome::Replayed, receipt))
        } else {
            Err(ApiError::SubmissionIdReused(
                submission.submission_id.clone(),
            ))
        };
    }
    crate::quality::check_not_blocked(tx, &facts, &submission.worker_id)?;
    let task_not_found = || ApiError::TaskNotFound {
        job: facts.job.name.clone(),
        task_id: submission.task_id,
    };
    // A task id beyond i64 names no image.
    let image_id = i64::try_from(submission.task_id).map_err(|_| task_not_found())?;
    let (image, mut image_quality) = tx
        .job_image(facts.job.id, image_id)?
        .ok_or_else(task_not_found)?;
    check_lease(tx, &facts, image_id, submission, pending.now_ms)?;
    // The origins of the change record and the verdicts must name boxes this task came with.
    let given = tx.given_boxes(image_id)?;
    validate_task_submission(submission, &image, &facts.categories, Some(given))?;
    let boxes: Vec<(u64, [f64; 4])> = submission
        .result
        .annotations
        .iter()
        .map(|annotation| {
            (
                annotation.category_id,
                clip_to_image(annotation.bbox, image.width, image.height),
            )
        })
        .collect();
    tx.insert_submission(
        &NewSubmission {
            submission,
            image_id,
            content_sha256: &pending.content_sha256,
            outcome: submission.outcome.stored(boxes.len()).as_str(),
            changes: json_unless_empty(&submission.changes),
            verdicts: json_unless_empty(&submission.verdicts),
            received_at: pending.now_ms,
        },
        &boxes,
    )?;
    // The worker is not blocked (checked above), so this submission counts.
    image_quality.counted_submissions += 1;
    crate::quality::after_submission(
        tx,
        &facts,
        image_id,
        image_quality,
        &submission.worker_id,
        &boxes,
        pending.now_ms,
    )?;
    Ok((
        Outcome::Stored,
        Receipt {
            submission_id: submission.submission_id.clone(),
            task_id: submission.task_id,
            annotations_stored: boxes.len() as u64,
            stored_at: pending.now_ms,
        },
    ))
}

/// The worker must hold a lease on the image and not have submitted it yet. A lease that ran out still counts
/// as long as nobody else needs the image meanwhile: late work is accepted rather than thrown away.
fn check_lease(
    tx: &mut WriteTx<'_>,
    facts: &JobFacts,
    image_id: i64,
    submission: &Submission,
    now_ms: i64,
) -> Result<(), ApiError> {
    let worker_id = &submission.worker_id;
    let task_id = submission.task_id;
    let (submitted, lease_expiry) = tx.worker_on_image(image_id, worker_id)?;
    if submitted {
        return Err(ApiError::TaskAlreadySubmitted {
            worker_id: worker_id.clone(),
            task_id,
        });
    }
    let Some(expires_at) = lease_expiry else {
        return Err(ApiError::TaskNotLeased(format!(
            "task {task_id} is not leased to worker {worker_id:?}; ask for a batch first"
        )));
    };
    if expires_at > now_ms {
        return Ok(());
    }
    if tx.room_left(image_id, worker_id, now_ms, facts.job.workers_per_image)? <= 0 {
        return Err(ApiError::TaskNotLeased(format!(
            "the lease of worker {worker_id:?} on task {task_id} expired and the image went to another worker"
        )));
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
