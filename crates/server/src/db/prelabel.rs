//! `crowdbox prelabel`: which images a run goes over, and storing a chunk of a detector's boxes as
//! pre-annotations with their scores.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Rows per multi-row INSERT (7 values a row, well under SQLite's 32,766 bound values).
const CHUNK: usize = 500;

/// An image of the job as a run sees it: its file in the image store (empty with a URL) and its display size.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
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
pub async fn images_to_prelabel(
    conn: &mut SqliteConnection,
    job_id: i64,
    replace: bool,
) -> Result<Vec<PrelabelImage>, sqlx::Error> {
    let sql = if replace {
        "SELECT id, store_path, width, height, source_url FROM images WHERE job_id = $1 ORDER BY id"
    } else {
        "SELECT id, store_path, width, height, source_url FROM images i WHERE job_id = $1 AND prelabelled = 0
         AND NOT EXISTS (SELECT 1 FROM pre_annotations p WHERE p.image_id = i.id) ORDER BY id"
    };
    sqlx::query_as(sql).bind(job_id).fetch_all(conn).await
}

/// Replaces the pre-annotations of each image in `images` by its boxes (an image with no boxes keeps none) and
/// marks the images as run over. The caller's transaction makes a chunk all or nothing.
pub async fn store_prelabels(
    conn: &mut SqliteConnection,
    images: &[(i64, Vec<ScoredBox>)],
) -> Result<(), sqlx::Error> {
    for chunk in images.chunks(CHUNK) {
        let mut delete =
            QueryBuilder::<Sqlite>::new("DELETE FROM pre_annotations WHERE image_id IN (");
        let mut ids = delete.separated(", ");
        for (id, _) in chunk {
            ids.push_bind(*id);
        }
        delete.push(")");
        delete.build().execute(&mut *conn).await?;
        let mut mark =
            QueryBuilder::<Sqlite>::new("UPDATE images SET prelabelled = 1 WHERE id IN (");
        let mut ids = mark.separated(", ");
        for (id, _) in chunk {
            ids.push_bind(*id);
        }
        mark.push(")");
        mark.build().execute(&mut *conn).await?;
    }
    let rows: Vec<(i64, ScoredBox)> = images
        .iter()
        .flat_map(|(id, boxes)| boxes.iter().map(move |b| (*id, *b)))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO pre_annotations (image_id, category_id, x, y, w, h, score) ",
        );
        insert.push_values(chunk, |mut row, (image_id, new)| {
            let [x, y, w, h] = new.rect;
            row.push_bind(*image_id)
                .push_bind(new.category_id)
                .push_bind(x)
                .push_bind(y)
                .push_bind(w)
                .push_bind(h)
                .push_bind(new.score);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}
