//! Handing out batches of tasks.
//!
//! Rules: an image is done when it has the job's `workers_per_image` submissions; a worker never gets an image
//! it has submitted; an image is offered only while its submissions plus the other workers' unexpired leases
//! leave room; a worker who still holds unexpired, unsubmitted leases in the job gets exactly those again (a
//! reload resumes); expired leases count for nothing.

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::validate::validate_client_id;
use crowdbox_core::wire::TaskBatch;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use crate::error::ApiError;
use crate::jobs::{self, Job, JobImage, Progress};
use crate::to_u64;

/// Leases up to the job's batch size of tasks to `worker_id` at time `now_ms`, or returns the batch it holds.
pub async fn lease_batch(
    pool: &SqlitePool,
    job_name: &str,
    worker_id: &str,
    now_ms: i64,
) -> Result<TaskBatch, ApiError> {
    validate_client_id("worker_id", worker_id)?;
    let _writer = crate::write_queue().await;
    let mut tx = crate::begin_write(pool).await?;
    let (job, categories, progress) = job_overview(&mut tx, job_name)
        .await?
        .ok_or_else(|| ApiError::JobNotFound(job_name.to_owned()))?;

    let held = held_leases(&mut tx, &job, worker_id, now_ms).await?;
    let (images, lease_expires_at, job_done) =
        if let Some(expires_at) = held.iter().map(|(_, at)| *at).min() {
            (
                held.into_iter().map(|(image, _)| image).collect(),
                expires_at,
                false,
            )
        } else {
            let images = available_images(&mut tx, &job, worker_id, now_ms).await?;
            if images.is_empty() {
                match next_release(&mut tx, &job, worker_id, now_ms).await? {
                    Some(release) => (Vec::new(), release.unwrap_or(now_ms), false),
                    None => (Vec::new(), now_ms, true),
                }
            } else {
                let expires_at = now_ms.saturating_add(job.lease_seconds.saturating_mul(1000));
                insert_leases(&mut tx, &images, worker_id, now_ms, expires_at).await?;
                (images, expires_at, false)
            }
        };

    let tasks = jobs::tasks_for(&mut tx, &images).await?;
    tx.commit().await?;
    Ok(TaskBatch {
        mode: job.task_mode(),
        allow_carry_forward: job.allow_carry_forward,
        examples: job.example_images(),
        job: job.name,
        instructions: job.instructions,
        categories,
        tasks,
        lease_expires_at,
        job_done,
        images_total: progress.images_total,
        images_done: progress.images_done,
    })
}

/// The worker's unexpired, unsubmitted leases in this job, with their expiry.
async fn held_leases(
    conn: &mut SqliteConnection,
    job: &Job,
    worker_id: &str,
    now_ms: i64,
) -> Result<Vec<(JobImage, i64)>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT i.id, i.file_name, i.width, i.height, i.source_url, l.expires_at
         FROM leases l JOIN images i ON i.id = l.image_id
         WHERE i.job_id = ?1 AND l.worker_id = ?2 AND l.expires_at > ?3
           AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2)
         ORDER BY i.id",
    )
    .bind(job.id)
    .bind(worker_id)
    .bind(now_ms)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, file_name, width, height, source_url, expires_at)| {
            (
                JobImage {
                    id,
                    file_name,
                    width,
                    height,
                    source_url,
                },
                expires_at,
            )
        })
        .collect())
}

/// Up to a batch of images this worker may take now, in image id order.
async fn available_images(
    conn: &mut SqliteConnection,
    job: &Job,
    worker_id: &str,
    now_ms: i64,
) -> Result<Vec<JobImage>, sqlx::Error> {
    sqlx::query_as::<_, JobImage>(
        "SELECT i.id, i.file_name, i.width, i.height, i.source_url FROM images i
         WHERE i.job_id = ?1 AND i.done = 0
           AND (i.submission_count = 0
                OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))
           AND i.submission_count
             + (SELECT COUNT(*) FROM leases l
                WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3) < ?4
         ORDER BY i.id
         LIMIT ?5",
    )
    .bind(job.id)
    .bind(worker_id)
    .bind(now_ms)
    .bind(job.workers_per_image)
    .bind(job.batch_size)
    .fetch_all(conn)
    .await
}

