//! Reading jobs, their categories and their progress; creating jobs from a [`JobSpec`].

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::wire::{ExampleImage, ExampleKind, TaskMode};
use sqlx::{SqliteConnection, SqlitePool};

use crate::formats_io::job_file::{Example, JobSpec};
use crate::to_u64;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub name: String,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
    /// `draw`, `adjust` or `verify`.
    pub mode: String,
    pub allow_carry_forward: bool,
    /// JSON array of [`Example`]s.
    pub examples: String,
}

/// The columns [`Job`] is read from.
const JOB_COLUMNS: &str =
    "id, name, instructions, workers_per_image, batch_size, lease_seconds, mode, \
     allow_carry_forward, examples";

/// An image counts as done when it has the job's number of submissions or an imported final one.
pub const IMAGE_DONE_SQL: &str =
    "((SELECT COUNT(*) FROM submissions s WHERE s.image_id = i.id) >= j.workers_per_image \
     OR EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.imported = 1))";

impl Job {
    pub fn examples(&self) -> Vec<Example> {
        serde_json::from_str(&self.examples).unwrap_or_default()
    }

    pub fn task_mode(&self) -> TaskMode {
        match self.mode.as_str() {
            "adjust" => TaskMode::Adjust,
            "verify" => TaskMode::Verify,
            _ => TaskMode::Draw,
        }
    }

    /// The example images as the worker app gets them: a stored file is served by
    /// `GET /api/jobs/{job}/examples/{index}`, a URL is passed on. Examples whose file was not stored are left
    /// out (jobs created before examples were stored).
    pub fn example_images(&self) -> Vec<ExampleImage> {
        self.examples()
            .into_iter()
            .enumerate()
            .filter_map(|(index, example)| {
                let url = if example.is_url() {
                    example.src.clone()
                } else {
                    example.store_path.as_ref()?;
                    format!("/api/jobs/{}/examples/{index}", path_segment(&self.name))
                };
                Some(ExampleImage {
                    kind: if example.kind == "bad" {
                        ExampleKind::Bad
                    } else {
                        ExampleKind::Good
                    },
                    url,
                    caption: example.caption.clone().unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// `text` percent-encoded for one URL path segment (everything but RFC 3986's unreserved characters).
pub fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// How many images a job has and how many of them have all their submissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub images_total: u64,
    pub images_done: u64,
}

pub async fn find_job(conn: &mut SqliteConnection, name: &str) -> Result<Option<Job>, sqlx::Error> {
    sqlx::query_as::<_, Job>(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE name = ?"))
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
    let (total, done): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), COALESCE(SUM({IMAGE_DONE_SQL}), 0)
         FROM images i JOIN jobs j ON j.id = i.job_id WHERE i.job_id = ?"
    ))
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
    let jobs = sqlx::query_as::<_, Job>(&format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY name"))
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
    /// Set for images that stay at an http(s) URL instead of in the image store.
    #[sqlx(default)]
    pub source_url: Option<String>,
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
            outcomes: Default::default(),
        }
    }

    /// The task that shows this image; the task id is the image id. Stored images load from the API, remote
    /// ones from their URL. Leasing adds the image's pre-annotations.
    pub fn to_task(&self) -> crowdbox_core::wire::Task {
        crowdbox_core::wire::Task {
            task_id: to_u64(self.id),
            image: self.to_coco(),
            image_url: self
                .source_url
                .clone()
                .unwrap_or_else(|| format!("/api/images/{}", self.id)),
            initial_annotations: Vec::new(),
        }
    }
}

pub async fn find_job_image(
    conn: &mut SqliteConnection,
    job: &Job,
    image_id: i64,
) -> Result<Option<JobImage>, sqlx::Error> {
    sqlx::query_as::<_, JobImage>(
        "SELECT id, file_name, width, height, source_url FROM images WHERE id = ? AND job_id = ?",
    )
    .bind(image_id)
    .bind(job.id)
    .fetch_optional(conn)
    .await
}

/// Creates the job `spec` describes, with its labels as categories 1..n. Fails if the name is taken.
pub async fn create_job(
    conn: &mut SqliteConnection,
    spec: &JobSpec,
    now_ms: i64,
) -> anyhow::Result<Job> {
    anyhow::ensure!(
        find_job(conn, &spec.name).await?.is_none(),
        "job {} already exists; `crowdbox job show {}` describes it",
        spec.name,
        spec.name
    );
    sqlx::query(
        "INSERT INTO jobs (name, instructions, workers_per_image, batch_size, lease_seconds, mode,
                           allow_carry_forward, examples, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&spec.name)
    .bind(&spec.instructions)
    .bind(spec.workers_per_image)
    .bind(spec.batch_size)
    .bind(spec.lease_seconds)
    .bind(spec.mode.as_str())
    .bind(spec.allow_carry_forward)
    .bind(serde_json::to_string(&spec.examples)?)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let job = find_job(conn, &spec.name)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new job {} vanished", spec.name))?;
    for (index, label) in spec.labels.iter().enumerate() {
        sqlx::query("INSERT INTO labels (job_id, category_id, name) VALUES (?, ?, ?)")
            .bind(job.id)
            .bind(i64::try_from(index + 1)?)
            .bind(label)
            .execute(&mut *conn)
            .await?;
    }
    Ok(job)
}

/// `crowdbox job list`'s table.
pub struct JobTable(pub Vec<JobSummary>);

impl std::fmt::Display for JobTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return writeln!(
                f,
                "no jobs yet; create one with `crowdbox job create --name NAME --labels A,B`"
            );
        }
        let width = self
            .0
            .iter()
            .map(|s| s.job.name.len())
            .max()
            .unwrap_or(0)
            .max(3);
        writeln!(
            f,
            "{:<width$}  {:>6}  {:>6}  {:>11}  {:>17}  {:<6}",
            "job", "images", "done", "submissions", "workers_per_image", "mode"
        )?;
        for summary in &self.0 {
            writeln!(
                f,
                "{:<width$}  {:>6}  {:>6}  {:>11}  {:>17}  {:<6}",
                summary.job.name,
                summary.progress.images_total,
                summary.progress.images_done,
                summary.submissions,
                summary.job.workers_per_image,
                summary.job.mode
            )?;
        }
        Ok(())
    }
}

