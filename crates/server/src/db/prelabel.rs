//! `crowdbox prelabel`: which images a run goes over, and storing a chunk of a detector's boxes as
//! pre-annotations with their scores.

use super::sql::{numbered, Conn, DbError, Param};
use crate::params;

/// Images per DELETE and UPDATE of a chunk.
const CHUNK: usize = 500;

/// An image of the job as a run sees it: its file in the image store (empty with a URL) and its display size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrelabelImage {
    pub id: i64,
    pub store_path: String,
    pub width: i64,
    pub height: i64,
    pub source_url: Option<String>,
}

/// A model box to store: category id (1..n), rect in natural image pixels, score 0–1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredBox {
    pub category_id: i64,
    pub rect: [f64; 4],
    pub score: f64,
}

/// The job's images in id order: all of them with `replace`, else those no model has been run over and that
/// have no imported pre-annotations.
pub fn images_to_prelabel(
    conn: &mut Conn,
    job_id: i64,
    replace: bool,
) -> Result<Vec<PrelabelImage>, DbError> {
    let sql = if replace {
        "SELECT id, store_path, width, height, source_url FROM images WHERE job_id = ?1 ORDER BY id"
    } else {
        "SELECT id, store_path, width, height, source_url FROM images i WHERE job_id = ?1 AND prelabelled = 0
         AND NOT EXISTS (SELECT 1 FROM pre_annotations p WHERE p.image_id = i.id) ORDER BY id"
    };
    conn.rows(sql, params![job_id], |row| {
        Ok(PrelabelImage {
            id: row.get(0)?,
            store_path: row.get(1)?,
            width: row.get(2)?,
            height: row.get(3)?,
            source_url: row.get(4)?,
        })
    })
}

/// Replaces the pre-annotations of each image in `images` by its boxes (an image with no boxes keeps none) and
/// marks the images as run over. The caller's transaction makes a chunk all or nothing.
pub fn store_prelabels(conn: &mut Conn, images: &[(i64, Vec<ScoredBox>)]) -> Result<(), DbError> {
    for chunk in images.chunks(CHUNK) {
        let ids: Vec<Param<'_>> = chunk.iter().map(|(id, _)| Param::from(*id)).collect();
        let list = numbered(ids.len());
        conn.execute(
            &format!("DELETE FROM pre_annotations WHERE image_id IN ({list})"),
            &ids,
        )?;
        conn.execute(
            &format!("UPDATE images SET prelabelled = 1 WHERE id IN ({list})"),
            &ids,
        )?;
    }
    conn.insert_rows(
        "pre_annotations (image_id, category_id, x, y, w, h, score)",
        images.iter().flat_map(|(image_id, boxes)| {
            boxes.iter().map(move |new| {
                let [x, y, w, h] = new.rect;
                params![*image_id, new.category_id, x, y, w, h, new.score].to_vec()
            })
        }),
    )
}
