//! Jobs, their labels (COCO categories), their settings and their progress.

use std::collections::BTreeMap;

use super::sql::{Conn, DbError, Row};
use super::{to_u64, Store};
use crate::formats_io::job_file::{Example, JobSpec, LeaseOrder};
use crate::params;
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::quality::JobQuality;
use crowdbox_core::wire::TaskMode;

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

/// A [`Job`] from a row of [`JOB_COLUMNS`]. The migrations' CHECKs keep `mode` one of [`TaskMode`]'s names and
/// `lease_order` one of [`LeaseOrder`]'s; `examples` (a JSON array), `label_targets` (a JSON object) and
/// `quality` are written by this module only.
pub(super) fn job_from_row(row: &Row<'_>) -> Result<Job, DbError> {
    let text = |index| row.get::<String>(index);
    Ok(Job {
        id: row.get(0)?,
        name: row.get(1)?,
        instructions: row.get(2)?,
        workers_per_image: row.get(3)?,
        batch_size: row.get(4)?,
        lease_seconds: row.get(5)?,
        mode: text(6)?.parse().unwrap_or_default(),
        allow_carry_forward: row.get(7)?,
        requires_invite: row.get(8)?,
        examples: serde_json::from_str(&text(9)?).unwrap_or_default(),
        label_targets: serde_json::from_str(&text(10)?).unwrap_or_default(),
        quality: serde_json::from_str(&text(11)?).unwrap_or_default(),
        lease_order: text(12)?.parse().unwrap_or_default(),
    })
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// The whole list of example images (files already in the store).
    Examples(Vec<Example>),
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
            Self::Examples(_) => "examples",
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
            Self::Examples(examples) => *examples == job.examples,
        }
    }
}

/// The job called `name`.
pub fn find_job(conn: &mut Conn, name: &str) -> Result<Option<Job>, DbError> {
    conn.row(
        &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE name = ?1"),
        params![name],
        job_from_row,
    )
}

/// The job's labels as COCO categories, ids 1..n in the order they were given. The supercategory is the job's
/// name: COCO readers expect a non-empty one, and it tells merged datasets apart.
pub fn categories(conn: &mut Conn, job: &Job) -> Result<Vec<CocoCategory>, DbError> {
    conn.rows(
        "SELECT category_id, name FROM labels WHERE job_id = ?1 ORDER BY category_id",
        params![job.id],
        |row| {
            Ok(CocoCategory {
                id: to_u64(row.get(0)?),
                name: row.get(1)?,
                supercategory: job.name.clone(),
            })
        },
    )
}

/// The job's label names, in category id order.
pub fn labels(conn: &mut Conn, job: &Job) -> Result<Vec<String>, DbError> {
    Ok(categories(conn, job)?
        .into_iter()
        .map(|category| category.name)
        .collect())
}

