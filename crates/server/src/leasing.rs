//! Handing out batches of tasks.
//!
//! Rules: an image is done when it has the job's `workers_per_image` submissions; a worker never gets an image
//! it has submitted; an image is offered only while its submissions plus the other workers' unexpired leases
//! leave room; a worker who still holds unexpired, unsubmitted leases in the job gets exactly those again (a
//! reload resumes); expired leases count for nothing.
//!
//! A lease request runs on the [`GroupWriter`]'s thread inside a savepoint of its group transaction, like a
//! submission.

use crowdbox_core::coco::CocoAnnotation;
use crowdbox_core::validate::validate_client_id;
use crowdbox_core::wire::{Task, TaskBatch};
use rusqlite::{params, Connection, OptionalExtension};
use sqlx::SqliteConnection;

use crate::error::ApiError;
use crate::group_writer::{Admission, GroupWriter, JobFacts, JobsSeen};
use crate::jobs::{Job, JobImage, Progress};
use crate::to_u64;

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
    conn: &Connection,
    jobs: &mut JobsSeen,
    pending: &PendingLease,
) -> Result<TaskBatch, ApiError> {
    let job = jobs.find(conn, &pending.job_name)?;
    let (worker_id, now_ms) = (pending.worker_id.as_str(), pending.now_ms);
    let progress = job_progress(conn, job.id)?;

    let held = held_leases(conn, job, worker_id, now_ms)?;
    let (images, lease_expires_at, job_done) =
        if let Some(expires_at) = held.iter().map(|(_, at)| *at).min() {
            (
                held.into_iter().map(|(image, _)| image).collect(),
                expires_at,
                false,
            )
        } else {
            let images = available_images(conn, job, worker_id, now_ms)?;
            if images.is_empty() {
                match next_release(conn, job, worker_id, now_ms)? {
                    Some(release) => (Vec::new(), release.unwrap_or(now_ms), false),
                    None => (Vec::new(), now_ms, true),
                }
            } else {
                let expires_at = now_ms.saturating_add(job.lease_seconds.saturating_mul(1000));
                insert_leases(conn, &images, worker_id, now_ms, expires_at)?;
                (images, expires_at, false)
            }
        };

    let tasks = tasks_for(conn, &images)?;
    Ok(TaskBatch {
        mode: job.mode,
        allow_carry_forward: job.allow_carry_forward,
        examples: job.examples.clone(),
        job: job.name.clone(),
        instructions: job.instructions.clone(),
        categories: job.categories.clone(),
        tasks,
        lease_expires_at,
        job_done,
        images_total: progress.images_total,
        images_done: progress.images_done,
    })
}

fn job_image(row: &rusqlite::Row<'_>) -> rusqlite::Result<JobImage> {
    Ok(JobImage {
        id: row.get(0)?,
        file_name: row.get(1)?,
        width: row.get(2)?,
        height: row.get(3)?,
        source_url: row.get(4)?,
    })
}

/// The worker's unexpired, unsubmitted leases in this job, with their expiry.
fn held_leases(
    conn: &Connection,
    job: &JobFacts,
    worker_id: &str,
    now_ms: i64,
) -> rusqlite::Result<Vec<(JobImage, i64)>> {
    conn.prepare_cached(
        "SELECT i.id, i.file_name, i.width, i.height, i.source_url, l.expires_at
         FROM leases l JOIN images i ON i.id = l.image_id
         WHERE i.job_id = ?1 AND l.worker_id = ?2 AND l.expires_at > ?3
           AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2)
         ORDER BY i.id",
    )?
    .query_map(params![job.id, worker_id, now_ms], |row| {
        Ok((job_image(row)?, row.get(5)?))
    })?
    .collect()
}

