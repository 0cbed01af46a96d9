//! Jobs, their labels (COCO categories), their settings and their progress.

use std::collections::BTreeMap;

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::quality::JobQuality;
use crowdbox_core::wire::TaskMode;
use sqlx::SqliteConnection;

use super::{to_u64, Store};
use crate::formats_io::job_file::{Example, JobSpec, LeaseOrder};

/// A job as it is stored. The one definition: requests, the writer thread, the command line and exports all read
/// this.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: i64,
    pub name: String,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
    pub mode: TaskMode,
    pub allow_carry_forward: bool,
    /// Whether workers need an invite (see [`crate::invites`]).
    pub requires_invite: bool,
    pub examples: Vec<Example>,
    /// Objects per label the owner aims for.
    pub label_targets: BTreeMap<String, u64>,
    /// Gold rate, blocking and adaptive redundancy.
    pub quality: JobQuality,
    /// The order leasing offers images in.
    pub lease_order: LeaseOrder,
}

/// The columns a [`Job`] is read from, in [`job_from_row`]'s order.
pub(super) const JOB_COLUMNS: &str =
    "id, name, instructions, workers_per_image, batch_size, lease_seconds, mode, allow_carry_forward, \
     requires_invite, examples, label_targets, quality, lease_order";

/// A `jobs` row as SQLite gives it (the mode and the examples are text there).
#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    name: String,
    instructions: String,
    workers_per_image: i64,
    batch_size: i64,
    lease_seconds: i64,
    mode: String,
    allow_carry_forward: bool,
    requires_invite: bool,
    examples: String,
    label_targets: String,
    quality: String,
    lease_order: String,
}

impl From<JobRow> for Job {
    fn from(row: JobRow) -> Self {
        job_from_parts(
            (row.id, row.name, row.instructions),
            (row.workers_per_image, row.batch_size, row.lease_seconds),
            (&row.mode, &row.lease_order),
            (row.allow_carry_forward, row.requires_invite),
            (&row.examples, &row.label_targets, &row.quality),
        )
    }
}

/// A [`Job`] from its stored parts. The migrations' CHECKs keep `mode` one of [`TaskMode`]'s names and
/// `lease_order` one of [`LeaseOrder`]'s; `examples`
/// (a JSON array) and `label_targets` (a JSON object) are written by this module only.
pub(super) fn job_from_parts(
    (id, name, instructions): (i64, String, String),
    (workers_per_image, batch_size, lease_seconds): (i64, i64, i64),
    (mode, lease_order): (&str, &str),
    (allow_carry_forward, requires_invite): (bool, bool),
    (examples, label_targets, quality): (&str, &str, &str),
) -> Job {
    Job {
        id,
        name,
        instructions,
        workers_per_image,
        batch_size,
        lease_seconds,
        mode: mode.parse().unwrap_or_default(),
        allow_carry_forward,
        requires_invite,
        examples: serde_json::from_str(examples).unwrap_or_default(),
        label_targets: serde_json::from_str(label_targets).unwrap_or_default(),
        quality: serde_json::from_str(quality).unwrap_or_default(),
        lease_order: lease_order.parse().unwrap_or_default(),
    }
}

/// How many images a job has and how many of them are done. An image is done when it has the job's
/// `workers_per_image` submissions or an imported final one; the triggers of migration `image_progress` keep
/// that rule (`images.done`) and the job's counts (`jobs.images_total`, `jobs.images_done`) for every writer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub images_total: u64,
    pub images_done: u64,
}

/// One line of `crowdbox jobs`.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSummary {
    pub job: Job,
    pub progress: Progress,
    pub submissions: u64,
}

/// An image of a job as tasks and exports describe it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct JobImage {
    pub id: i64,
    pub file_name: String,
    pub width: i64,
    pub height: i64,
    /// Set for images that stay at an http(s) URL instead of in the image store.
    pub source_url: Option<String>,
}

/// A setting `crowdbox job update` (and a re-import with flags) can change.
#[derive(Clone, Debug, PartialEq)]
pub enum Setting {
    Instructions(String),
    WorkersPerImage(u32),
    BatchSize(u32),
    LeaseSeconds(u32),
    Mode(TaskMode),
    AllowCarryForward(bool),
    LabelTargets(BTreeMap<String, u64>),
    Quality(JobQuality),
    LeaseOrder(LeaseOrder),
}

