//! Writing imports: new images, pre-annotations and imported final submissions with their boxes, in
//! multi-row INSERTs inside the import's one write transaction.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Rows per multi-row INSERT (SQLite allows 32,766 bound values per statement).
const CHUNK: usize = 500;

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

/// The id SQLite would give the next row of `table` (one more than the largest; the import's transaction holds
/// the write lock), so that a bulk insert's ids need not be read back row by row.
async fn next_id(conn: &mut SqliteConnection, table: &'static str) -> anyhow::Result<i64> {
    let largest: i64 = sqlx::query_scalar(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    largest
        .checked_add(1)
        .with_context(|| format!("the {table} table has used up its ids"))
}

/// The next free image id; [`insert_images`] takes rows numbered from it.
pub async fn next_image_id(conn: &mut SqliteConnection) -> anyhow::Result<i64> {
    next_id(conn, "images").await
}

/// The job's images by the SHA-256 of their bytes (of their URL for remote ones).
pub async fn image_ids(
    conn: &mut SqliteConnection,
    job_id: i64,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT sha256, id FROM images WHERE job_id = $1")
            .bind(job_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

pub async fn insert_images(
    conn: &mut SqliteConnection,
    job_id: i64,
    images: &[NewImage],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    for chunk in images.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO images (id, job_id, file_name, sha256, store_path, mime, width, height, added_at, \
             source_url, is_gold) ",
        );
        insert.push_values(chunk, |mut row, image| {
            row.push_bind(image.id)
                .push_bind(job_id)
                .push_bind(image.file_name.clone())
                .push_bind(image.sha256.clone())
                .push_bind(image.store_path.clone())
                .push_bind(image.mime.clone())
                .push_bind(image.width)
                .push_bind(image.height)
                .push_bind(now_ms)
                .push_bind(image.source_url.clone())
                .push_bind(image.is_gold);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The job's gold images.
pub async fn gold_image_ids(
    conn: &mut SqliteConnection,
    job_id: i64,
) -> Result<HashSet<i64>, sqlx::Error> {
    Ok(
        sqlx::query_scalar("SELECT id FROM images WHERE job_id = $1 AND is_gold = 1")
            .bind(job_id)
            .fetch_all(conn)
            .await?
            .into_iter()
            .collect(),
    )
}

/// The job's images that already have imported boxes of this kind.
pub async fn images_with_boxes(
    conn: &mut SqliteConnection,
    job_id: i64,
    table: BoxTable,
) -> Result<HashSet<i64>, sqlx::Error> {
    let sql = match table {
        BoxTable::Pre => {
            "SELECT DISTINCT p.image_id FROM pre_annotations p JOIN images i ON i.id = p.image_id
             WHERE i.job_id = $1"
        }
        BoxTable::Final => {
            "SELECT s.image_id FROM submissions s JOIN images i ON i.id = s.image_id
             WHERE i.job_id = $1 AND s.imported"
        }
        BoxTable::Gold => {
            "SELECT DISTINCT g.image_id FROM gold_boxes g JOIN images i ON i.id = g.image_id
             WHERE i.job_id = $1"
        }
    };
    Ok(sqlx::query_scalar(sql)
        .bind(job_id)
        .fetch_all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Stores the boxes as pre-annotations, or as one imported final submission per image (`finals`: each image
/// with the content hash of its boxes, also images without boxes).
pub async fn insert_boxes(
    conn: &mut SqliteConnection,
    table: BoxTable,
    boxes: &[NewBox],
    finals: &[(i64, String)],
    now_ms: i64,
) -> anyhow::Result<()> {
    let first_id = next_id(conn, "submissions").await?;
    let submission_of: HashMap<i64, i64> = (first_id..)
        .zip(finals)
        .map(|(id, (image_id, _))| (*image_id, id))
        .collect();
    for chunk in finals.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO submissions (id, submission_id, image_id, worker_id, content_sha256, received_at, \
             imported) ",
        );
        insert.push_values(chunk, |mut row, (image_id, sha)| {
            row.push_bind(submission_of[image_id])
                .push_bind(format!("import-{image_id}-{now_ms}"))
                .push_bind(*image_id)
                .push_bind(IMPORT_WORKER)
                .push_bind(sha.clone())
                .push_bind(now_ms)
                .push_bind(true);
        });
        insert.build().execute(&mut *conn).await?;
    }
    let columns = match table {
        BoxTable::Pre => "pre_annotations (image_id",
        BoxTable::Gold => "gold_boxes (image_id",
        BoxTable::Final => "annotations (submission_id, image_id",
    };
    for chunk in boxes.chunks(CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(format!(
            "INSERT INTO {columns}, category_id, x, y, w, h, iscrowd) "
        ));
        insert.push_values(chunk, |mut row, new| {
            if table == BoxTable::Final {
                row.push_bind(submission_of[&new.image_id]);
            }
            let [x, y, w, h] = new.rect;
            row.push_bind(new.image_id)
                .push_bind(new.category_id)
                .push_bind(x)
                .push_bind(y)
                .push_bind(w)
                .push_bind(h)
                .push_bind(new.iscrowd);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}
