//! Reading a whole job's rows fast, for exports.
//!
//! A connection of its own steps the statements on a `spawn_blocking` thread: on SQLite well under a microsecond
//! per row, and floats come back as the stored f64 bits (no text round trip). The queries run in one read
//! transaction, so they see one snapshot (WAL, or PostgreSQL's repeatable read) while workers keep submitting.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use crowdbox_core::owner::ReviewState;
use crowdbox_core::quality::WorkerEvidence;

use super::sql::{Conn, DbError, Row};
use super::Store;
use crate::params;

mod quality;

use quality::{gold_submission_id, read_gold, read_quality};
pub use quality::{read_pre_annotations, PreAnnotationRow, PreAnnotations};

/// An image of the job as exports need it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageRow {
    pub id: i64,
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    /// Where a remote image is (none for images in the image store).
    pub source_url: Option<String>,
}

/// One stored box, in natural image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxRow {
    pub image_id: i64,
    /// The `submissions` row (not the client's idempotency key).
    pub submission_id: i64,
    pub category_id: i64,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub iscrowd: bool,
}

/// One submission, without its boxes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubmissionRow {
    pub image_id: i64,
    /// The `submissions` row (boxes name it).
    pub id: i64,
    /// An imported final submission, or the owner's from a review.
    pub imported: bool,
    pub worker_id: String,
    pub received_at: i64,
    pub duration_ms: Option<i64>,
}

/// A job's rows: images in id order, boxes in (image id, box id) order, submissions in (image id, id) order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobRows {
    pub images: Vec<ImageRow>,
    pub boxes: Vec<BoxRow>,
    /// Empty unless asked for (only consolidation needs them).
    pub submissions: Vec<SubmissionRow>,
    /// (image id, outcome, how many submissions said it) for every outcome but `boxed`, in image id order.
    pub outcomes: Vec<(i64, String, u32)>,
    /// Reviewed images, in image id order.
    pub reviewed: Vec<ReviewRow>,
    /// Each worker's quality evidence (gold results and agreement sums), by worker id.
    pub evidence: BTreeMap<String, WorkerEvidence>,
    /// The workers the job has blocked.
    pub blocked: BTreeSet<String>,
}

/// The owner's decision about an image and the submission that holds its final boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub image_id: i64,
    pub submission_id: i64,
    pub state: ReviewState,
}

/// How much of the database file a read maps into memory (SQLite maps at most the file's size).
const MMAP_BYTES: i64 = 1 << 30;

/// Which rows [`read_job`] reads besides the job's images and boxes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Every submission (consolidation and statistics need them).
    pub with_submissions: bool,
    /// The gold images too, each with its known boxes as one imported final submission (workers' answers to
    /// gold images are never read: they are scores, not data).
    pub include_gold: bool,
}

impl ReadOptions {
    /// Every submission, no gold images.
    pub const WITH_SUBMISSIONS: Self = Self {
        with_submissions: true,
        include_gold: false,
    };
}

/// Reads job `job_id`'s images and boxes (gold images left out) and what `options` asks for, off the async
/// threads.
pub async fn read_job(store: &Store, job_id: i64, options: ReadOptions) -> anyhow::Result<JobRows> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || read_job_blocking(&store, job_id, options))
        .await
        .context("the export reader stopped")?
}

/// A connection of its own that only reads, in a read transaction (one snapshot). On SQLite `query_only` makes
/// sure it never writes, and the file is mapped instead of read a 4 KiB page at a time into an empty cache.
pub(super) fn open_reader(store: &Store) -> anyhow::Result<Conn> {
    let mut conn = store
        .open_conn()
        .with_context(|| format!("cannot open the database {} to read", store.location()))?;
    if let Some(sqlite) = conn.sqlite() {
        sqlite.pragma_update(None, "query_only", true)?;
        sqlite.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    }
    conn.begin_read()?;
    Ok(conn)
}

