//! The counts `crowdbox stats` reads besides the consolidated boxes.

use super::{to_u64, Store};

/// What the job's workers did: raw boxes per label (in category id order), how many distinct workers
/// submitted (imported final boxes are nobody's), and every timed task's duration.
pub struct WorkCounts {
    pub boxes_per_label: Vec<(String, u64)>,
    pub workers: u64,
    pub durations_ms: Vec<u64>,
}

pub async fn work_counts(store: &Store, job_id: i64) -> Result<WorkCounts, sqlx::Error> {
    let mut conn = store.pool().acquire().await?;
    let boxes_per_label: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.name, (SELECT COUNT(*) FROM annotations a JOIN images i ON i.id = a.image_id
                         WHERE i.job_id = l.job_id AND a.category_id = l.category_id)
         FROM labels l WHERE l.job_id = $1 ORDER BY l.category_id",
    )
    .bind(job_id)
    .fetch_all(&mut *conn)
    .await?;
    let workers: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT s.worker_id) FROM submissions s JOIN images i ON i.id = s.image_id
         WHERE i.job_id = $1 AND NOT s.imported",
    )
    .bind(job_id)
    .fetch_one(&mut *conn)
    .await?;
    let durations: Vec<i64> = sqlx::query_scalar(
        "SELECT s.duration_ms FROM submissions s JOIN images i ON i.id = s.image_id
         WHERE i.job_id = $1 AND s.duration_ms IS NOT NULL AND NOT s.imported",
    )
    .bind(job_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(WorkCounts {
        boxes_per_label: boxes_per_label
            .into_iter()
            .map(|(label, count)| (label, to_u64(count)))
            .collect(),
        workers: to_u64(workers),
        durations_ms: durations.into_iter().map(to_u64).collect(),
    })
}
