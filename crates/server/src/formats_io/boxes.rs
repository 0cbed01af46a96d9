//! The boxes half of a dataset import: the labels check, then pre-annotations or imported final submissions
//! with their boxes.

use std::collections::{HashMap, HashSet};

use anyhow::bail;
use crowdbox_core::formats::{clip_to_image, DatasetBox};
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::ingest::{next_id, ImportAs, CHUNK, IMPORT_WORKER};
use super::sources::LoadedSource;
use crate::jobs::{self, Job};

/// A box row: (image id, category id, x, y, w, h, iscrowd).
type BoxRow = (i64, i64, f64, f64, f64, f64, bool);

/// Stores the boxes of every image that has no imported boxes of this kind yet. Returns (boxes stored, boxes
/// outside their image, images skipped).
pub(super) async fn store_boxes(
    conn: &mut SqliteConnection,
    job: &Job,
    kind: ImportAs,
    boxes_of: &[(i64, Vec<&DatasetBox>, u32, u32)],
    category_of: &HashMap<String, i64>,
    now_ms: i64,
) -> anyhow::Result<(usize, usize, usize)> {
    let already: HashSet<i64> = match kind {
        ImportAs::Pre => sqlx::query_scalar(
            "SELECT DISTINCT p.image_id FROM pre_annotations p JOIN images i ON i.id = p.image_id WHERE i.job_id = ?",
        ),
        ImportAs::Final => sqlx::query_scalar(
            "SELECT s.image_id FROM submissions s JOIN images i ON i.id = s.image_id
             WHERE i.job_id = ? AND s.imported = 1",
        ),
    }
    .bind(job.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let mut rows: Vec<BoxRow> = Vec::new();
    let (mut dropped, mut skipped) = (0, 0);
    let mut finals: Vec<(i64, String)> = Vec::new();
    for (image_id, boxes, width, height) in boxes_of {
        if already.contains(image_id) {
            skipped += 1;
            continue;
        }
        let bounds = crowdbox_core::formats::DatasetImage::new("", *width, *height);
        let mut content = Sha256::new();
        for dataset_box in boxes {
            let Some(rect) = clip_to_image(&dataset_box.rect, &bounds) else {
                dropped += 1;
                continue;
            };
            let category = category_of[&dataset_box.label];
            content.update(format!(
                "{category} {} {} {} {};",
                rect.x, rect.y, rect.w, rect.h
            ));
            rows.push((
                *image_id,
                category,
                rect.x,
                rect.y,
                rect.w,
                rect.h,
                dataset_box.iscrowd,
            ));
        }
        if kind == ImportAs::Final {
            finals.push((*image_id, hex::encode(content.finalize())));
        }
    }
    let table = match kind {
        ImportAs::Pre => "pre_annotations (image_id",
        ImportAs::Final => "annotations (submission_id, image_id",
    };
    // Ids given here as SQLite would give them (see `next_id`), so none is read back.
    let first_id = next_id(conn, "submissions").await?;
    let submission_of: HashMap<i64, i64> = (first_id..)
        .zip(&finals)
        .map(|(id, (image_id, _))| (*image_id, id))
        .collect();
    for chunk in finals.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO submissions (id, submission_id, image_id, worker_id, content_sha256, received_at, imported) ",
        );
        insert.push_values(chunk, |mut row, (image_id, sha)| {
            row.push_bind(submission_of[image_id])
                .push_bind(format!("import-{image_id}-{now_ms}"))
                .push_bind(*image_id)
                .push_bind(IMPORT_WORKER)
                .push_bind(sha.clone())
                .push_bind(now_ms)
                .push_bind(1);
        });
        insert.build().execute(&mut *conn).await?;
    }
    for chunk in rows.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(format!(
            "INSERT INTO {table}, category_id, x, y, w, h, iscrowd) "
        ));
        insert.push_values(
            chunk,
            |mut row, (image_id, category, x, y, w, h, iscrowd)| {
                if kind == ImportAs::Final {
                    row.push_bind(submission_of[image_id]);
                }
                row.push_bind(*image_id)
                    .push_bind(*category)
                    .push_bind(*x)
                    .push_bind(*y)
                    .push_bind(*w)
                    .push_bind(*h)
                    .push_bind(*iscrowd);
            },
        );
        insert.build().execute(&mut *conn).await?;
    }
    Ok((rows.len(), dropped, skipped))
}

/// Each job label's category id; refuses box labels the job does not have, naming them and their counts.
pub(super) async fn check_labels(
    conn: &mut SqliteConnection,
    job: &Job,
    source: &LoadedSource,
) -> anyhow::Result<HashMap<String, i64>> {
    let categories = jobs::categories(conn, job).await?;
    let category_of: HashMap<String, i64> = categories
        .iter()
        .map(|category| {
            (
                category.name.clone(),
                i64::try_from(category.id).unwrap_or_default(),
            )
        })
        .collect();
    let mut unknown: Vec<(String, usize)> = Vec::new();
    for dataset_box in source.dataset.images.iter().flat_map(|image| &image.boxes) {
        if !category_of.contains_key(&dataset_box.label) {
            match unknown
                .iter_mut()
                .find(|(label, _)| *label == dataset_box.label)
            {
                Some((_, count)) => *count += 1,
                None => unknown.push((dataset_box.label.clone(), 1)),
            }
        }
    }
    if !unknown.is_empty() {
        let listed: Vec<String> = unknown
            .iter()
            .map(|(label, count)| format!("{label} ({count} boxes)"))
            .collect();
        let known: Vec<&str> = categories
            .iter()
            .map(|category| category.name.as_str())
            .collect();
        bail!(
            "{}: labels that job {} does not have: {}; the job's labels are {}; rename them with --class-map \
             (e.g. a line `{}={}`)",
            source.origin, job.name, listed.join(", "), known.join(", "), unknown[0].0, known[0]
        );
    }
    Ok(category_of)
}