/// [`read_job`] on the calling thread.
pub fn read_job_blocking(
    store: &Store,
    job_id: i64,
    options: ReadOptions,
) -> anyhow::Result<JobRows> {
    let mut conn = open_reader(store)?;
    let snapshot = &mut conn;
    let mut images = read_images(snapshot, job_id).context("reading the job's images")?;
    let job_images = JobImageIds::new(snapshot, &images).context("counting the images")?;
    let mut boxes = read_boxes(snapshot, job_id, &job_images).context("reading the job's boxes")?;
    let mut submissions = if options.with_submissions {
        read_submissions(snapshot, job_id).context("reading the job's submissions")?
    } else {
        Vec::new()
    };
    let outcomes =
        read_outcomes(snapshot, job_id, &job_images).context("reading the job's outcomes")?;
    let reviewed = read_reviewed(snapshot, job_id).context("reading the job's reviews")?;
    if options.include_gold {
        let (gold_images, gold_boxes) =
            read_gold(snapshot, job_id).context("reading the job's gold images")?;
        if options.with_submissions {
            submissions.extend(gold_images.iter().map(|image| SubmissionRow {
                image_id: image.id,
                id: gold_submission_id(image.id),
                imported: true,
                worker_id: super::ingest::IMPORT_WORKER.to_owned(),
                received_at: 0,
                duration_ms: None,
            }));
            submissions.sort_unstable();
        }
        images.extend(gold_images);
        images.sort_by_key(|image| image.id);
        boxes.extend(gold_boxes);
        boxes.sort_by_key(|row| row.image_id);
    }
    let (evidence, blocked) =
        read_quality(snapshot, job_id).context("reading the workers' quality")?;
    snapshot.commit()?;
    Ok(JobRows {
        images,
        boxes,
        submissions,
        outcomes,
        reviewed,
        evidence,
        blocked,
    })
}

pub(super) fn image_row(row: &Row<'_>) -> Result<ImageRow, DbError> {
    Ok(ImageRow {
        id: row.get(0)?,
        file_name: row.get(1)?,
        width: row.get(2)?,
        height: row.get(3)?,
        source_url: row.get(4)?,
    })
}

/// The job's images but its gold ones, in id order.
pub(super) fn read_images(conn: &mut Conn, job_id: i64) -> Result<Vec<ImageRow>, DbError> {
    conn.rows(
        "SELECT id, file_name, width, height, source_url FROM images
         WHERE job_id = ?1 AND is_gold = 0 ORDER BY id",
        params![job_id],
        image_row,
    )
}

/// The ids of a job's images, for telling its rows apart when a whole table is read.
struct JobImageIds {
    /// Whether the job holds at least half of the database's images (one job per database is the common case):
    /// then one pass over a whole table in rowid order, keeping the job's rows, is cheaper than walking the
    /// job's images by index and looking each row up in the table.
    most_of_the_database: bool,
    /// `member[id - first]` says whether image `id` is the job's (ids are dense within a job).
    first: i64,
    member: Vec<bool>,
}

impl JobImageIds {
    fn new(conn: &mut Conn, images: &[ImageRow]) -> Result<Self, DbError> {
        let all: i64 = conn.value(
            "SELECT CAST(COALESCE(SUM(images_total), 0) AS BIGINT) FROM jobs",
            &[],
        )?;
        let (first, last) = match (images.first(), images.last()) {
            (Some(first), Some(last)) => (first.id, last.id),
            _ => (0, -1),
        };
        let span = usize::try_from(last - first + 1).unwrap_or(0);
        // A bitmap as long as the id range; ids spread far apart (images deleted and re-added) fall back to
        // the index walk.
        let dense = span <= images.len().saturating_mul(4).max(1024);
        let most_of_the_database = dense
            && i64::try_from(images.len())
                .unwrap_or(i64::MAX)
                .saturating_mul(2)
                >= all;
        let mut member = vec![false; if most_of_the_database { span } else { 0 }];
        if most_of_the_database {
            for image in images {
                member[usize::try_from(image.id - first).unwrap_or(0)] = true;
            }
        }
        Ok(Self {
            most_of_the_database,
            first,
            member,
        })
    }

    fn contains(&self, image_id: i64) -> bool {
        usize::try_from(image_id - self.first)
            .ok()
            .and_then(|index| self.member.get(index))
            .copied()
            .unwrap_or(false)
    }
}

