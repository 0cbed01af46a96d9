//! What quality control reads and writes inside the writer's group transaction: gold images and their known
//! boxes, gold results, agreement rows, blocked workers and adaptive verdicts (migration `quality`).

use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::{MatchCounts, WorkerEvidence};
use rusqlite::{params, Connection, OptionalExtension};

use super::jobs::JobImage;
use super::to_u64;
use super::write_tx::{job_image, WriteTx};

/// An image's part in quality control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageQuality {
    pub is_gold: bool,
    /// Its counted submissions (a blocked worker's do not count).
    pub counted_submissions: i64,
}

impl WriteTx<'_> {
    /// Whether the job has blocked the worker.
    pub fn is_blocked(&self, job_id: i64, worker_id: &str) -> rusqlite::Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM blocked_workers WHERE job_id = ?1 AND worker_id = ?2")?
            .exists(params![job_id, worker_id])
    }

    /// Up to `limit` gold images of the job this worker has not submitted and does not hold, in id order.
    pub fn gold_candidates(
        &self,
        job_id: i64,
        worker_id: &str,
        now_ms: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<JobImage>> {
        self.conn
            .prepare_cached(
                "SELECT i.id, i.file_name, i.width, i.height, i.source_url FROM images i
                 WHERE i.job_id = ?1 AND i.is_gold = 1
                   AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2)
                   AND NOT EXISTS (SELECT 1 FROM leases l
                                   WHERE l.image_id = i.id AND l.worker_id = ?2 AND l.expires_at > ?3)
                 ORDER BY i.id LIMIT ?4",
            )?
            .query_map(
                params![job_id, worker_id, now_ms, i64::try_from(limit).unwrap_or(i64::MAX)],
                job_image,
            )?
            .collect()
    }

    /// How many tasks of the job the worker has submitted, and how many of them were gold.
    pub fn submitted_counts(&self, job_id: i64, worker_id: &str) -> rusqlite::Result<(u64, u64)> {
        self.conn
            .prepare_cached(
                "SELECT COUNT(*), COALESCE(SUM(i.is_gold), 0) FROM submissions s
                 JOIN images i ON i.id = s.image_id
                 WHERE s.worker_id = ?1 AND i.job_id = ?2",
            )?
            .query_row(params![worker_id, job_id], |row| {
                Ok((to_u64(row.get(0)?), to_u64(row.get(1)?)))
            })
    }

    /// A gold image's known boxes, labelled by category id.
    pub fn gold_boxes(&self, image_id: i64) -> rusqlite::Result<Vec<DatasetBox>> {
        self.conn
            .prepare_cached(
                "SELECT category_id, x, y, w, h, iscrowd FROM gold_boxes WHERE image_id = ?1 ORDER BY id",
            )?
            .query_map([image_id], dataset_box)?
            .collect()
    }

    pub fn insert_gold_result(
        &self,
        image_id: i64,
        job_id: i64,
        worker_id: &str,
        counts: &MatchCounts,
    ) -> rusqlite::Result<()> {
        insert_counts(
            self.conn,
            "gold_results",
            (image_id, job_id, worker_id),
            counts,
        )
    }

    /// The sums of the worker's gold results and agreement rows in the job.
    pub fn worker_evidence(
        &self,
        job_id: i64,
        worker_id: &str,
    ) -> rusqlite::Result<WorkerEvidence> {
        evidence(self.conn, job_id, worker_id)
    }

    /// Each counted submission of the image (a volunteer's, not imported or the owner's, not by a blocked
    /// worker) with its boxes labelled by category id, in submission order.
    pub fn counted_submissions(
        &self,
        job_id: i64,
        image_id: i64,
    ) -> rusqlite::Result<Vec<(String, Vec<DatasetBox>)>> {
        let submissions: Vec<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT s.id, s.worker_id FROM submissions s
                 WHERE s.image_id = ?1 AND s.imported = 0
                   AND NOT EXISTS (SELECT 1 FROM blocked_workers b WHERE b.job_id = ?2 AND b.worker_id = s.worker_id)
                 ORDER BY s.id",
            )?
            .query_map(params![image_id, job_id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut boxes_of = self.conn.prepare_cached(
            "SELECT category_id, x, y, w, h, iscrowd FROM annotations WHERE submission_id = ?1 ORDER BY id",
        )?;
        submissions
            .into_iter()
            .map(|(id, worker_id)| {
                let boxes = boxes_of
                    .query_map([id], dataset_box)?
                    .collect::<rusqlite::Result<_>>()?;
                Ok((worker_id, boxes))
            })
            .collect()
    }

    /// Replaces the image's agreement rows with `rows` (worker, counts).
    pub fn replace_agreement(
        &self,
        image_id: i64,
        job_id: i64,
        rows: &[(&str, MatchCounts)],
    ) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached("DELETE FROM agreement WHERE image_id = ?1")?
            .execute([image_id])?;
        for (worker_id, counts) in rows {
            insert_counts(
                self.conn,
                "agreement",
                (image_id, job_id, worker_id),
                counts,
            )?;
        }
        Ok(())
    }

    /// Stores adaptive redundancy's verdict; the triggers of migration `quality` update `done` and the counts.
    pub fn set_agreed(&self, image_id: i64, agreed: bool) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached("UPDATE images SET agreed = ?2 WHERE id = ?1 AND agreed <> ?2")?
            .execute(params![image_id, agreed])?;
        Ok(())
    }

    /// Blocks the worker in the job: releases their leases and recounts the images they submitted (which may
    /// no longer be done). Returns those images (not gold), for their verdicts to be taken again.
    pub fn block_worker(
        &self,
        job_id: i64,
        worker_id: &str,
        score: f64,
        now_ms: i64,
    ) -> rusqlite::Result<Vec<i64>> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO blocked_workers (job_id, worker_id, blocked_at, score)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![job_id, worker_id, now_ms, score])?;
        self.conn
            .prepare_cached(
                "DELETE FROM leases WHERE worker_id = ?2
                   AND image_id IN (SELECT id FROM images WHERE job_id = ?1)",
            )?
            .execute(params![job_id, worker_id])?;
        let images: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT s.image_id FROM submissions s JOIN images i ON i.id = s.image_id
                 WHERE s.worker_id = ?1 AND i.job_id = ?2 AND i.is_gold = 0 AND s.imported = 0
                 ORDER BY s.image_id",
            )?
            .query_map(params![worker_id, job_id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut recount = self.conn.prepare_cached(
            "UPDATE images SET submission_count = (
                 SELECT COUNT(*) FROM submissions s WHERE s.image_id = images.id
                   AND NOT EXISTS (SELECT 1 FROM blocked_workers b
                                   WHERE b.job_id = images.job_id AND b.worker_id = s.worker_id))
             WHERE id = ?1",
        )?;
        for image_id in &images {
            recount.execute([image_id])?;
        }
        Ok(images)
    }
}

