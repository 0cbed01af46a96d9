//! The owner's review of an image: its submissions as stored, and the decisions (accept, correct, reopen).
//!
//! A decision stores the final boxes as the owner's submission (`imported = 1`, worker [`OWNER_WORKER`]) with a
//! `reviews` row naming it; the `submissions_count_*` triggers then mark the image done, and exports give those
//! boxes. Reopening deletes both and asks for one more worker (`images.extra_workers`).

use crowdbox_core::owner::ReviewState;
use sha2::{Digest, Sha256};

use super::bulk::review_state;
use super::Store;

/// The worker id of the owner's final submissions.
pub const OWNER_WORKER: &str = "owner";

/// One stored submission of an image.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredSubmission {
    pub id: i64,
    pub worker_id: String,
    pub imported: bool,
    pub outcome: String,
    pub note: Option<String>,
    /// The change record as the client sent it (JSON), if it sent one.
    pub changes: Option<String>,
    pub duration_ms: Option<i64>,
    pub received_at: i64,
}

/// One stored box of an image, with the submission it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredBox {
    pub submission_id: i64,
    pub category_id: i64,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// An image's submissions in the order they came, its boxes in storage order, and its review.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageRecord {
    pub submissions: Vec<StoredSubmission>,
    pub boxes: Vec<StoredBox>,
    /// The decision and the submission holding the final boxes.
    pub review: Option<(ReviewState, i64)>,
}

pub async fn image_record(store: &Store, image_id: i64) -> Result<ImageRecord, sqlx::Error> {
    let mut conn = store.pool().acquire().await?;
    let submissions = sqlx::query_as::<_, StoredSubmission>(
        "SELECT id, worker_id, imported, outcome, note, changes, duration_ms, received_at
         FROM submissions WHERE image_id = $1 ORDER BY received_at, id",
    )
    .bind(image_id)
    .fetch_all(&mut *conn)
    .await?;
    let boxes = sqlx::query_as::<_, StoredBox>(
        "SELECT submission_id, category_id, x, y, w, h FROM annotations WHERE image_id = $1 ORDER BY id",
    )
    .bind(image_id)
    .fetch_all(&mut *conn)
    .await?;
    let review: Option<(String, i64)> =
        sqlx::query_as("SELECT state, submission_id FROM reviews WHERE image_id = $1")
            .bind(image_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(ImageRecord {
        submissions,
        boxes,
        review: review.map(|(state, submission)| (review_state(&state), submission)),
    })
}

/// Stores `boxes` (category id, `[x, y, w, h]` in natural pixels) as the image's final boxes, replacing an earlier
/// decision, in one transaction.
pub async fn store_decision(
    store: &Store,
    image_id: i64,
    state: ReviewState,
    boxes: &[(u64, [f64; 4])],
    now_ms: i64,
) -> anyhow::Result<()> {
    let mut tx = store.begin_write().await?;
    delete_decision(&mut tx, image_id).await?;
    let content = serde_json::to_vec(boxes)?;
    let submission_key = format!("owner-review:{image_id}:{now_ms}");
    let state_text = match state {
        ReviewState::Accepted => "accepted",
        ReviewState::Corrected => "corrected",
    };
    let submission_id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, received_at, imported,
                                  outcome)
         VALUES ($1, $2, $3, $4, $5, 1, 'boxed') RETURNING id",
    )
    .bind(&submission_key)
    .bind(image_id)
    .bind(OWNER_WORKER)
    .bind(hex::encode(Sha256::digest(&content)))
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    for (category_id, [x, y, w, h]) in boxes {
        sqlx::query(
            "INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(submission_id)
        .bind(image_id)
        .bind(i64::try_from(*category_id)?)
        .bind(x)
        .bind(y)
        .bind(w)
        .bind(h)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO reviews (image_id, state, submission_id, reviewed_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(image_id)
    .bind(state_text)
    .bind(submission_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What reopening an image did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reopened {
    /// The image waits for one more worker (its review, if any, is gone).
    ForAnotherWorker,
    /// Only the review was undone: the image was still short of workers.
    ReviewUndone,
    /// Imported final boxes keep the image done; nothing changed.
    HasImportedFinal,
    /// The image was neither reviewed nor done; nothing changed.
    StillOpen,
}

/// Undoes the image's review and, when it is done, asks for one more worker; all or nothing.
pub async fn reopen(store: &Store, image_id: i64) -> anyhow::Result<Reopened> {
    let mut tx = store.begin_write().await?;
    let had_review = delete_decision(&mut tx, image_id).await?;
    let (done, has_final): (bool, bool) =
        sqlx::query_as("SELECT done, has_final FROM images WHERE id = $1")
            .bind(image_id)
            .fetch_one(&mut *tx)
            .await?;
    let outcome = match (has_final, done, had_review) {
        (true, _, _) => Reopened::HasImportedFinal,
        (false, true, _) => {
            sqlx::query(
                "UPDATE images SET extra_workers = extra_workers + 1, agreed = 0 WHERE id = $1",
            )
            .bind(image_id)
            .execute(&mut *tx)
            .await?;
            Reopened::ForAnotherWorker
        }
        (false, false, true) => Reopened::ReviewUndone,
        (false, false, false) => Reopened::StillOpen,
    };
    if matches!(outcome, Reopened::HasImportedFinal | Reopened::StillOpen) {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(outcome)
}

/// Deletes the image's review and the owner's submission it names; whether there was one.
async fn delete_decision(
    tx: &mut super::WriteTransaction,
    image_id: i64,
) -> Result<bool, sqlx::Error> {
    let reviews = sqlx::query("DELETE FROM reviews WHERE image_id = $1")
        .bind(image_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    sqlx::query(
        "DELETE FROM annotations WHERE submission_id IN
             (SELECT id FROM submissions WHERE image_id = $1 AND worker_id = $2 AND imported = 1)",
    )
    .bind(image_id)
    .bind(OWNER_WORKER)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM submissions WHERE image_id = $1 AND worker_id = $2 AND imported = 1")
        .bind(image_id)
        .bind(OWNER_WORKER)
        .execute(&mut **tx)
        .await?;
    Ok(reviews > 0)
}