/// The job's boxes in (image id, box id) order: one pass over the whole annotations table when the job holds
/// most of the database (see [`JobImageIds`]), else the job's images by index and each image's boxes by index.
/// The order is made sure of here (already sorted data sorts in linear time).
fn read_boxes(
    conn: &mut Conn,
    job_id: i64,
    job_images: &JobImageIds,
) -> Result<Vec<BoxRow>, DbError> {
    let (sql, params) = if job_images.most_of_the_database {
        (
            "SELECT a.image_id, a.id, a.submission_id, a.category_id, a.x, a.y, a.w, a.h, a.iscrowd
             FROM annotations a",
            &[][..],
        )
    } else {
        (
            "SELECT a.image_id, a.id, a.submission_id, a.category_id, a.x, a.y, a.w, a.h, a.iscrowd
             FROM images i JOIN annotations a ON a.image_id = i.id WHERE i.job_id = ?1 AND i.is_gold = 0",
            params![job_id],
        )
    };
    let mut boxes: Vec<(i64, BoxRow)> = Vec::new();
    conn.for_each(sql, params, |row| {
        let image_id: i64 = row.get(0)?;
        if job_images.most_of_the_database && !job_images.contains(image_id) {
            return Ok(());
        }
        boxes.push((
            row.get(1)?,
            BoxRow {
                image_id,
                submission_id: row.get(2)?,
                category_id: row.get(3)?,
                x: row.get(4)?,
                y: row.get(5)?,
                w: row.get(6)?,
                h: row.get(7)?,
                iscrowd: row.get(8)?,
            },
        ));
        Ok(())
    })?;
    boxes.sort_by_key(|(id, row)| (row.image_id, *id));
    Ok(boxes.into_iter().map(|(_, row)| row).collect())
}

/// Per image, how many submissions had each outcome other than `boxed` (the rare ones), in (image id, outcome)
/// order. Like [`read_boxes`], one pass over the submissions table when the job holds most of the database.
fn read_outcomes(
    conn: &mut Conn,
    job_id: i64,
    job_images: &JobImageIds,
) -> Result<Vec<(i64, String, u32)>, DbError> {
    let (sql, params) = if job_images.most_of_the_database {
        (
            "SELECT s.image_id, s.outcome, COUNT(*) FROM submissions s
             WHERE s.outcome <> 'boxed'
             GROUP BY s.image_id, s.outcome ORDER BY s.image_id, s.outcome",
            &[][..],
        )
    } else {
        (
            "SELECT s.image_id, s.outcome, COUNT(*) FROM images i JOIN submissions s ON s.image_id = i.id
             WHERE i.job_id = ?1 AND i.is_gold = 0 AND s.outcome <> 'boxed'
             GROUP BY s.image_id, s.outcome ORDER BY s.image_id, s.outcome",
            params![job_id],
        )
    };
    let mut outcomes = Vec::new();
    conn.for_each(sql, params, |row| {
        let image_id: i64 = row.get(0)?;
        if !job_images.most_of_the_database || job_images.contains(image_id) {
            outcomes.push((image_id, row.get(1)?, row.get(2)?));
        }
        Ok(())
    })?;
    Ok(outcomes)
}

fn read_submissions(conn: &mut Conn, job_id: i64) -> Result<Vec<SubmissionRow>, DbError> {
    let mut submissions = conn.rows(
        "SELECT s.image_id, s.id, s.imported, s.worker_id, s.received_at, s.duration_ms
         FROM images i JOIN submissions s ON s.image_id = i.id WHERE i.job_id = ?1 AND i.is_gold = 0",
        params![job_id],
        |row| {
            Ok(SubmissionRow {
                image_id: row.get(0)?,
                id: row.get(1)?,
                imported: row.get(2)?,
                worker_id: row.get(3)?,
                received_at: row.get(4)?,
                duration_ms: row.get(5)?,
            })
        },
    )?;
    submissions.sort_unstable();
    Ok(submissions)
}

fn read_reviewed(conn: &mut Conn, job_id: i64) -> Result<Vec<ReviewRow>, DbError> {
    conn.rows(
        "SELECT r.image_id, r.submission_id, r.state FROM images i JOIN reviews r ON r.image_id = i.id
         WHERE i.job_id = ?1 ORDER BY r.image_id",
        params![job_id],
        |row| {
            Ok(ReviewRow {
                image_id: row.get(0)?,
                submission_id: row.get(1)?,
                state: review_state(&row.get::<String>(2)?),
            })
        },
    )
}

/// A `reviews.state` value (the table's CHECK allows these two).
pub(crate) fn review_state(text: &str) -> ReviewState {
    if text == "corrected" {
        ReviewState::Corrected
    } else {
        ReviewState::Accepted
    }
}
