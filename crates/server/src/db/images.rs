//! Where an image's bytes are: the image store path and type that `GET /api/images/{id}` and image exports use.

use super::Store;

/// A stored image's file: its path relative to the image store, its MIME type and the SHA-256 of its bytes.
pub struct StoredFile {
    pub store_path: String,
    pub mime: String,
    pub sha256: String,
}

pub async fn stored_file(store: &Store, image_id: i64) -> Result<Option<StoredFile>, sqlx::Error> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT store_path, mime, sha256 FROM images WHERE id = $1")
            .bind(image_id)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|(store_path, mime, sha256)| StoredFile {
        store_path,
        mime,
        sha256,
    }))
}

/// Every image of the job in id order: (file name it was imported from, store path, source URL). Images at a URL
/// have an empty store path.
pub async fn job_files(
    store: &Store,
    job_id: i64,
) -> Result<Vec<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT file_name, store_path, source_url FROM images WHERE job_id = $1 ORDER BY id",
    )
    .bind(job_id)
    .fetch_all(store.pool())
    .await
}
