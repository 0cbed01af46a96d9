//! What the leasing, submission and invite rules read and write inside a group transaction of the
//! [`writer`](super::writer) thread: prepared statements run directly on the writer's connection (see the writer
//! for why).

use std::collections::HashMap;
use std::sync::Arc;

use crowdbox_core::coco::{CocoAnnotation, CocoImage};
use crowdbox_core::wire::{Receipt, Submission};

use super::jobs::{job_image, JobImage};
use super::quality::ImageQuality;
use super::sql::{numbered, Conn, DbError, Param};
use super::{to_u64, JobsSeen};
use crate::db::JobFacts;
use crate::error::ApiError;
use crate::formats_io::job_file::LeaseOrder;
use crate::params;

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
    pub(super) conn: &'a mut Conn,
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
    pub(crate) fn new(conn: &'a mut Conn, jobs: &'a mut JobsSeen) -> Self {
        Self { conn, jobs }
    }

    /// The job called `name`, read once per group; `JobNotFound` if there is none.
    pub fn job(&mut self, name: &str) -> Result<Arc<JobFacts>, ApiError> {
        self.jobs.find(self.conn, name)
    }

    /// The job's progress from the counters the image triggers keep (see [`super::Progress`]).
    pub fn progress(&mut self, job_id: i64) -> Result<super::Progress, DbError> {
        super::jobs::progress(self.conn, job_id)
    }

    /// The worker's unexpired, unsubmitted leases in this job, with their expiry, in image id order.
    pub fn held_leases(
        &mut self,
        job_id: i64,
        worker_id: &str,
        now_ms: i64,
    ) -> Result<Vec<(JobImage, i64)>, DbError> {
        self.conn.rows(
            "SELECT i.id, i.file_name, i.width, i.height, i.source_url, l.expires_at
             FROM leases l JOIN images i ON i.id = l.image_id
             WHERE i.job_id = ?1 AND l.worker_id = ?2 AND l.expires_at > ?3
               AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2)
             ORDER BY i.id",
            params![job_id, worker_id, now_ms],
            |row| Ok((job_image(row)?, row.get(5)?)),
        )
    }

    /// Up to `limit` images (not gold) this worker may take now, in image id order: not done, not submitted by
    /// this worker, and with room left beside the other workers' unexpired leases. With `started_only`, only
    /// images that have submissions already (waiting for another opinion).
    pub fn available_images(
        &mut self,
        job: &JobFacts,
        worker_id: &str,
        now_ms: i64,
        limit: i64,
        started_only: bool,
    ) -> Result<Vec<JobImage>, DbError> {
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
        self.conn.rows(
            sql,
            params![
                job.job.id,
                worker_id,
                now_ms,
                job.job.workers_per_image,
                limit,
                started_only
            ],
            job_image,
        )
    }

    /// When nothing is free for this worker: how many images it could still get (not done, not submitted by
    /// it), and when the first blocking lease of another worker runs out.
    pub fn remaining_for(
        &mut self,
        job_id: i64,
        worker_id: &str,
        now_ms: i64,
    ) -> Result<(i64, Option<i64>), DbError> {
        self.conn.one(
            "SELECT COUNT(*),
                    MIN((SELECT MIN(l.expires_at) FROM leases l
                         WHERE l.image_id = i.id AND l.worker_id <> ?2 AND l.expires_at > ?3))
             FROM images i
             WHERE i.job_id = ?1 AND i.done = 0 AND i.is_gold = 0
               AND (i.submission_count = 0
                    OR NOT EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.worker_id = ?2))",
            params![job_id, worker_id, now_ms],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
    }

    /// Leases `images` to the worker (a lease of the same image that ran out is renewed).
    pub fn insert_leases(
        &mut self,
        images: &[JobImage],
        worker_id: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        self.conn.insert_rows_then(
            "leases (image_id, worker_id, leased_at, expires_at)",
            images
                .iter()
                .map(|image| params![image.id, worker_id, now_ms, expires_at].to_vec()),
            " ON CONFLICT (image_id, worker_id)
              DO UPDATE SET leased_at = excluded.leased_at, expires_at = excluded.expires_at",
        )
    }

    /// The pre-annotations (boxes imported with `--as pre`, or a model's) of each of `images`, in storage
    /// order with ids 1..n per image, in one statement for a whole batch.
    pub fn pre_annotations(
        &mut self,
        images: &[i64],
    ) -> Result<HashMap<i64, Vec<CocoAnnotation>>, DbError> {
        let mut boxes: HashMap<i64, Vec<CocoAnnotation>> = HashMap::new();
        if images.is_empty() {
            return Ok(boxes);
        }
        let sql = format!(
            "SELECT image_id, category_id, x, y, w, h, iscrowd, score FROM pre_annotations
             WHERE image_id IN ({}) ORDER BY image_id, id",
            numbered(images.len())
        );
        let ids: Vec<Param<'_>> = images.iter().map(|id| Param::from(*id)).collect();
        self.conn.for_each(&sql, &ids, |row| {
            let image_id: i64 = row.get(0)?;
            let (w, h): (f64, f64) = (row.get(4)?, row.get(5)?);
            let of_image = boxes.entry(image_id).or_default();
            of_image.push(CocoAnnotation {
                id: of_image.len() as u64 + 1,
                image_id: to_u64(image_id),
                category_id: to_u64(row.get(1)?),
                bbox: [row.get(2)?, row.get(3)?, w, h],
                area: w * h,
                iscrowd: u8::from(row.get::<bool>(6)?),
                score: row.get(7)?,
            });
            Ok(())
        })?;
        Ok(boxes)
    }

    /// How many boxes the task came with (its pre-annotations).
    pub fn given_boxes(&mut self, image_id: i64) -> Result<u64, DbError> {
        self.conn
            .value::<i64>(
                "SELECT COUNT(*) FROM pre_annotations WHERE image_id = ?1",
                params![image_id],
            )
            .map(to_u64)
    }

    /// The content hash and receipt of an earlier submission under the same id, if there is one.
    pub fn earlier_submission(
        &mut self,
        submission_id: &str,
    ) -> Result<Option<(String, Receipt)>, DbError> {
        self.conn.row(
            "SELECT s.image_id, s.content_sha256, s.received_at,
                    (SELECT COUNT(*) FROM annotations a WHERE a.submission_id = s.id)
             FROM submissions s WHERE s.submission_id = ?1",
            params![submission_id],
            |row| {
                Ok((
                    row.get::<String>(1)?,
                    Receipt {
                        submission_id: submission_id.to_owned(),
                        task_id: to_u64(row.get(0)?),
                        annotations_stored: to_u64(row.get(3)?),
                        stored_at: row.get(2)?,
                    },
                ))
            },
        )
    }

    /// The job's image `image_id` as COCO describes it, with its gold flag and counted submissions, if the job
    /// has it.
    pub fn job_image(
        &mut self,
        job_id: i64,
        image_id: i64,
    ) -> Result<Option<(CocoImage, ImageQuality)>, DbError> {
        self.conn.row(
            "SELECT file_name, width, height, is_gold, submission_count FROM images
             WHERE id = ?1 AND job_id = ?2",
            params![image_id, job_id],
            |row| {
                let image = CocoImage {
                    id: to_u64(image_id),
                    file_name: row.get(0)?,
                    width: row.get(1)?,
                    height: row.get(2)?,
                    license: None,
                    date_captured: None,
                    outcomes: Default::default(),
                };
                let quality = ImageQuality {
                    is_gold: row.get(3)?,
                    counted_submissions: row.get(4)?,
                };
                Ok((image, quality))
            },
        )
    }

    /// Whether the worker has submitted the image, and when its lease on the image runs out (or ran out), if
    /// it has one.
    pub fn worker_on_image(
        &mut self,
        image_id: i64,
        worker_id: &str,
    ) -> Result<(bool, Option<i64>), DbError> {
        self.conn.one(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM submissions WHERE image_id = ?1 AND worker_id = ?2)
                    THEN 1 ELSE 0 END,
                    (SELECT expires_at FROM leases WHERE image_id = ?1 AND worker_id = ?2)",
            params![image_id, worker_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
    }

    /// How many more workers the image takes besides `worker_id`: the job's `workers_per_image` plus the workers
    /// a reopened image still needs, less its counted submissions and the other workers' unexpired leases. A
    /// gold image always has room.
    pub fn room_left(
        &mut self,
        image_id: i64,
        worker_id: &str,
        now_ms: i64,
        workers_per_image: i64,
    ) -> Result<i64, DbError> {
        self.conn.value(
            "SELECT CASE WHEN i.is_gold = 1 THEN 1 ELSE ?4 + i.extra_workers - i.submission_count
                  - (SELECT COUNT(*) FROM leases WHERE image_id = ?1 AND worker_id <> ?2 AND expires_at > ?3)
                  END
             FROM images i WHERE i.id = ?1",
            params![image_id, worker_id, now_ms, workers_per_image],
        )
    }

    /// Writes the submission row and its (already clipped) boxes and releases the worker's lease. The triggers
    /// of migration `image_progress` update the image's and the job's counts.
    pub fn insert_submission(
        &mut self,
        new: &NewSubmission<'_>,
        boxes: &[(u64, [f64; 4])],
    ) -> Result<(), DbError> {
        let submission = new.submission;
        let row_id: i64 = self.conn.value(
            "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, duration_ms,
                                      received_at, outcome, note, changes, verdicts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            params![
                &submission.submission_id,
                new.image_id,
                &submission.worker_id,
                new.content_sha256,
                submission.duration_ms,
                new.received_at,
                new.outcome,
                &submission.note,
                &new.changes,
                &new.verdicts,
            ],
        )?;
        // The submission now stands for this worker's claim on the image.
        self.conn.execute(
            "DELETE FROM leases WHERE image_id = ?1 AND worker_id = ?2",
            params![new.image_id, &submission.worker_id],
        )?;
        self.conn.insert_rows(
            "annotations (submission_id, image_id, category_id, x, y, w, h)",
            boxes.iter().map(|(category_id, [x, y, w, h])| {
                params![row_id, new.image_id, *category_id, *x, *y, *w, *h].to_vec()
            }),
        )
    }

    /// The job's invite whose token hashes to `token_sha256` (hex).
    pub fn invite(
        &mut self,
        job_id: i64,
        token_sha256: &str,
    ) -> Result<Option<InviteRow>, DbError> {
        super::invites::invite(self.conn, job_id, token_sha256)
    }

    /// Binds the invite to its first worker.
    pub fn bind_invite(
        &mut self,
        invite_id: i64,
        worker_id: &str,
        now_ms: i64,
    ) -> Result<(), DbError> {
        self.conn.execute(
            "UPDATE invites SET worker_id = ?1, used_at = ?2 WHERE id = ?3",
            params![worker_id, now_ms, invite_id],
        )?;
        Ok(())
    }
}