impl Setting {
    /// The setting's name, as the command line's flags and `job show` spell it (and its column).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Instructions(_) => "instructions",
            Self::WorkersPerImage(_) => "workers_per_image",
            Self::BatchSize(_) => "batch_size",
            Self::LeaseSeconds(_) => "lease_seconds",
            Self::Mode(_) => "mode",
            Self::AllowCarryForward(_) => "allow_carry_forward",
            Self::LabelTargets(_) => "label_targets",
            Self::Quality(_) => "quality",
            Self::LeaseOrder(_) => "lease_order",
        }
    }

    /// Whether `job` has this value already.
    pub fn is_current(&self, job: &Job) -> bool {
        match self {
            Self::Instructions(text) => *text == job.instructions,
            Self::WorkersPerImage(n) => i64::from(*n) == job.workers_per_image,
            Self::BatchSize(n) => i64::from(*n) == job.batch_size,
            Self::LeaseSeconds(n) => i64::from(*n) == job.lease_seconds,
            Self::Mode(mode) => *mode == job.mode,
            Self::AllowCarryForward(allow) => *allow == job.allow_carry_forward,
            Self::LabelTargets(targets) => *targets == job.label_targets,
            Self::Quality(quality) => *quality == job.quality,
            Self::LeaseOrder(order) => *order == job.lease_order,
        }
    }
}

pub async fn find_job(conn: &mut SqliteConnection, name: &str) -> Result<Option<Job>, sqlx::Error> {
    let row =
        sqlx::query_as::<_, JobRow>(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE name = $1"))
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(Job::from))
}

/// The job's labels as COCO categories, ids 1..n in the order they were given. The supercategory is the job's
/// name: COCO readers expect a non-empty one, and it tells merged datasets apart.
pub async fn categories(
    conn: &mut SqliteConnection,
    job: &Job,
) -> Result<Vec<CocoCategory>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT category_id, name FROM labels WHERE job_id = $1 ORDER BY category_id",
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

/// The job's label names, in category id order.
pub async fn labels(conn: &mut SqliteConnection, job: &Job) -> Result<Vec<String>, sqlx::Error> {
    Ok(categories(conn, job)
        .await?
        .into_iter()
        .map(|category| category.name)
        .collect())
}

/// The job's progress from the counters the image triggers keep (see [`Progress`]).
pub async fn progress(conn: &mut SqliteConnection, job_id: i64) -> Result<Progress, sqlx::Error> {
    let (total, done): (i64, i64) =
        sqlx::query_as("SELECT images_total, images_done FROM jobs WHERE id = $1")
            .bind(job_id)
            .fetch_optional(conn)
            .await?
            .unwrap_or_default();
    Ok(Progress {
        images_total: to_u64(total),
        images_done: to_u64(done),
    })
}

pub async fn list_jobs(store: &Store) -> Result<Vec<JobSummary>, sqlx::Error> {
    let mut conn = store.pool().acquire().await?;
    let rows =
        sqlx::query_as::<_, JobRow>(&format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY name"))
            .fetch_all(&mut *conn)
            .await?;
    let mut summaries = Vec::with_capacity(rows.len());
    for row in rows {
        let job = Job::from(row);
        let progress = progress(&mut conn, job.id).await?;
        let submissions = submission_count(&mut conn, job.id).await?;
        summaries.push(JobSummary {
            job,
            progress,
            submissions,
        });
    }
    Ok(summaries)
}

/// How many submissions (workers' and imported final ones) the job's images have.
pub async fn submission_count(
    conn: &mut SqliteConnection,
    job_id: i64,
) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM submissions s JOIN images i ON i.id = s.image_id WHERE i.job_id = $1",
    )
    .bind(job_id)
    .fetch_one(conn)
    .await?;
    Ok(to_u64(count))
}

