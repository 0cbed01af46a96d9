//! Jobs as the command line and the API describe them: example images, tasks, the `job list` and `job show`
//! tables, and finding a job by name or saying which jobs exist. Rows come from [`crate::db::jobs`].

use crowdbox_core::owner::{JobExample, JobOverview, ProgressEvent, STORED_EXAMPLE_PREFIX};
use crowdbox_core::wire::{ExampleImage, ExampleKind, TaskMode};

pub use crate::db::jobs::{Job, JobImage, JobSummary, Progress};
use crate::db::{self, to_u64, Store};
use crate::error::ApiError;
use crate::formats_io::job_file::Example;

/// A job name that names no job, with the names that exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("there is no job called {name:?}; {}", known_jobs(.known))]
pub struct MissingJob {
    pub name: String,
    pub known: Vec<String>,
}

fn known_jobs(known: &[String]) -> String {
    if known.is_empty() {
        "the database has no jobs yet (create one with crowdbox job create)".to_owned()
    } else {
        format!("known jobs: {}", known.join(", "))
    }
}

/// The job called `name`, or a [`MissingJob`] that lists the jobs there are.
pub async fn require_job(store: &Store, name: &str) -> anyhow::Result<Job> {
    let mut conn = store.connect().await?;
    if let Some(job) = db::jobs::find_job(&mut conn, name)? {
        return Ok(job);
    }
    Err(MissingJob {
        name: name.to_owned(),
        known: db::jobs::job_names(store).await?,
    }
    .into())
}

/// The job an API request names: `job_not_found` (404) if there is none.
pub async fn requested_job(store: &Store, name: &str) -> Result<Job, ApiError> {
    let mut conn = store.connect().await?;
    db::jobs::find_job(&mut conn, name)?.ok_or_else(|| ApiError::JobNotFound(name.to_owned()))
}

/// The job with its labels and where it stands at `now_ms`, as the owner API describes it.
pub async fn overview(store: &Store, job: Job, now_ms: i64) -> Result<JobOverview, db::DbError> {
    let mut conn = store.connect().await?;
    let labels = db::jobs::labels(&mut conn, &job)?;
    let progress = db::jobs::progress(&mut conn, job.id)?;
    let images_in_progress = db::jobs::images_in_progress(&mut conn, job.id, now_ms)?;
    let images_waiting = db::jobs::images_waiting(&mut conn, job.id, now_ms)?;
    let submissions = db::jobs::submission_count(&mut conn, job.id)?;
    let count = |value: i64| u32::try_from(value).unwrap_or(u32::MAX);
    let examples = job.listed_examples();
    Ok(JobOverview {
        labels,
        mode: job.mode,
        instructions: job.instructions,
        workers_per_image: count(job.workers_per_image),
        batch_size: count(job.batch_size),
        lease_seconds: count(job.lease_seconds),
        allow_carry_forward: job.allow_carry_forward,
        requires_invite: job.requires_invite,
        label_targets: job.label_targets,
        quality: job.quality,
        order: job.lease_order,
        examples,
        name: job.name,
        images_total: progress.images_total,
        images_done: progress.images_done,
        images_in_progress,
        images_waiting,
        submissions,
    })
}

/// The counts the owner's events stream sends.
pub async fn progress_event(
    store: &Store,
    job_id: i64,
    now_ms: i64,
) -> Result<ProgressEvent, db::DbError> {
    let mut conn = store.connect().await?;
    let progress = db::jobs::progress(&mut conn, job_id)?;
    Ok(ProgressEvent {
        images_total: progress.images_total,
        images_done: progress.images_done,
        images_in_progress: db::jobs::images_in_progress(&mut conn, job_id, now_ms)?,
        images_waiting: db::jobs::images_waiting(&mut conn, job_id, now_ms)?,
        submissions: db::jobs::submission_count(&mut conn, job_id)?,
    })
}

impl Job {
    /// The example images as the worker app gets them: a stored file is served by
    /// `GET /api/jobs/{job}/examples/{index}`, a URL is passed on. Examples whose file was not stored are left
    /// out (jobs created before examples were stored).
    pub fn example_images(&self) -> Vec<ExampleImage> {
        self.shown_examples()
            .map(|(example, url, _)| ExampleImage {
                kind: example_kind(example),
                url,
                caption: example.caption.clone().unwrap_or_default(),
            })
            .collect()
    }

