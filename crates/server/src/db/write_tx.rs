//! What the leasing, submission and invite rules read and write inside a group transaction of the
//! [`writer`](super::writer) thread: direct SQLite calls on prepared statements (see the writer for why).

use std::sync::Arc;

use crowdbox_core::coco::{CocoAnnotation, CocoImage};
use crowdbox_core::wire::{Receipt, Submission};
use rusqlite::{params, Connection, OptionalExtension};

use super::jobs::JobImage;
use super::quality::ImageQuality;
use super::{to_u64, JobsSeen};
use crate::db::JobFacts;
use crate::error::ApiError;
use crate::formats_io::job_file::LeaseOrder;

/// The images a worker may be leased (see [`WriteTx::available_images`]), without their order.
macro_rules! available_images_sql {
    () => {
        "SELECT i.id, i.file_name, i.width, i.height, i.source_url FROM images i
                 WHERE i.job_id = ?1 AND i.done = 0 AND i.is_gold = 0 AND (?6 = 0 OR i.submission_count > 0)
                   AND (i.submission_count = 0
                        OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))
                   AND i.submission_count
                     + (SELECT COUNT(*) FROM leases l
                        WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3) < ?4 + i.extra_workers"
    };
}

/// One request's view of the group transaction (a savepoint of it).
pub struct WriteTx<'a> {
    pub(super) conn: &'a Connection,
    jobs: &'a mut JobsSeen,
}

/// An invite row: (id, the stored SHA-256 of its token in hex, the worker it is bound to).
pub type InviteRow = (i64, String, Option<String>);

/// A new submission row, as the submission rules made it.
pub struct NewSubmission<'a> {
    pub submission: &'a Submission,
    pub image_id: i64,
    pub content_sha256: &'a str,
    pub outcome: &'a str,
    pub changes: Option<String>,
    pub verdicts: Option<String>,
    pub received_at: i64,
}

impl<'a> WriteTx<'a> {
    pub(crate) fn new(conn: &'a Connection, jobs: &'a mut JobsSeen) -> Self {
        Self { conn, jobs }
    }

    /// The job called `name`, read once per group; `JobNotFound` if there is none.
    pub fn job(&mut self, name: &str) -> Result<Arc<JobFacts>, ApiError> {
        self.jobs.find(self.conn, name)
    }

