//! What quality control reads and writes inside the writer's group transaction: gold images and their known
//! boxes, gold results, agreement rows, blocked workers and adaptive verdicts (migration `quality`).

use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::{MatchCounts, WorkerEvidence};

use super::jobs::{job_image, JobImage};
use super::sql::{Conn, DbError, Row};
use super::to_u64;
use super::write_tx::WriteTx;
use crate::params;

/// An image's part in quality control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageQuality {
    pub is_gold: bool,
    /// Its counted submissions (a blocked worker's do not count).
    pub counted_submissions: i64,
}

impl WriteTx<'_> {
    /// Whether the job has blocked the worker.
    pub fn is_blocked(&mut self, job_id: i64, worker_id: &str) -> Result<bool, DbError> {
        self.conn.exists(
            "SELECT 1 FROM blocked_workers WHERE job_id = ?1 AND worker_id = ?2",
            params![job_id, worker_id],
        )
    }

    /// Up to `limit` gold images of the job this worker has not submitted and does not hold, in id order.
    pub fn gold_candidates(
        &mut self,
        job_id: i64,
        worker_id: &str,
        now_ms: i64,
        limit: usize,
    ) -> Result<Vec<JobImage>, DbError> {
        self.conn.rows(
            "SELECT i.id, i.file_name, i.width, i.height, i.source_url FROM images i
             WHERE i.job_id = ?1 AND i.is_gold = 1
               AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM leases l
                               WHERE l.image_id = i.id AND l.worker_id = ?2 AND l.expires_at > ?3)
             ORDER BY i.id LIMIT ?4",
            params![job_id, worker_id, now_ms, limit],
            job_image,
        )
    }

    /// How many tasks of the job the worker has submitted, and how many of them were gold.
    pub fn submitted_counts(
        &mut self,
        job_id: i64,
        worker_id: &str,
    ) -> Result<(u64, u64), DbError> {
        self.conn.one(
            "SELECT COUNT(*), CAST(COALESCE(SUM(i.is_gold), 0) AS BIGINT) FROM submissions s
             JOIN images i ON i.id = s.image_id
             WHERE s.worker_id = ?1 AND i.job_id = ?2",
            params![worker_id, job_id],
            |row| Ok((to_u64(row.get(0)?), to_u64(row.get(1)?))),
        )
    }

    /// A gold image's known boxes, labelled by category id.
    pub fn gold_boxes(&mut self, image_id: i64) -> Result<Vec<DatasetBox>, DbError> {
        self.conn.rows(
            "SELECT category_id, x, y, w, h, iscrowd FROM gold_boxes WHERE image_id = ?1 ORDER BY id",
            params![image_id],
            dataset_box,
        )
    }

    pub fn insert_gold_result(
        &mut self,
        image_id: i64,
        job_id: i64,
        worker_id: &str,
        counts: &MatchCounts,
    ) -> Result<(), DbError> {
        insert_counts(
            self.conn,
            "gold_results",
            (image_id, job_id, worker_id),
            counts,
        )
    }

    /// The sums of the worker's gold results and agreement rows in the job.
    pub fn worker_evidence(
        &mut self,
        job_id: i64,
        worker_id: &str,
    ) -> Result<WorkerEvidence, DbError> {
        evidence(self.conn, job_id, worker_id)
    }

    /// Each counted submission of the image (a volunteer's, not imported or the owner's, not by a blocked
    /// worker) with its boxes labelled by category id, in submission order.
    pub fn counted_submissions(
        &mut self,
        job_id: i64,
        image_id: i64,
    ) -> Result<Vec<(String, Vec<DatasetBox>)>, DbError> {
        let submissions: Vec<(i64, String)> = self.conn.rows(
            "SELECT s.id, s.worker_id FROM submissions s
             WHERE s.image_id = ?1 AND s.imported = 0
               AND NOT EXISTS (SELECT 1 FROM blocked_workers b WHERE b.job_id = ?2 AND b.worker_id = s.worker_id)
             ORDER BY s.id",
            params![image_id, job_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        submissions
            .into_iter()
            .map(|(id, worker_id)| {
                let boxes = self.conn.rows(
                    "SELECT category_id, x, y, w, h, iscrowd FROM annotations WHERE submission_id = ?1 ORDER BY id",
                    params![id],
                    dataset_box,
                )?;
                Ok((worker_id, boxes))
            })
            .collect()
    }

    /// Replaces the image's agreement rows with `rows` (worker, counts).
    pub fn replace_agreement(
        &mut self,
        image_id: i64,
        job_id: i64,
        rows: &[(&str, MatchCounts)],
    ) -> Result<(), DbError> {
        self.conn.execute(
            "DELETE FROM agreement WHERE image_id = ?1",
            params![image_id],
        )?;
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
    pub fn set_agreed(&mut self, image_id: i64, agreed: bool) -> Result<(), DbError> {
        self.conn.execute(
            "UPDATE images SET agreed = ?2 WHERE id = ?1 AND agreed <> ?2",
            params![image_id, agreed],
        )?;
        Ok(())
    }

    /// Blocks the worker in the job: releases their leases and recounts the images they submitted (which may
    /// no longer be done). Returns those images (not gold), for their verdicts to be taken again.
    pub fn block_worker(
        &mut self,
        job_id: i64,
        worker_id: &str,
        score: f64,
        now_ms: i64,
    ) -> Result<Vec<i64>, DbError> {
        self.conn.execute(
            "INSERT INTO blocked_workers (job_id, worker_id, blocked_at, score) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![job_id, worker_id, now_ms, score],
        )?;
        self.conn.execute(
            "DELETE FROM leases WHERE worker_id = ?2
               AND image_id IN (SELECT id FROM images WHERE job_id = ?1)",
            params![job_id, worker_id],
        )?;
        let images: Vec<i64> = self.conn.column(
            "SELECT s.image_id FROM submissions s JOIN images i ON i.id = s.image_id
             WHERE s.worker_id = ?1 AND i.job_id = ?2 AND i.is_gold = 0 AND s.imported = 0
             ORDER BY s.image_id",
            params![worker_id, job_id],
        )?;
        for image_id in &images {
            self.conn.execute(
                "UPDATE images SET submission_count = (
                     SELECT COUNT(*) FROM submissions s WHERE s.image_id = images.id
                       AND NOT EXISTS (SELECT 1 FROM blocked_workers b
                                       WHERE b.job_id = images.job_id AND b.worker_id = s.worker_id))
                 WHERE id = ?1",
                params![*image_id],
            )?;
        }
        Ok(images)
    }
}

/// A row of `gold_results` or `agreement` (the same columns): one image's match counts for one worker.
fn insert_counts(
    conn: &mut Conn,
    table: &'static str,
    (image_id, job_id, worker_id): (i64, i64, &str),
    counts: &MatchCounts,
) -> Result<(), DbError> {
    conn.execute(
        &format!(
            "INSERT INTO {table} (image_id, job_id, worker_id, submitted, reference, matched, matched_iou_sum)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        ),
        params![
            image_id,
            job_id,
            worker_id,
            counts.submitted,
            counts.reference,
            counts.matched,
            counts.matched_iou_sum
        ],
    )?;
    Ok(())
}

/// The sums of a worker's gold results and agreement rows in a job.
pub(super) fn evidence(
    conn: &mut Conn,
    job_id: i64,
    worker_id: &str,
) -> Result<WorkerEvidence, DbError> {
    let mut sums = |table: &str| -> Result<(u64, MatchCounts), DbError> {
        conn.one(
            &format!(
                "SELECT COUNT(*), CAST(COALESCE(SUM(submitted), 0) AS BIGINT),
                        CAST(COALESCE(SUM(reference), 0) AS BIGINT), CAST(COALESCE(SUM(matched), 0) AS BIGINT),
                        COALESCE(SUM(matched_iou_sum), 0.0)
                 FROM {table} WHERE job_id = ?1 AND worker_id = ?2"
            ),
            params![job_id, worker_id],
            |row| {
                Ok((
                    to_u64(row.get(0)?),
                    MatchCounts {
                        submitted: to_u64(row.get(1)?),
                        reference: to_u64(row.get(2)?),
                        matched: to_u64(row.get(3)?),
                        matched_iou_sum: row.get(4)?,
                    },
                ))
            },
        )
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
pub(super) fn dataset_box(row: &Row<'_>) -> Result<DatasetBox, DbError> {
    let category_id: i64 = row.get(0)?;
    Ok(DatasetBox {
        label: category_id.to_string(),
        rect: ImageRect::new(row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?),
        iscrowd: row.get(5)?,
        confidence: None,
    })
}