/// A row of `gold_results` or `agreement` (the same columns): one image's match counts for one worker.
fn insert_counts(
    conn: &Connection,
    table: &'static str,
    (image_id, job_id, worker_id): (i64, i64, &str),
    counts: &MatchCounts,
) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO {table} (image_id, job_id, worker_id, submitted, reference, matched, matched_iou_sum)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    ))?
    .execute(params![
        image_id,
        job_id,
        worker_id,
        to_i64(counts.submitted),
        to_i64(counts.reference),
        to_i64(counts.matched),
        counts.matched_iou_sum
    ])?;
    Ok(())
}

/// The sums of a worker's gold results and agreement rows in a job.
pub(super) fn evidence(
    conn: &Connection,
    job_id: i64,
    worker_id: &str,
) -> rusqlite::Result<WorkerEvidence> {
    let sums = |table: &str| -> rusqlite::Result<(u64, MatchCounts)> {
        conn.prepare_cached(&format!(
            "SELECT COUNT(*), COALESCE(SUM(submitted), 0), COALESCE(SUM(reference), 0),
                    COALESCE(SUM(matched), 0), COALESCE(SUM(matched_iou_sum), 0.0)
             FROM {table} WHERE job_id = ?1 AND worker_id = ?2"
        ))?
        .query_row(params![job_id, worker_id], |row| {
            Ok((
                to_u64(row.get(0)?),
                MatchCounts {
                    submitted: to_u64(row.get(1)?),
                    reference: to_u64(row.get(2)?),
                    matched: to_u64(row.get(3)?),
                    matched_iou_sum: row.get(4)?,
                },
            ))
        })
        .optional()
        .map(Option::unwrap_or_default)
    };
    let (gold_tasks, gold) = sums("gold_results")?;
    let (agreement_tasks, agreement) = sums("agreement")?;
    Ok(WorkerEvidence {
        gold_tasks,
        gold,
        agreement_tasks,
        agreement,
    })
}

/// A box row (category id, x, y, w, h, iscrowd) as core's dataset box, labelled by its category id.
pub(super) fn dataset_box(row: &rusqlite::Row<'_>) -> rusqlite::Result<DatasetBox> {
    let category_id: i64 = row.get(0)?;
    Ok(DatasetBox {
        label: category_id.to_string(),
        rect: ImageRect::new(row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?),
        iscrowd: row.get(5)?,
        confidence: None,
    })
}

fn to_i64(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