/// Everything `crowdbox job show` prints.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct JobDetails {
    pub name: String,
    pub labels: Vec<String>,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
    pub mode: String,
    pub allow_carry_forward: bool,
    pub examples: Vec<Example>,
    pub images_total: u64,
    pub images_done: u64,
    pub pre_annotated_images: u64,
}

pub async fn describe_job(pool: &SqlitePool, job: Job) -> Result<JobDetails, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let labels = categories(&mut conn, &job)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    let progress = progress(&mut conn, &job).await?;
    let pre_annotated: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT p.image_id) FROM pre_annotations p JOIN images i ON i.id = p.image_id
         WHERE i.job_id = ?",
    )
    .bind(job.id)
    .fetch_one(&mut *conn)
    .await?;
    let examples = job.examples();
    Ok(JobDetails {
        name: job.name,
        labels,
        instructions: job.instructions,
        workers_per_image: job.workers_per_image,
        batch_size: job.batch_size,
        lease_seconds: job.lease_seconds,
        mode: job.mode,
        allow_carry_forward: job.allow_carry_forward,
        examples,
        images_total: progress.images_total,
        images_done: progress.images_done,
        pre_annotated_images: to_u64(pre_annotated),
    })
}

impl std::fmt::Display for JobDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "job {}", self.name)?;
        writeln!(f, "labels: {}", self.labels.join(", "))?;
        writeln!(f, "mode: {}", self.mode)?;
        writeln!(f, "workers per image: {}", self.workers_per_image)?;
        writeln!(f, "batch size: {}", self.batch_size)?;
        writeln!(f, "task time limit: {} s", self.lease_seconds)?;
        let carry = if self.allow_carry_forward {
            "yes"
        } else {
            "no"
        };
        writeln!(f, "carry boxes forward: {carry}")?;
        for example in &self.examples {
            writeln!(f, "{} example: {}", example.kind, example.src)?;
        }
        writeln!(
            f,
            "images: {} total, {} done, {} with pre-annotations",
            self.images_total, self.images_done, self.pre_annotated_images
        )?;
        if self.instructions.is_empty() {
            write!(f, "instructions: none")
        } else {
            write!(f, "instructions:\n{}", self.instructions.trim_end())
        }
    }
}
