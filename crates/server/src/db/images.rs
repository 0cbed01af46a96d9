//! Where an image's bytes are: the image store path and type that `GET /api/images/{id}` and image exports use.

use super::sql::DbError;
use super::Store;
use crate::params;

/// A stored image's file: its path relative to the image store, its MIME type and the SHA-256 of its bytes.
pub struct StoredFile {
    pub store_path: String,
    pub mime: String,
    pub sha256: String,
}

pub async fn stored_file(store: &Store, image_id: i64) -> Result<Option<StoredFile>, DbError> {
    store.connect().await?.row(
        "SELECT store_path, mime, sha256 FROM images WHERE id = ?1",
        params![image_id],
        |row| {
            Ok(StoredFile {
                store_path: row.get(0)?,
                mime: row.get(1)?,
                sha256: row.get(2)?,
            })
        },
    )
}

/// Every image of the job in id order: (file name it was imported from, store path, source URL). Images at a URL
/// have an empty store path.
pub async fn job_files(
    store: &Store,
    job_id: i64,
) -> Result<Vec<(String, String, Option<String>)>, DbError> {
    store.connect().await?.rows(
        "SELECT file_name, store_path, source_url FROM images WHERE job_id = ?1 ORDER BY id",
        params![job_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
}