    /// The example images as the owner API lists them: the same ones volunteers see, each with the `src` a
    /// `PATCH` takes to keep it (its URL, or `sha256:<hex>` for a stored file).
    pub fn listed_examples(&self) -> Vec<JobExample> {
        self.shown_examples()
            .map(|(example, url, sha256)| JobExample {
                kind: example_kind(example),
                src: match sha256 {
                    Some(hex) => format!("{STORED_EXAMPLE_PREFIX}{hex}"),
                    None => example.src.clone(),
                },
                url,
            })
            .collect()
    }

    /// Each example volunteers see, with where the browser loads it and, for a stored file, its SHA-256.
    fn shown_examples(&self) -> impl Iterator<Item = (&Example, String, Option<&str>)> {
        self.examples
            .iter()
            .enumerate()
            .filter_map(|(index, example)| {
                if example.is_url() {
                    return Some((example, example.src.clone(), None));
                }
                let sha256 = stored_sha256(example.store_path.as_deref()?);
                let url = format!("/api/jobs/{}/examples/{index}", path_segment(&self.name));
                Some((example, url, Some(sha256)))
            })
    }
}

fn example_kind(example: &Example) -> ExampleKind {
    if example.kind == "bad" {
        ExampleKind::Bad
    } else {
        ExampleKind::Good
    }
}

/// The SHA-256 in a store path (`ab/ab12…ef.png` → `ab12…ef`).
fn stored_sha256(store_path: &str) -> &str {
    let name = store_path.rsplit('/').next().unwrap_or(store_path);
    name.split('.').next().unwrap_or(name)
}

/// Where the browser loads an image: its own URL for remote images, the image endpoint for stored ones.
pub fn image_url(image_id: i64, source_url: Option<&str>) -> String {
    source_url.map_or_else(|| format!("/api/images/{image_id}"), str::to_owned)
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
            image_url: image_url(self.id, self.source_url.as_deref()),
            initial_annotations: Vec::new(),
            tiles: None,
        }
    }
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
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JobDetails {
    pub name: String,
    pub labels: Vec<String>,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
    pub mode: TaskMode,
    pub allow_carry_forward: bool,
    pub examples: Vec<Example>,
    pub images_total: u64,
    pub images_done: u64,
    pub pre_annotated_images: u64,
    pub quality: crowdbox_core::quality::JobQuality,
    pub gold_images: u64,
    pub lease_order: crate::formats_io::job_file::LeaseOrder,
}

pub async fn describe_job(store: &Store, job: Job) -> Result<JobDetails, db::DbError> {
    let mut conn = store.connect().await?;
    let labels = db::jobs::labels(&mut conn, &job)?;
    let progress = db::jobs::progress(&mut conn, job.id)?;
    let pre_annotated_images = db::jobs::pre_annotated_images(&mut conn, job.id)?;
    let gold_images = db::jobs::gold_images(&mut conn, job.id)?;
    Ok(JobDetails {
        name: job.name,
        labels,
        instructions: job.instructions,
        workers_per_image: job.workers_per_image,
        batch_size: job.batch_size,
        lease_seconds: job.lease_seconds,
        mode: job.mode,
        allow_carry_forward: job.allow_carry_forward,
        examples: job.examples,
        images_total: progress.images_total,
        images_done: progress.images_done,
        pre_annotated_images,
        quality: job.quality,
        gold_images,
        lease_order: job.lease_order,
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
        let quality = &self.quality;
        writeln!(
            f,
            "gold: {} images, rate {}",
            self.gold_images, quality.gold_rate
        )?;
        match quality.block_below {
            Some(score) => writeln!(
                f,
                "blocking: below score {score} after {} gold tasks",
                quality.min_gold_tasks
            )?,
            None => writeln!(f, "blocking: off")?,
        }
        match quality.min_workers_per_image {
            Some(min) => writeln!(
                f,
                "adaptive redundancy: done when {min} agree at IoU {} (at most {}){}",
                quality.agreement_iou,
                self.workers_per_image,
                if quality.finish_first {
                    ", finishing images first"
                } else {
                    ""
                }
            )?,
            None => writeln!(f, "adaptive redundancy: off")?,
        }
        writeln!(f, "lease order: {}", self.lease_order)?;
        if self.instructions.is_empty() {
            write!(f, "instructions: none")
        } else {
            write!(f, "instructions:\n{}", self.instructions.trim_end())
        }
    }
}
