//! The bulk reads of quality control and pre-labelling: gold images with their known boxes, each worker's
//! summed evidence and the blocked workers, and the pre-annotations (a model's with their scores).

use std::collections::{BTreeMap, BTreeSet};

use super::{image_row, BoxRow, ImageRow};
use crate::db::sql::{Conn, DbError};
use crate::db::{to_u64, Store};
use crate::params;
use anyhow::Context;
use crowdbox_core::quality::{MatchCounts, WorkerEvidence};

/// A box volunteers start from, in natural image pixels: imported (`import --as pre`, no score) or a model's
/// (`crowdbox prelabel`, with its score 0–1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreAnnotationRow {
    pub image_id: i64,
    pub category_id: i64,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub score: Option<f64>,
}

/// A job's images (gold left out) and their pre-annotations, both in image id order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PreAnnotations {
    pub images: Vec<ImageRow>,
    pub boxes: Vec<PreAnnotationRow>,
}

/// The job's images and pre-annotations, in one snapshot, off the async threads.
pub async fn read_pre_annotations(store: &Store, job_id: i64) -> anyhow::Result<PreAnnotations> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<PreAnnotations> {
        let mut conn = super::open_reader(&store)?;
        let images = super::read_images(&mut conn, job_id).context("reading the job's images")?;
        let boxes = conn
            .rows(
                "SELECT p.image_id, p.category_id, p.x, p.y, p.w, p.h, p.score
                 FROM images i JOIN pre_annotations p ON p.image_id = i.id
                 WHERE i.job_id = ?1 AND i.is_gold = 0 ORDER BY p.image_id, p.id",
                params![job_id],
                |row| {
                    Ok(PreAnnotationRow {
                        image_id: row.get(0)?,
                        category_id: row.get(1)?,
                        x: row.get(2)?,
                        y: row.get(3)?,
                        w: row.get(4)?,
                        h: row.get(5)?,
                        score: row.get(6)?,
                    })
                },
            )
            .context("reading the job's pre-annotations")?;
        conn.commit()?;
        Ok(PreAnnotations { images, boxes })
    })
    .await
    .context("the pre-annotation reader stopped")?
}

/// The id standing for a gold image's known boxes as a submission (no `submissions` row has a negative id).
pub(super) fn gold_submission_id(image_id: i64) -> i64 {
    -image_id
}

/// The job's gold images and their known boxes, in image id order.
pub(super) fn read_gold(
    conn: &mut Conn,
    job_id: i64,
) -> Result<(Vec<ImageRow>, Vec<BoxRow>), DbError> {
    let images = conn.rows(
        "SELECT id, file_name, width, height, source_url FROM images
         WHERE job_id = ?1 AND is_gold = 1 ORDER BY id",
        params![job_id],
        image_row,
    )?;
    let boxes = conn.rows(
        "SELECT g.image_id, g.category_id, g.x, g.y, g.w, g.h, g.iscrowd
         FROM images i JOIN gold_boxes g ON g.image_id = i.id
         WHERE i.job_id = ?1 AND i.is_gold = 1 ORDER BY g.image_id, g.id",
        params![job_id],
        |row| {
            let image_id: i64 = row.get(0)?;
            Ok(BoxRow {
                image_id,
                submission_id: gold_submission_id(image_id),
                category_id: row.get(1)?,
                x: row.get(2)?,
                y: row.get(3)?,
                w: row.get(4)?,
                h: row.get(5)?,
                iscrowd: row.get(6)?,
            })
        },
    )?;
    Ok((images, boxes))
}

/// Each worker's summed gold results and agreement rows, and the blocked workers.
pub(super) fn read_quality(
    conn: &mut Conn,
    job_id: i64,
) -> Result<(BTreeMap<String, WorkerEvidence>, BTreeSet<String>), DbError> {
    let mut evidence: BTreeMap<String, WorkerEvidence> = BTreeMap::new();
    for table in ["gold_results", "agreement"] {
        conn.for_each(
            &format!(
                "SELECT worker_id, COUNT(*), CAST(SUM(submitted) AS BIGINT), CAST(SUM(reference) AS BIGINT),
                        CAST(SUM(matched) AS BIGINT), SUM(matched_iou_sum)
                 FROM {table} WHERE job_id = ?1 GROUP BY worker_id"
            ),
            params![job_id],
            |row| {
                let tasks = to_u64(row.get(1)?);
                let counts = MatchCounts {
                    submitted: to_u64(row.get(2)?),
                    reference: to_u64(row.get(3)?),
                    matched: to_u64(row.get(4)?),
                    matched_iou_sum: row.get(5)?,
                };
                let worker = evidence.entry(row.get(0)?).or_default();
                if table == "gold_results" {
                    (worker.gold_tasks, worker.gold) = (tasks, counts);
                } else {
                    (worker.agreement_tasks, worker.agreement) = (tasks, counts);
                }
                Ok(())
            },
        )?;
    }
    let blocked = conn
        .column::<String>(
            "SELECT worker_id FROM blocked_workers WHERE job_id = ?1",
            params![job_id],
        )?
        .into_iter()
        .collect();
    Ok((evidence, blocked))
}
