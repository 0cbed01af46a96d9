//! Writing imports: new images, pre-annotations and imported final submissions with their boxes, in
//! multi-row INSERTs inside the import's one write transaction.

use std::collections::{HashMap, HashSet};

use anyhow::Context;

use super::sql::{Conn, DbError};
use crate::params;

/// The worker id imported final submissions are stored under.
pub const IMPORT_WORKER: &str = "import";

/// A new `images` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewImage {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    /// Relative to the image store; empty for an image at a URL.
    pub store_path: String,
    /// Empty for an image at a URL.
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub source_url: Option<String>,
    /// A gold image (`import --as gold`).
    pub is_gold: bool,
}

/// A box to store for an image, in natural image pixels, already clipped to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NewBox {
    pub image_id: i64,
    pub category_id: i64,
    pub rect: [f64; 4],
    pub iscrowd: bool,
}

/// What imported boxes are stored as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxTable {
    /// `pre_annotations`: the task's initial boxes.
    Pre,
    /// `annotations` of an imported final submission.
    Final,
    /// `gold_boxes`: a gold image's known boxes.
    Gold,
}

/// The id the next row of `table` gets (one more than the largest; the import's transaction holds the write
/// lock), so that a bulk insert's ids need not be read back row by row.
fn next_id(conn: &mut Conn, table: &'static str) -> anyhow::Result<i64> {
    let largest: i64 = conn.value(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"), &[])?;
    largest
        .checked_add(1)
        .with_context(|| format!("the {table} table has used up its ids"))
}

/// The next free image id; [`insert_images`] takes rows numbered from it.
pub fn next_image_id(conn: &mut Conn) -> anyhow::Result<i64> {
    next_id(conn, "images")
}

/// The job's images by the SHA-256 of their bytes (of their URL for remote ones).
pub fn image_ids(conn: &mut Conn, job_id: i64) -> Result<HashMap<String, i64>, DbError> {
    Ok(conn
        .rows(
            "SELECT sha256, id FROM images WHERE job_id = ?1",
            params![job_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .into_iter()
        .collect())
}

pub fn insert_images(
    conn: &mut Conn,
    job_id: i64,
    images: &[NewImage],
    now_ms: i64,
) -> Result<(), DbError> {
    conn.insert_rows(
        "images (id, job_id, file_name, sha256, store_path, mime, width, height, added_at, source_url, is_gold)",
        images.iter().map(|image| {
            params![
                image.id,
                job_id,
                &image.file_name,
                &image.sha256,
                &image.store_path,
                &image.mime,
                image.width,
                image.height,
                now_ms,
                &image.source_url,
                image.is_gold
            ]
            .to_vec()
        }),
    )?;
    conn.ids_chosen("images")
}

/// The job's gold images.
pub fn gold_image_ids(conn: &mut Conn, job_id: i64) -> Result<HashSet<i64>, DbError> {
    Ok(conn
        .column::<i64>(
            "SELECT id FROM images WHERE job_id = ?1 AND is_gold = 1",
            params![job_id],
        )?
        .into_iter()
        .collect())
}

/// The job's images that already have imported boxes of this kind.
pub fn images_with_boxes(
    conn: &mut Conn,
    job_id: i64,
    table: BoxTable,
) -> Result<HashSet<i64>, DbError> {
    let sql = match table {
        BoxTable::Pre => {
            "SELECT DISTINCT p.image_id FROM pre_annotations p JOIN images i ON i.id = p.image_id
             WHERE i.job_id = ?1"
        }
        BoxTable::Final => {
            "SELECT s.image_id FROM submissions s JOIN images i ON i.id = s.image_id
             WHERE i.job_id = ?1 AND s.imported = 1"
        }
        BoxTable::Gold => {
            "SELECT DISTINCT g.image_id FROM gold_boxes g JOIN images i ON i.id = g.image_id
             WHERE i.job_id = ?1"
        }
    };
    Ok(conn
        .column::<i64>(sql, params![job_id])?
        .into_iter()
        .collect())
}

/// Stores the boxes as pre-annotations, or as one imported final submission per image (`finals`: each image
/// with the content hash of its boxes, also images without boxes).
pub fn insert_boxes(
    conn: &mut Conn,
    table: BoxTable,
    boxes: &[NewBox],
    finals: &[(i64, String)],
    now_ms: i64,
) -> anyhow::Result<()> {
    let first_id = next_id(conn, "submissions")?;
    let submission_of: HashMap<i64, i64> = (first_id..)
        .zip(finals)
        .map(|(id, (image_id, _))| (*image_id, id))
        .collect();
    let keys: Vec<String> = finals
        .iter()
        .map(|(image_id, _)| format!("import-{image_id}-{now_ms}"))
        .collect();
    conn.insert_rows(
        "submissions (id, submission_id, image_id, worker_id, content_sha256, received_at, imported)",
        finals.iter().zip(&keys).map(|((image_id, sha), key)| {
            params![
                submission_of[image_id],
                key,
                *image_id,
                IMPORT_WORKER,
                sha,
                now_ms,
                true
            ]
            .to_vec()
        }),
    )?;
    if !finals.is_empty() {
        conn.ids_chosen("submissions")?;
    }
    let (into, final_boxes) = match table {
        BoxTable::Pre => (
            "pre_annotations (image_id, category_id, x, y, w, h, iscrowd)",
            false,
        ),
        BoxTable::Gold => (
            "gold_boxes (image_id, category_id, x, y, w, h, iscrowd)",
            false,
        ),
        BoxTable::Final => (
            "annotations (submission_id, image_id, category_id, x, y, w, h, iscrowd)",
            true,
        ),
    };
    conn.insert_rows(
        into,
        boxes.iter().map(|new| {
            let [x, y, w, h] = new.rect;
            let mut row = Vec::with_capacity(8);
            if final_boxes {
                row.push(submission_of[&new.image_id].into());
            }
            row.extend_from_slice(params![
                new.image_id,
                new.category_id,
                x,
                y,
                w,
                h,
                new.iscrowd
            ]);
            row
        }),
    )?;
    Ok(())
}
