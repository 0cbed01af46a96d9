//! The owner's review of an image: its submissions as stored, and the decisions (accept, correct, reopen).
//!
//! A decision stores the final boxes as the owner's submission (`imported = 1`, worker [`OWNER_WORKER`]) with a
//! `reviews` row naming it; the `submissions_count_*` triggers then mark the image done, and exports give those
//! boxes. Reopening deletes both and asks for one more worker (`images.extra_workers`).

use crowdbox_core::owner::ReviewState;
use sha2::{Digest, Sha256};

use super::bulk::review_state;
use super::sql::{Conn, DbError};
use super::Store;
use crate::params;

/// The worker id of the owner's final submissions.
pub const OWNER_WORKER: &str = "owner";

/// One stored submission of an image.
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Copy, Debug, PartialEq)]
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

pub async fn image_record(store: &Store, image_id: i64) -> Result<ImageRecord, DbError> {
    let mut conn = store.connect().await?;
    let submissions = conn.rows(
        "SELECT id, worker_id, imported, outcome, note, changes, duration_ms, received_at
         FROM submissions WHERE image_id = ?1 ORDER BY received_at, id",
        params![image_id],
        |row| {
            Ok(StoredSubmission {
                id: row.get(0)?,
                worker_id: row.get(1)?,
                imported: row.get(2)?,
                outcome: row.get(3)?,
                note: row.get(4)?,
                changes: row.get(5)?,
                duration_ms: row.get(6)?,
                received_at: row.get(7)?,
            })
        },
    )?;
    let boxes = conn.rows(
        "SELECT submission_id, category_id, x, y, w, h FROM annotations WHERE image_id = ?1 ORDER BY id",
        params![image_id],
        |row| {
            Ok(StoredBox {
                submission_id: row.get(0)?,
                category_id: row.get(1)?,
                x: row.get(2)?,
                y: row.get(3)?,
                w: row.get(4)?,
                h: row.get(5)?,
            })
        },
    )?;
    let review: Option<(String, i64)> = conn.row(
        "SELECT state, submission_id FROM reviews WHERE image_id = ?1",
        params![image_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
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
    delete_decision(&mut tx, image_id)?;
    let content = serde_json::to_vec(boxes)?;
    let content_sha256 = hex::encode(Sha256::digest(&content));
    let submission_key = format!("owner-review:{image_id}:{now_ms}");
    let state_text = match state {
        ReviewState::Accepted => "accepted",
        ReviewState::Corrected => "corrected",
    };
    let submission_id: i64 = tx.value(
        "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, received_at, imported,
                                  outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, 'boxed') RETURNING id",
        params![&submission_key, image_id, OWNER_WORKER, &content_sha256, now_ms],
    )?;
    for (category_id, [x, y, w, h]) in boxes {
        tx.execute(
            "INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![submission_id, image_id, *category_id, *x, *y, *w, *h],
        )?;
    }
    tx.execute(
        "INSERT INTO reviews (image_id, state, submission_id, reviewed_at) VALUES (?1, ?2, ?3, ?4)",
        params![image_id, state_text, submission_id, now_ms],
    )?;
    tx.commit()?;
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
    let had_review = delete_decision(&mut tx, image_id)?;
    let (done, has_final): (bool, bool) = tx.one(
        "SELECT done, has_final FROM images WHERE id = ?1",
        params![image_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let outcome = match (has_final, done, had_review) {
        (true, _, _) => Reopened::HasImportedFinal,
        (false, true, _) => {
            tx.execute(
                "UPDATE images SET extra_workers = extra_workers + 1, agreed = 0 WHERE id = ?1",
                params![image_id],
            )?;
            Reopened::ForAnotherWorker
        }
        (false, false, true) => Reopened::ReviewUndone,
        (false, false, false) => Reopened::StillOpen,
    };
    if matches!(outcome, Reopened::HasImportedFinal | Reopened::StillOpen) {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    Ok(outcome)
}

/// Deletes the image's review and the owner's submission it names; whether there was one.
fn delete_decision(conn: &mut Conn, image_id: i64) -> Result<bool, DbError> {
    let reviews = conn.execute("DELETE FROM reviews WHERE image_id = ?1", params![image_id])?;
    conn.execute(
        "DELETE FROM annotations WHERE submission_id IN
             (SELECT id FROM submissions WHERE image_id = ?1 AND worker_id = ?2 AND imported = 1)",
        params![image_id, OWNER_WORKER],
    )?;
    conn.execute(
        "DELETE FROM submissions WHERE image_id = ?1 AND worker_id = ?2 AND imported = 1",
        params![image_id, OWNER_WORKER],
    )?;
    Ok(reviews > 0)
}
