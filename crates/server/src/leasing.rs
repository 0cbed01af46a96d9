//! Handing out batches of tasks.
//!
//! Rules: an image is done when it has the job's `workers_per_image` counted submissions (or, in an adaptive
//! job, when they agree: see [`crate::quality`]); a blocked worker gets nothing; a worker never gets an image
//! it has submitted; an image is offered only while its submissions plus the other workers' unexpired leases
//! leave room; a worker who still holds unexpired, unsubmitted leases in the job gets exactly those again (a
//! reload resumes); expired leases count for nothing.
//!
//! A lease request runs on the [`GroupWriter`]'s thread inside a savepoint of its group transaction, like a
//! submission.

use crowdbox_core::validate::validate_client_id;
use crowdbox_core::wire::TaskBatch;

use crate::db::write_tx::WriteTx;
use crate::db::writer::{Admission, GroupWriter};
use crate::error::ApiError;

/// A lease request on its way to the writer.
pub(crate) struct PendingLease {
    job_name: String,
    worker_id: String,
    now_ms: i64,
}

/// Leases up to the job's batch size of tasks to the admitted worker, or returns the batch it holds.
pub async fn lease_batch(
    writer: &GroupWriter,
    admission: Admission,
) -> Result<TaskBatch, ApiError> {
    validate_client_id("worker_id", &admission.worker_id)?;
    let pending = PendingLease {
        job_name: admission.job_name.clone(),
        worker_id: admission.worker_id.clone(),
        now_ms: admission.now_ms,
    };
    writer.lease(admission, pending).await
}

/// [`lease_batch`]'s work, inside the group transaction.
pub(crate) fn lease_one(
    tx: &mut WriteTx<'_>,
    pending: &PendingLease,
) -> Result<TaskBatch, ApiError> {
    let facts = tx.job(&pending.job_name)?;
    let job = &facts.job;
    let (worker_id, now_ms) = (pending.worker_id.as_str(), pending.now_ms);
    crate::quality::check_not_blocked(tx, &facts, worker_id)?;
    let progress = tx.progress(job.id)?;

    let held = tx.held_leases(job.id, worker_id, now_ms)?;
    let (images, lease_expires_at, job_done) =
        if let Some(expires_at) = held.iter().map(|(_, at)| *at).min() {
            (
                held.into_iter().map(|(image, _)| image).collect(),
                expires_at,
                false,
            )
        } else {
            let images = crate::quality::batch_images(tx, &facts, worker_id, now_ms)?;
            if images.is_empty() {
                // Nothing free now: the job is over for this worker when nothing ever will be (every image is
                // done or was submitted by it), else come back when the first blocking lease runs out.
                match tx.remaining_for(job.id, worker_id, now_ms)? {
                    (0, _) => (Vec::new(), now_ms, true),
                    (_, release) => (Vec::new(), release.unwrap_or(now_ms), false),
                }
            } else {
                let expires_at = now_ms.saturating_add(job.lease_seconds.saturating_mul(1000));
                tx.insert_leases(&images, worker_id, now_ms, expires_at)?;
                (images, expires_at, false)
            }
        };

    // Each task starts with the image's pre-annotations (boxes imported with `--as pre`) and has its tile
    // pyramid when the image is huge.
    let ids: Vec<i64> = images.iter().map(|image| image.id).collect();
    let mut pre_annotations = tx.pre_annotations(&ids)?;
    let mut pyramids = tx.tile_pyramids(&ids)?;
    let tasks = images
        .iter()
        .map(|image| {
            let mut task = image.to_task();
            task.initial_annotations = pre_annotations.remove(&image.id).unwrap_or_default();
            task.tiles = pyramids.remove(&image.id);
            task
        })
        .collect();
    Ok(TaskBatch {
        mode: job.mode,
        allow_carry_forward: job.allow_carry_forward,
        examples: facts.examples.clone(),
        job: job.name.clone(),
        instructions: job.instructions.clone(),
        categories: facts.categories.clone(),
        tasks,
        lease_expires_at,
        job_done,
        images_total: progress.images_total,
        images_done: progress.images_done,
    })
}