/// How many of the job's images have pre-annotations.
pub async fn pre_annotated_images(
    conn: &mut SqliteConnection,
    job_id: i64,
) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT p.image_id) FROM pre_annotations p JOIN images i ON i.id = p.image_id
         WHERE i.job_id = $1",
    )
    .bind(job_id)
    .fetch_one(conn)
    .await?;
    Ok(to_u64(count))
}

/// All job names, for error messages that suggest what exists.
pub async fn job_names(store: &Store) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM jobs ORDER BY name")
        .fetch_all(store.pool())
        .await
}

pub async fn find_job_image(
    conn: &mut SqliteConnection,
    job: &Job,
    image_id: i64,
) -> Result<Option<JobImage>, sqlx::Error> {
    sqlx::query_as::<_, JobImage>(
        "SELECT id, file_name, width, height, source_url FROM images WHERE id = $1 AND job_id = $2",
    )
    .bind(image_id)
    .bind(job.id)
    .fetch_optional(conn)
    .await
}

/// Creates the job `spec` describes, with its labels as categories 1..n, inside the caller's write
/// transaction. Fails if the name is taken.
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
                           allow_carry_forward, examples, created_at, quality, lease_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .bind(serde_json::to_string(&spec.quality)?)
    .bind(spec.lease_order.as_str())
    .execute(&mut *conn)
    .await?;
    let job = find_job(conn, &spec.name)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new job {} vanished", spec.name))?;
    for (index, label) in spec.labels.iter().enumerate() {
        sqlx::query("INSERT INTO labels (job_id, category_id, name) VALUES ($1, $2, $3)")
            .bind(job.id)
            .bind(i64::try_from(index + 1)?)
            .bind(label)
            .execute(&mut *conn)
            .await?;
    }
    Ok(job)
}

/// Writes one setting of the job. When `workers_per_image` changes, the triggers of migration `image_progress`
/// recompute every image's `done` flag and the job's done count in the same transaction.
pub async fn set_setting(
    conn: &mut SqliteConnection,
    job_id: i64,
    setting: &Setting,
) -> Result<(), sqlx::Error> {
    // The column is one of `Setting::name`'s fixed names, never user input.
    let sql = format!("UPDATE jobs SET {} = $1 WHERE id = $2", setting.name());
    let query = sqlx::query(&sql);
    let query = match setting {
        Setting::Instructions(text) => query.bind(text.clone()),
        Setting::WorkersPerImage(n) | Setting::BatchSize(n) | Setting::LeaseSeconds(n) => {
            query.bind(i64::from(*n))
        }
        Setting::Mode(mode) => query.bind(mode.as_str()),
        Setting::LeaseOrder(order) => query.bind(order.as_str()),
        Setting::AllowCarryForward(allow) => query.bind(*allow),
        Setting::LabelTargets(targets) => {
            query.bind(serde_json::to_string(targets).unwrap_or_else(|_| "{}".to_owned()))
        }
        Setting::Quality(quality) => {
            query.bind(serde_json::to_string(quality).unwrap_or_else(|_| "{}".to_owned()))
        }
    };
    query.bind(job_id).execute(conn).await?;
    Ok(())
}

/// How many of the job's images are not done and leased to a worker until after `now_ms`.
pub async fn images_in_progress(
    conn: &mut SqliteConnection,
    job_id: i64,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT l.image_id) FROM leases l JOIN images i ON i.id = l.image_id
         WHERE i.job_id = $1 AND NOT i.done AND i.is_gold = 0 AND l.expires_at > $2",
    )
    .bind(job_id)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(to_u64(count))
}

/// How many of the job's images are not done and not leased at `now_ms` but have counted answers: waiting for
/// another opinion.
pub async fn images_waiting(
    conn: &mut SqliteConnection,
    job_id: i64,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM images i
         WHERE i.job_id = $1 AND i.done = 0 AND i.is_gold = 0 AND i.submission_count > 0
           AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.image_id = i.id AND l.expires_at > $2)",
    )
    .bind(job_id)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(to_u64(count))
}

/// How many gold images the job has.
pub async fn gold_images(conn: &mut SqliteConnection, job_id: i64) -> Result<u64, sqlx::Error> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM images WHERE job_id = $1 AND is_gold = 1")
            .bind(job_id)
            .fetch_one(conn)
            .await?;
    Ok(to_u64(count))
}