/// When nothing is free for this worker: `None` if nothing ever will be (every image is done or was submitted
/// by this worker), otherwise `Some` of the time the first blocking lease of another worker runs out.
async fn next_release(
    conn: &mut SqliteConnection,
    job: &Job,
    worker_id: &str,
    now_ms: i64,
) -> Result<Option<Option<i64>>, sqlx::Error> {
    let (remaining, release): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*),
                MIN((SELECT MIN(l.expires_at) FROM leases l
                     WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3))
         FROM images i
         WHERE i.job_id = ?1 AND i.done = 0
           AND (i.submission_count = 0
                OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))",
    )
    .bind(job.id)
    .bind(worker_id)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok((remaining > 0).then_some(release))
}

/// Leases `images` to the worker in one statement (a lease of the same image that ran out is renewed).
async fn insert_leases(
    conn: &mut SqliteConnection,
    images: &[JobImage],
    worker_id: &str,
    now_ms: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO leases (image_id, worker_id, leased_at, expires_at) ",
    );
    insert.push_values(images, |mut row, image| {
        row.push_bind(image.id)
            .push_bind(worker_id)
            .push_bind(now_ms)
            .push_bind(expires_at);
    });
    insert.push(
        " ON CONFLICT (image_id, worker_id)
         DO UPDATE SET leased_at = excluded.leased_at, expires_at = excluded.expires_at",
    );
    insert.build().execute(conn).await?;
    Ok(())
}

/// The job's progress from the counters the image triggers keep (migration `image_progress`): the same figures
/// as [`jobs::progress`] without visiting the job's images.
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

#[derive(sqlx::FromRow)]
struct OverviewRow {
    #[sqlx(flatten)]
    job: Job,
    labels: String,
    images_total: i64,
    images_done: i64,
}

/// The job named `job_name` (`None` if there is none), its categories and its progress, in one query.
async fn job_overview(
    conn: &mut SqliteConnection,
    job_name: &str,
) -> Result<Option<(Job, Vec<CocoCategory>, Progress)>, sqlx::Error> {
    let row: Option<OverviewRow> = sqlx::query_as(&format!(
        "SELECT j.id, j.name, j.instructions, j.workers_per_image, j.batch_size, j.lease_seconds, j.mode,
                j.allow_carry_forward, j.examples, {LABELS_JSON_SQL} AS labels, j.images_total, j.images_done
         FROM jobs j WHERE j.name = ?"
    ))
    .bind(job_name)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        let categories = categories_from_json(&row.labels, &row.job.name)?;
        let progress = Progress {
            images_total: to_u64(row.images_total),
            images_done: to_u64(row.images_done),
        };
        Ok((row.job, categories, progress))
    })
    .transpose()
}

/// The labels of job `j` as a JSON array of `[category_id, name]` (read with [`categories_from_json`]).
pub(crate) const LABELS_JSON_SQL: &str = "(SELECT json_group_array(json_array(category_id, name)) \
     FROM (SELECT category_id, name FROM labels WHERE job_id = j.id ORDER BY category_id))";

/// The job's labels as COCO categories, as [`jobs::categories`] gives them, from [`LABELS_JSON_SQL`]'s text.
pub(crate) fn categories_from_json(
    labels: &str,
    job_name: &str,
) -> Result<Vec<CocoCategory>, sqlx::Error> {
    let mut labels: Vec<(u64, String)> =
        serde_json::from_str(labels).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    labels.sort_by_key(|(id, _)| *id);
    Ok(labels
        .into_iter()
        .map(|(id, name)| CocoCategory {
            id,
            name,
            supercategory: job_name.to_owned(),
        })
        .collect())
}