/// The job's progress from the counters the image triggers keep (see [`Progress`]).
pub fn progress(conn: &mut Conn, job_id: i64) -> Result<Progress, DbError> {
    let (total, done): (i64, i64) = conn
        .row(
            "SELECT images_total, images_done FROM jobs WHERE id = ?1",
            params![job_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .unwrap_or_default();
    Ok(Progress {
        images_total: to_u64(total),
        images_done: to_u64(done),
    })
}

pub async fn list_jobs(store: &Store) -> Result<Vec<JobSummary>, DbError> {
    let mut conn = store.connect().await?;
    let jobs = conn.rows(
        &format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY name"),
        &[],
        job_from_row,
    )?;
    let mut summaries = Vec::with_capacity(jobs.len());
    for job in jobs {
        let progress = progress(&mut conn, job.id)?;
        let submissions = submission_count(&mut conn, job.id)?;
        summaries.push(JobSummary {
            job,
            progress,
            submissions,
        });
    }
    Ok(summaries)
}

/// A count the statement gives.
fn count(conn: &mut Conn, sql: &str, params: &[super::sql::Param<'_>]) -> Result<u64, DbError> {
    conn.value::<i64>(sql, params).map(to_u64)
}

/// How many submissions (workers' and imported final ones) the job's images have.
pub fn submission_count(conn: &mut Conn, job_id: i64) -> Result<u64, DbError> {
    count(
        conn,
        "SELECT COUNT(*) FROM submissions s JOIN images i ON i.id = s.image_id WHERE i.job_id = ?1",
        params![job_id],
    )
}

/// How many of the job's images have pre-annotations.
pub fn pre_annotated_images(conn: &mut Conn, job_id: i64) -> Result<u64, DbError> {
    count(
        conn,
        "SELECT COUNT(DISTINCT p.image_id) FROM pre_annotations p JOIN images i ON i.id = p.image_id
         WHERE i.job_id = ?1",
        params![job_id],
    )
}

/// All job names, for error messages that suggest what exists.
pub async fn job_names(store: &Store) -> Result<Vec<String>, DbError> {
    store
        .connect()
        .await?
        .column("SELECT name FROM jobs ORDER BY name", &[])
}

pub fn find_job_image(
    conn: &mut Conn,
    job: &Job,
    image_id: i64,
) -> Result<Option<JobImage>, DbError> {
    conn.row(
        "SELECT id, file_name, width, height, source_url FROM images WHERE id = ?1 AND job_id = ?2",
        params![image_id, job.id],
        job_image,
    )
}

/// A row of `id, file_name, width, height, source_url`.
pub(super) fn job_image(row: &Row<'_>) -> Result<JobImage, DbError> {
    Ok(JobImage {
        id: row.get(0)?,
        file_name: row.get(1)?,
        width: row.get(2)?,
        height: row.get(3)?,
        source_url: row.get(4)?,
    })
}

/// Creates the job `spec` describes, with its labels as categories 1..n, inside the caller's write
/// transaction. Fails if the name is taken.
pub fn create_job(conn: &mut Conn, spec: &JobSpec, now_ms: i64) -> anyhow::Result<Job> {
    anyhow::ensure!(
        find_job(conn, &spec.name)?.is_none(),
        "job {} already exists; `crowdbox job show {}` describes it",
        spec.name,
        spec.name
    );
    let examples = serde_json::to_string(&spec.examples)?;
    let quality = serde_json::to_string(&spec.quality)?;
    conn.execute(
        "INSERT INTO jobs (name, instructions, workers_per_image, batch_size, lease_seconds, mode,
                           allow_carry_forward, examples, created_at, quality, lease_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            &spec.name,
            &spec.instructions,
            spec.workers_per_image,
            spec.batch_size,
            spec.lease_seconds,
            spec.mode.as_str(),
            spec.allow_carry_forward,
            &examples,
            now_ms,
            &quality,
            spec.lease_order.as_str()
        ],
    )?;
    let job = find_job(conn, &spec.name)?
        .ok_or_else(|| anyhow::anyhow!("the new job {} vanished", spec.name))?;
    conn.insert_rows(
        "labels (job_id, category_id, name)",
        spec.labels
            .iter()
            .enumerate()
            .map(|(index, label)| params![job.id, index + 1, label].to_vec()),
    )?;
    Ok(job)
}

/// Writes one setting of the job. When `workers_per_image` changes, the triggers of migration `image_progress`
/// recompute every image's `done` flag and the job's done count in the same transaction.
pub fn set_setting(conn: &mut Conn, job_id: i64, setting: &Setting) -> Result<(), DbError> {
    // The column is one of `Setting::name`'s fixed names, never user input.
    let sql = format!("UPDATE jobs SET {} = ?1 WHERE id = ?2", setting.name());
    let json;
    let value = match setting {
        Setting::Instructions(text) => params![text][0],
        Setting::WorkersPerImage(n) | Setting::BatchSize(n) | Setting::LeaseSeconds(n) => {
            params![*n][0]
        }
        Setting::Mode(mode) => params![mode.as_str()][0],
        Setting::LeaseOrder(order) => params![order.as_str()][0],
        Setting::AllowCarryForward(allow) => params![*allow][0],
        Setting::LabelTargets(targets) => {
            json = serde_json::to_string(targets).unwrap_or_else(|_| "{}".to_owned());
            params![&json][0]
        }
        Setting::Quality(quality) => {
            json = serde_json::to_string(quality).unwrap_or_else(|_| "{}".to_owned());
            params![&json][0]
        }
        Setting::Examples(examples) => {
            json = serde_json::to_string(examples).unwrap_or_else(|_| "[]".to_owned());
            params![&json][0]
        }
    };
    conn.execute(&sql, &[value, job_id.into()])?;
    Ok(())
}

/// How many of the job's images are not done and leased to a worker until after `now_ms`.
pub fn images_in_progress(conn: &mut Conn, job_id: i64, now_ms: i64) -> Result<u64, DbError> {
    count(
        conn,
        "SELECT COUNT(DISTINCT l.image_id) FROM leases l JOIN images i ON i.id = l.image_id
         WHERE i.job_id = ?1 AND i.done = 0 AND i.is_gold = 0 AND l.expires_at > ?2",
        params![job_id, now_ms],
    )
}

/// How many of the job's images are not done and not leased at `now_ms` but have counted answers: waiting for
/// another opinion.
pub fn images_waiting(conn: &mut Conn, job_id: i64, now_ms: i64) -> Result<u64, DbError> {
    count(
        conn,
        "SELECT COUNT(*) FROM images i
         WHERE i.job_id = ?1 AND i.done = 0 AND i.is_gold = 0 AND i.submission_count > 0
           AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.image_id = i.id AND l.expires_at > ?2)",
        params![job_id, now_ms],
    )
}

/// How many gold images the job has.
pub fn gold_images(conn: &mut Conn, job_id: i64) -> Result<u64, DbError> {
    count(
        conn,
        "SELECT COUNT(*) FROM images WHERE job_id = ?1 AND is_gold = 1",
        params![job_id],
    )
}
