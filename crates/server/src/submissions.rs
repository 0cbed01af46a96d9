//! Storing one task's result exactly once.
//!
//! The `submission_id` is an idempotency key: the same id with the same content is a replay and gets the first
//! receipt back; the same id with other content is refused. Everything one request writes is one transaction.

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::validate::{
    clip_to_image, validate_client_id, validate_report, validate_submission,
};
use crowdbox_core::wire::{Receipt, Submission};
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use crate::error::ApiError;
use crate::jobs::{self, Job};
use crate::leasing::{categories_from_json, LABELS_JSON_SQL};
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
    // A task id beyond i64 names no image; the lookup still runs for the idempotency check.
    let image_id = i64::try_from(submission.task_id).ok();
    let (job, categories, state) = request_state(&mut tx, job_name, image_id, submission)
        .await?
        .ok_or_else(|| ApiError::JobNotFound(job_name.to_owned()))?;

    let task_not_found = || ApiError::TaskNotFound {
        job: job.name.clone(),
        task_id: submission.task_id,
    };
    if let Some(earlier) = state.earlier {
        return if earlier.content_sha256 == content_sha256 {
            Ok((Outcome::Replayed, earlier.receipt))
        } else {
            Err(ApiError::SubmissionIdReused(
                submission.submission_id.clone(),
            ))
        };
    }
    let (Some(image_id), Some(image)) = (image_id, state.image.as_ref()) else {
        return Err(task_not_found());
    };
    check_lease(&mut tx, &job, image_id, submission, &state, now_ms).await?;

    let coco_image = image.to_coco();
    validate_submission(submission, &coco_image, &categories)?;
    // The origins of the change record and the verdicts must name boxes this task came with.
    validate_report(submission, Some(to_u64(state.given_boxes)))?;

    store(
        &mut tx,
        image_id,
        submission,
        &content_sha256,
        &coco_image,
        now_ms,
    )
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

/// Rows per multi-row INSERT of boxes (7 parameters each, far below SQLite's parameter limit). Statements are
/// cached per connection and text, so the shapes stay few: whole chunks plus one remainder.
const BOX_ROWS_PER_INSERT: usize = 100;

