//! Reading jobs, their categories and their progress.

use crowdbox_core::coco::CocoCategory;
use sqlx::{SqliteConnection, SqlitePool};

use crate::to_u64;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub name: String,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
}

/// How many images a job has and how many of them have all their submissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub images_total: u64,
    pub images_done: u64,
}

pub async fn find_job(conn: &mut SqliteConnection, name: &str) -> Result<Option<Job>, sqlx::Error> {
    sqlx::query_as::<_, Job>(
        "SELECT id, name, instructions, workers_per_image, batch_size, lease_seconds FROM jobs WHERE name = ?",
    )
    .bind(name)
    .fetch_optional(conn)
    .await
}

/// The job's labels as COCO categories, ids 1..n in the order they were given. The supercategory is the job's
/// name: COCO readers expect a non-empty one, and it tells merged datasets apart.
pub async fn categories(
    conn: &mut SqliteConnection,
    job: &Job,
) -> Result<Vec<CocoCategory>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT category_id, name FROM labels WHERE job_id = ? ORDER BY category_id",
    )
    .bind(job.id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| CocoCategory {
            id: to_u64(id),
            name,
            supercategory: job.name.clone(),
        })
        .collect())
}

pub async fn progress(conn: &mut SqliteConnection, job: &Job) -> Result<Progress, sqlx::Error> {
    let (total, done): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*),
                COALESCE(SUM((SELECT COUNT(*) FROM submissions s WHERE s.image_id = i.id) >= ?), 0)
         FROM images i WHERE i.job_id = ?",
    )
    .bind(job.workers_per_image)
    .bind(job.id)
    .fetch_one(conn)
    .await?;
    Ok(Progress {
        images_total: to_u64(total),
        images_done: to_u64(done),
    })
}

/// One line of `crowdbox jobs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobSummary {
    pub job: Job,
    pub progress: Progress,
    pub submissions: u64,
}

pub async fn list_jobs(pool: &SqlitePool) -> Result<Vec<JobSummary>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let jobs = sqlx::query_as::<_, Job>(
        "SELECT id, name, instructions, workers_per_image, batch_size, lease_seconds FROM jobs ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut summaries = Vec::with_capacity(jobs.len());
    for job in jobs {
        let progress = progress(&mut conn, &job).await?;
        let (submissions,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM submissions s JOIN images i ON i.id = s.image_id WHERE i.job_id = ?",
        )
        .bind(job.id)
        .fetch_one(&mut *conn)
        .await?;
        summaries.push(JobSummary {
            job,
            progress,
            submissions: to_u64(submissions),
        });
    }
    Ok(summaries)
}

/// All job names, for error messages that suggest what exists.
pub async fn job_names(pool: &SqlitePool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM jobs ORDER BY name")
        .fetch_all(pool)
        .await
}

/// An image of a job as tasks and exports describe it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct JobImage {
    pub id: i64,
    pub file_name: String,
    pub width: i64,
    pub height: i64,
}

impl JobImage {
    pub fn to_coco(&self) -> crowdbox_core::coco::CocoImage {
        crowdbox_core::coco::CocoImage {
            id: to_u64(self.id),
            file_name: self.file_name.clone(),
            width: u32::try_from(self.width).unwrap_or_default(),
            height: u32::try_from(self.height).unwrap_or_default(),
            license: None,
            date_captured: None,
        }
    }

    /// The task that shows this image; the task id is the image id.
    pub fn to_task(&self) -> crowdbox_core::wire::Task {
        crowdbox_core::wire::Task {
            task_id: to_u64(self.id),
            image: self.to_coco(),
            image_url: format!("/api/images/{}", self.id),
        }
    }
}

pub async fn find_job_image(
    conn: &mut SqliteConnection,
    job: &Job,
    image_id: i64,
) -> Result<Option<JobImage>, sqlx::Error> {
    sqlx::query_as::<_, JobImage>(
        "SELECT id, file_name, width, height FROM images WHERE id = ? AND job_id = ?",
    )
    .bind(image_id)
    .bind(job.id)
    .fetch_optional(conn)
    .await
}
