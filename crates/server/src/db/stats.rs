//! What `crowdbox stats` reads besides the job's rows ([`super::bulk`]).

use sqlx::SqliteConnection;

/// The ids of the job's done images.
pub async fn done_images(
    conn: &mut SqliteConnection,
    job_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM images WHERE job_id = $1 AND done")
        .bind(job_id)
        .fetch_all(conn)
        .await
}