/// Up to a batch of images this worker may take now, in image id order.
fn available_images(
    conn: &Connection,
    job: &JobFacts,
    worker_id: &str,
    now_ms: i64,
) -> rusqlite::Result<Vec<JobImage>> {
    conn.prepare_cached(
        "SELECT i.id, i.file_name, i.width, i.height, i.source_url FROM images i
         WHERE i.job_id = ?1 AND i.done = 0
           AND (i.submission_count = 0
                OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))
           AND i.submission_count
             + (SELECT COUNT(*) FROM leases l
                WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3) < ?4
         ORDER BY i.id
         LIMIT ?5",
    )?
    .query_map(
        params![
            job.id,
            worker_id,
            now_ms,
            job.workers_per_image,
            job.batch_size
        ],
        job_image,
    )?
    .collect()
}

/// When nothing is free for this worker: `None` if nothing ever will be (every image is done or was submitted
/// by this worker), otherwise `Some` of the time the first blocking lease of another worker runs out.
fn next_release(
    conn: &Connection,
    job: &JobFacts,
    worker_id: &str,
    now_ms: i64,
) -> rusqlite::Result<Option<Option<i64>>> {
    let (remaining, release): (i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT COUNT(*),
                    MIN((SELECT MIN(l.expires_at) FROM leases l
                         WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3))
             FROM images i
             WHERE i.job_id = ?1 AND i.done = 0
               AND (i.submission_count = 0
                    OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))",
        )?
        .query_row(params![job.id, worker_id, now_ms], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    Ok((remaining > 0).then_some(release))
}

/// Leases `images` to the worker (a lease of the same image that ran out is renewed).
fn insert_leases(
    conn: &Connection,
    images: &[JobImage],
    worker_id: &str,
    now_ms: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO leases (image_id, worker_id, leased_at, expires_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (image_id, worker_id)
         DO UPDATE SET leased_at = excluded.leased_at, expires_at = excluded.expires_at",
    )?;
    for image in images {
        insert.execute(params![image.id, worker_id, now_ms, expires_at])?;
    }
    Ok(())
}

/// The tasks for `images`, each with its pre-annotations (boxes imported with `--as pre`) as
/// `initial_annotations`, ids 1..n per task.
fn tasks_for(conn: &Connection, images: &[JobImage]) -> rusqlite::Result<Vec<Task>> {
    let mut pre_annotations = conn.prepare_cached(
        "SELECT category_id, x, y, w, h, iscrowd FROM pre_annotations WHERE image_id = ?1 ORDER BY id",
    )?;
    let mut tasks = Vec::with_capacity(images.len());
    for image in images {
        let mut task = image.to_task();
        let image_id = task.image.id;
        let mut rows = pre_annotations.query([image.id])?;
        let mut id = 0;
        while let Some(row) = rows.next()? {
            id += 1;
            let (w, h): (f64, f64) = (row.get(3)?, row.get(4)?);
            task.initial_annotations.push(CocoAnnotation {
                id,
                image_id,
                category_id: to_u64(row.get(0)?),
                bbox: [row.get(1)?, row.get(2)?, w, h],
                area: w * h,
                iscrowd: u8::from(row.get::<_, bool>(5)?),
            });
        }
        tasks.push(task);
    }
    Ok(tasks)
}

/// The job's progress from the counters the image triggers keep (migration `image_progress`).
fn job_progress(conn: &Connection, job_id: i64) -> rusqlite::Result<Progress> {
    let (total, done): (i64, i64) = conn
        .prepare_cached("SELECT images_total, images_done FROM jobs WHERE id = ?1")?
        .query_row([job_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .unwrap_or_default();
    Ok(Progress {
        images_total: to_u64(total),
        images_done: to_u64(done),
    })
}

/// The job's progress from the counters the image triggers keep (migration `image_progress`): the same figures
/// as [`crate::jobs::progress`] without visiting the job's images.
pub async fn progress(conn: &mut SqliteConnection, job: &Job) -> Result<Progress, sqlx::Error> {
    let (total, done): (i64, i64) =
        sqlx::query_as("SELECT images_total, images_done FROM jobs WHERE id = ?")
            .bind(job.id)
            .fetch_one(conn)
            .await?;
    Ok(Progress {
        images_total: to_u64(total),
        images_done: to_u64(done),
    })
}