/// Writes the submission row, its boxes and the release of the lease as one multi-statement request (one round
/// trip to the connection's thread for up to 100 boxes). The triggers of migration `image_progress` update the
/// image's and the job's counts.
async fn store(
    conn: &mut SqliteConnection,
    image_id: i64,
    submission: &Submission,
    content_sha256: &str,
    image: &crowdbox_core::coco::CocoImage,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut chunks = submission.result.annotations.chunks(BOX_ROWS_PER_INSERT);
    let mut write = QueryBuilder::<Sqlite>::new(
        "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, duration_ms, received_at, \
         outcome, note, changes, verdicts) ",
    );
    write.push_values([()], |mut row, ()| {
        row.push_bind(&submission.submission_id)
            .push_bind(image_id)
            .push_bind(&submission.worker_id)
            .push_bind(content_sha256)
            .push_bind(
                submission
                    .duration_ms
                    .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)),
            )
            .push_bind(now_ms)
            .push_bind(
                submission
                    .outcome
                    .stored(submission.result.annotations.len())
                    .as_str(),
            )
            .push_bind(submission.note.as_deref())
            .push_bind(json_unless_empty(&submission.changes))
            .push_bind(json_unless_empty(&submission.verdicts));
    });
    // The submission now stands for this worker's claim on the image.
    write.push("; DELETE FROM leases WHERE image_id = ");
    write.push_bind(image_id);
    write.push(" AND worker_id = ");
    write.push_bind(&submission.worker_id);
    if let Some(first) = chunks.next() {
        write.push("; ");
        push_box_insert(&mut write, first, submission, image_id, image);
    }
    write.build().execute(&mut *conn).await?;
    for chunk in chunks {
        let mut insert = QueryBuilder::<Sqlite>::new("");
        push_box_insert(&mut insert, chunk, submission, image_id, image);
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// A record as JSON text, or NULL when it has no lines.
fn json_unless_empty<T: serde::Serialize>(lines: &[T]) -> Option<String> {
    (!lines.is_empty()).then(|| serde_json::to_string(lines).unwrap_or_default())
}

/// `INSERT INTO annotations … VALUES …` for `chunk`; the submission's row id is looked up by its unique
/// `submission_id` (a constant subquery, evaluated once per statement).
fn push_box_insert<'q>(
    query: &mut QueryBuilder<'q, Sqlite>,
    chunk: &'q [crowdbox_core::coco::CocoAnnotation],
    submission: &'q Submission,
    image_id: i64,
    image: &crowdbox_core::coco::CocoImage,
) {
    query.push("INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h) ");
    query.push_values(chunk, |mut row, annotation| {
        let [x, y, w, h] = keep_or_clip(annotation.bbox, image.width, image.height);
        row.push("(SELECT id FROM submissions WHERE submission_id = ")
            .push_bind_unseparated(&submission.submission_id)
            .push_unseparated(")")
            .push_bind(image_id)
            .push_bind(i64::try_from(annotation.category_id).unwrap_or_default())
            .push_bind(x)
            .push_bind(y)
            .push_bind(w)
            .push_bind(h);
    });
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

/// What one query tells about a submission request: the job and its categories, an earlier submission under its id, the image it names
/// (if it is the job's), whether the worker already submitted that image, and the worker's lease on it.
struct RequestState {
    earlier: Option<Earlier>,
    image: Option<jobs::JobImage>,
    already_submitted: bool,
    lease_expires_at: Option<i64>,
    /// How many boxes the task came with (its pre-annotations).
    given_boxes: i64,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    #[sqlx(flatten)]
    job: Job,
    /// The job's labels as a JSON array of `[category_id, name]`.
    labels: String,
    earlier_image_id: Option<i64>,
    earlier_sha256: Option<String>,
    earlier_received_at: Option<i64>,
    earlier_annotations: Option<i64>,
    image_id: Option<i64>,
    file_name: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    source_url: Option<String>,
    already_submitted: bool,
    lease_expires_at: Option<i64>,
    given_boxes: i64,
}

/// The job named `job_name` (`None` if there is none), its categories and the [`RequestState`], in one query.
async fn request_state(
    conn: &mut SqliteConnection,
    job_name: &str,
    image_id: Option<i64>,
    submission: &Submission,
) -> Result<Option<(Job, Vec<CocoCategory>, RequestState)>, sqlx::Error> {
    let row: Option<RequestRow> = sqlx::query_as(&format!(
        "SELECT j.id, j.name, j.instructions, j.workers_per_image, j.batch_size, j.lease_seconds, j.mode,
                j.allow_carry_forward, j.examples,
                {LABELS_JSON_SQL} AS labels,
                e.image_id AS earlier_image_id, e.content_sha256 AS earlier_sha256,
                e.received_at AS earlier_received_at,
                (SELECT COUNT(*) FROM annotations a WHERE a.submission_id = e.id) AS earlier_annotations,
                i.id AS image_id, i.file_name, i.width, i.height, i.source_url,
                EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = ?2 AND s.worker_id = ?3)
                    AS already_submitted,
                (SELECT l.expires_at FROM leases l WHERE l.image_id = ?2 AND l.worker_id = ?3)
                    AS lease_expires_at,
                (SELECT COUNT(*) FROM pre_annotations p WHERE p.image_id = i.id) AS given_boxes
         FROM jobs j
         LEFT JOIN submissions e ON e.submission_id = ?1
         LEFT JOIN images i ON i.id = ?2 AND i.job_id = j.id
         WHERE j.name = ?4"
    ))
    .bind(&submission.submission_id)
    .bind(image_id)
    .bind(&submission.worker_id)
    .bind(job_name)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let categories = categories_from_json(&row.labels, &row.job.name)?;
    let earlier = match (row.earlier_image_id, row.earlier_sha256) {
        (Some(image_id), Some(content_sha256)) => Some(Earlier {
            content_sha256,
            receipt: Receipt {
                submission_id: submission.submission_id.clone(),
                task_id: to_u64(image_id),
                annotations_stored: to_u64(row.earlier_annotations.unwrap_or_default()),
                stored_at: row.earlier_received_at.unwrap_or_default(),
            },
        }),
        _ => None,
    };
    let image = match (row.image_id, row.file_name, row.width, row.height) {
        (Some(id), Some(file_name), Some(width), Some(height)) => Some(jobs::JobImage {
            id,
            file_name,
            width,
            height,
            source_url: row.source_url,
        }),
        _ => None,
    };
    let state = RequestState {
        earlier,
        image,
        already_submitted: row.already_submitted,
        lease_expires_at: row.lease_expires_at,
        given_boxes: row.given_boxes,
    };
    Ok(Some((row.job, categories, state)))
}

/// The worker must hold a lease on the image and not have submitted it yet. A lease that ran out still counts
/// as long as nobody else needs the image meanwhile: late work is accepted rather than thrown away.
async fn check_lease(
    conn: &mut SqliteConnection,
    job: &Job,
    image_id: i64,
    submission: &Submission,
    state: &RequestState,
    now_ms: i64,
) -> Result<(), ApiError> {
    let worker_id = &submission.worker_id;
    let task_id = submission.task_id;
    if state.already_submitted {
        return Err(ApiError::TaskAlreadySubmitted {
            worker_id: worker_id.clone(),
            task_id,
        });
    }
    let Some(expires_at) = state.lease_expires_at else {
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