    /// The job's progress from the counters the image triggers keep (see [`super::Progress`]).
    pub fn progress(&self, job_id: i64) -> rusqlite::Result<super::Progress> {
        let (total, done): (i64, i64) = self
            .conn
            .prepare_cached("SELECT images_total, images_done FROM jobs WHERE id = ?1")?
            .query_row([job_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
            .unwrap_or_default();
        Ok(super::Progress {
            images_total: to_u64(total),
            images_done: to_u64(done),
        })
    }

    /// The worker's unexpired, unsubmitted leases in this job, with their expiry, in image id order.
    pub fn held_leases(
        &self,
        job_id: i64,
        worker_id: &str,
        now_ms: i64,
    ) -> rusqlite::Result<Vec<(JobImage, i64)>> {
        self.conn
            .prepare_cached(
                "SELECT i.id, i.file_name, i.width, i.height, i.source_url, l.expires_at
                 FROM leases l JOIN images i ON i.id = l.image_id
                 WHERE i.job_id = ?1 AND l.worker_id = ?2 AND l.expires_at > ?3
                   AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2)
                 ORDER BY i.id",
            )?
            .query_map(params![job_id, worker_id, now_ms], |row| {
                Ok((job_image(row)?, row.get(5)?))
            })?
            .collect()
    }

    /// Up to `limit` images (not gold) this worker may take now, in image id order: not done, not submitted by
    /// this worker, and with room left beside the other workers' unexpired leases. With `started_only`, only
    /// images that have submissions already (waiting for another opinion).
    pub fn available_images(
        &self,
        job: &JobFacts,
        worker_id: &str,
        now_ms: i64,
        limit: i64,
        started_only: bool,
    ) -> rusqlite::Result<Vec<JobImage>> {
        // The same filter in both; only the order differs, so the default keeps its plain `ORDER BY i.id`.
        let sql = match job.job.lease_order {
            LeaseOrder::Id => concat!(available_images_sql!(), " ORDER BY i.id LIMIT ?5"),
            // Scores are at most 1 (the migration's CHECK), so images without scored pre-annotations (MAX is
            // NULL) come after all scored ones.
            LeaseOrder::UncertainFirst => concat!(
                available_images_sql!(),
                " ORDER BY COALESCE((SELECT MAX(p.score) FROM pre_annotations p WHERE p.image_id = i.id), 2), i.id
                 LIMIT ?5"
            ),
        };
        self.conn
            .prepare_cached(sql)?
            .query_map(
                params![
                    job.job.id,
                    worker_id,
                    now_ms,
                    job.job.workers_per_image,
                    limit,
                    started_only
                ],
                job_image,
            )?
            .collect()
    }

    /// When nothing is free for this worker: how many images it could still get (not done, not submitted by
    /// it), and when the first blocking lease of another worker runs out.
    pub fn remaining_for(
        &self,
        job_id: i64,
        worker_id: &str,
        now_ms: i64,
    ) -> rusqlite::Result<(i64, Option<i64>)> {
        self.conn
            .prepare_cached(
                "SELECT COUNT(*),
                        MIN((SELECT MIN(l.expires_at) FROM leases l
                             WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3))
                 FROM images i
                 WHERE i.job_id = ?1 AND i.done = 0 AND i.is_gold = 0
                   AND (i.submission_count = 0
                        OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))",
            )?
            .query_row(params![job_id, worker_id, now_ms], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
    }

    /// Leases `images` to the worker (a lease of the same image that ran out is renewed).
    pub fn insert_leases(
        &self,
        images: &[JobImage],
        worker_id: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> rusqlite::Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO leases (image_id, worker_id, leased_at, expires_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (image_id, worker_id)
             DO UPDATE SET leased_at = excluded.leased_at, expires_at = excluded.expires_at",
        )?;
        for image in images {
            insert.execute(params![image.id, worker_id, now_ms, expires_at])?;
        }
        Ok(())
    }

    /// The image's pre-annotations (boxes imported with `--as pre`) in storage order, ids 1..n.
    pub fn pre_annotations(&self, image_id: i64) -> rusqlite::Result<Vec<CocoAnnotation>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT category_id, x, y, w, h, iscrowd, score FROM pre_annotations WHERE image_id = ?1 ORDER BY id",
        )?;
        let mut rows = statement.query([image_id])?;
        let mut boxes = Vec::new();
        while let Some(row) = rows.next()? {
            let (w, h): (f64, f64) = (row.get(3)?, row.get(4)?);
            boxes.push(CocoAnnotation {
                id: boxes.len() as u64 + 1,
                image_id: to_u64(image_id),
                category_id: to_u64(row.get(0)?),
                bbox: [row.get(1)?, row.get(2)?, w, h],
                area: w * h,
                iscrowd: u8::from(row.get::<_, bool>(5)?),
                score: row.get(6)?,
            });
        }
        Ok(boxes)
    }

    /// How many boxes the task came with (its pre-annotations).
    pub fn given_boxes(&self, image_id: i64) -> rusqlite::Result<u64> {
        self.conn
            .prepare_cached("SELECT COUNT(*) FROM pre_annotations WHERE image_id = ?1")?
            .query_row([image_id], |row| row.get(0))
            .map(to_u64)
    }

    /// The content hash and receipt of an earlier submission under the same id, if there is one.
    pub fn earlier_submission(
        &self,
        submission_id: &str,
    ) -> rusqlite::Result<Option<(String, Receipt)>> {
        self.conn
            .prepare_cached(
                "SELECT s.image_id, s.content_sha256, s.received_at,
                        (SELECT COUNT(*) FROM annotations a WHERE a.submission_id = s.id)
                 FROM submissions s WHERE s.submission_id = ?1",
            )?
            .query_row([submission_id], |row| {
                Ok((
                    row.get::<_, String>(1)?,
                    Receipt {
                        submission_id: submission_id.to_owned(),
                        task_id: to_u64(row.get(0)?),
                        annotations_stored: to_u64(row.get(3)?),
                        stored_at: row.get(2)?,
                    },
                ))
            })
            .optional()
    }

    /// The job's image `image_id` as COCO describes it, with its gold flag and counted submissions, if the job
    /// has it.
    pub fn job_image(
        &self,
        job_id: i64,
        image_id: i64,
    ) -> rusqlite::Result<Option<(CocoImage, ImageQuality)>> {
        self.conn
            .prepare_cached(
                "SELECT file_name, width, height, is_gold, submission_count FROM images
                 WHERE id = ?1 AND job_id = ?2",
            )?
            .query_row([image_id, job_id], |row| {
                let image = CocoImage {
                    id: to_u64(image_id),
                    file_name: row.get(0)?,
                    width: u32::try_from(row.get::<_, i64>(1)?).unwrap_or_default(),
                    height: u32::try_from(row.get::<_, i64>(2)?).unwrap_or_default(),
                    license: None,
                    date_captured: None,
                    outcomes: Default::default(),
                };
                let quality = ImageQuality {
                    is_gold: row.get(3)?,
                    counted_submissions: row.get(4)?,
                };
                Ok((image, quality))
            })
            .optional()
    }

    /// Whether the worker has submitted the image.
    pub fn has_submitted(&self, image_id: i64, worker_id: &str) -> rusqlite::Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM submissions WHERE image_id = ?1 AND worker_id = ?2")?
            .exists(params![image_id, worker_id])
    }

    /// When the worker's lease on the image runs out (or ran out), if it has one.
    pub fn lease_expiry(&self, image_id: i64, worker_id: &str) -> rusqlite::Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT expires_at FROM leases WHERE image_id = ?1 AND worker_id = ?2")?
            .query_row(params![image_id, worker_id], |row| row.get(0))
            .optional()
    }

    /// How many more workers the image takes besides `worker_id`: the job's `workers_per_image` plus the workers
    /// a reopened image still needs, less its counted submissions and the other workers' unexpired leases. A
    /// gold image always has room.
    pub fn room_left(
        &self,
        image_id: i64,
        worker_id: &str,
        now_ms: i64,
        workers_per_image: i64,
    ) -> rusqlite::Result<i64> {
        self.conn
            .prepare_cached(
                "SELECT CASE WHEN i.is_gold = 1 THEN 1 ELSE ?4 + i.extra_workers - i.submission_count
                      - (SELECT COUNT(*) FROM leases WHERE image_id = ?1 AND worker_id <> ?2 AND expires_at > ?3)
                      END
                 FROM images i WHERE i.id = ?1",
            )?
            .query_row(params![image_id, worker_id, now_ms, workers_per_image], |row| {
                row.get(0)
            })
    }

    /// Writes the submission row and its (already clipped) boxes and releases the worker's lease. The triggers
    /// of migration `image_progress` update the image's and the job's counts.
    pub fn insert_submission(
        &self,
        new: &NewSubmission<'_>,
        boxes: &[(u64, [f64; 4])],
    ) -> rusqlite::Result<()> {
        let submission = new.submission;
        self.conn
            .prepare_cached(
                "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, duration_ms,
                                          received_at, outcome, note, changes, verdicts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                submission.submission_id,
                new.image_id,
                submission.worker_id,
                new.content_sha256,
                submission
                    .duration_ms
                    .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)),
                new.received_at,
                new.outcome,
                submission.note,
                new.changes,
                new.verdicts,
            ])?;
        let row_id = self.conn.last_insert_rowid();
        // The submission now stands for this worker's claim on the image.
        self.conn
            .prepare_cached("DELETE FROM leases WHERE image_id = ?1 AND worker_id = ?2")?
            .execute(params![new.image_id, submission.worker_id])?;
        let mut insert_box = self.conn.prepare_cached(
            "INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (category_id, [x, y, w, h]) in boxes {
            insert_box.execute(params![
                row_id,
                new.image_id,
                i64::try_from(*category_id).unwrap_or_default(),
                x,
                y,
                w,
                h
            ])?;
        }
        Ok(())
    }

    /// The job's invite whose token hashes to `token_sha256` (hex).
    pub fn invite(&self, job_id: i64, token_sha256: &str) -> rusqlite::Result<Option<InviteRow>> {
        self.conn
            .prepare_cached(
                "SELECT id, token_sha256, worker_id FROM invites WHERE job_id = ?1 AND token_sha256 = ?2",
            )?
            .query_row(params![job_id, token_sha256], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()
    }

    /// Binds the invite to its first worker.
    pub fn bind_invite(
        &self,
        invite_id: i64,
        worker_id: &str,
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached("UPDATE invites SET worker_id = ?1, used_at = ?2 WHERE id = ?3")?
            .execute(params![worker_id, now_ms, invite_id])?;
        Ok(())
    }
}

/// A row of `id, file_name, width, height, source_url`.
pub(super) fn job_image(row: &rusqlite::Row<'_>) -> rusqlite::Result<JobImage> {
    Ok(JobImage {
        id: row.get(0)?,
        file_name: row.get(1)?,
        width: row.get(2)?,
        height: row.get(3)?,
        source_url: row.get(4)?,
    })
}
