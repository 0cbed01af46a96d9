//! `crowdbox import`: creates a job if needed and adds a folder's images to it, all or nothing.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};

use crate::db::ingest::NewImage;
use crate::db::jobs::Setting;
use crate::db::{self, Store, WriteTransaction};
use crate::formats_io::job_file::{self, JobSpec};
use crate::formats_io::store_files::{probe_and_store, remove_all, Keep};
use crate::image_store::{probe_image, store_relative_path, ProbedImage, IMPORTED_EXTENSIONS};
use crate::jobs::Job;
use crate::tiles::{make_pyramids, ToTile};
use crowdbox_tiles::TilePyramid;

/// What to import. `None` settings leave an existing job's value alone (or use the default for a new job).
#[derive(Clone, Debug, Default)]
pub struct ImportRequest {
    pub job: String,
    pub images_dir: PathBuf,
    /// Required to create a job; for an existing job they must equal its labels.
    pub labels: Option<Vec<String>>,
    pub instructions: Option<String>,
    pub workers_per_image: Option<u32>,
    pub batch_size: Option<u32>,
    pub lease_seconds: Option<u32>,
    /// Images above this many megapixels get a tile pyramid (default: [`crate::tiles::THRESHOLD_ENV`], else
    /// [`crowdbox_tiles::DEFAULT_PYRAMID_THRESHOLD_MPX`]).
    pub pyramid_threshold_mpx: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub job: String,
    pub job_created: bool,
    /// Settings of an existing job that this run changed, e.g. `batch_size`.
    pub settings_changed: Vec<&'static str>,
    pub added: usize,
    pub already_present: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.job_created {
            writeln!(f, "job {}: created", self.job)?;
        }
        if !self.settings_changed.is_empty() {
            writeln!(
                f,
                "job {}: updated {}",
                self.job,
                self.settings_changed.join(", ")
            )?;
        }
        write!(
            f,
            "job {}: {} images added, {} already present",
            self.job, self.added, self.already_present
        )
    }
}

struct Candidate {
    file_name: String,
    path: PathBuf,
    probed: ProbedImage,
    pyramid: Option<TilePyramid>,
}

/// Imports `request.images_dir`'s JPEG/PNG/WebP files (by extension, case-insensitive, in file name order)
/// into the job, copying each into the store at `store_dir`. Images the job already has (same SHA-256) are
/// skipped. Every file is read once and checked (and copied into the store) before the database is touched;
/// any failure leaves the database and the store as they were.
pub async fn import_images(
    store: &Store,
    store_dir: &Path,
    request: &ImportRequest,
    now_ms: i64,
) -> anyhow::Result<ImportReport> {
    ensure!(
        !request.job.trim().is_empty(),
        "the job name must not be empty"
    );
    let labels = request.labels.as_deref().map(clean_labels).transpose()?;
    for (flag, value) in [
        ("--workers-per-image", request.workers_per_image),
        ("--batch-size", request.batch_size),
        ("--lease-seconds", request.lease_seconds),
    ] {
        ensure!(value != Some(0), "{flag} must be at least 1");
    }
    let threshold = crate::tiles::threshold_mpx(request.pyramid_threshold_mpx)?;
    let (mut candidates, written) = read_candidates(&request.images_dir, store_dir)?;
    let to_tile: Vec<ToTile> = candidates
        .iter()
        .map(|c| ToTile {
            sha256: &c.probed.sha256,
            source: &c.path,
            width: c.probed.width,
            height: c.probed.height,
        })
        .collect();
    let (pyramids, made) = match make_pyramids(store_dir, &to_tile, threshold) {
        Ok(done) => done,
        Err(error) => {
            remove_all(&written);
            return Err(error);
        }
    };
    for candidate in &mut candidates {
        candidate.pyramid = pyramids.get(&candidate.probed.sha256).copied();
    }
    let outcome = store_rows(store, request, labels, &candidates, now_ms).await;
    if outcome.is_err() {
        // The transaction rolled back: remove the store files and pyramids only this run created.
        remove_all(&written);
        crate::tiles::remove_all(&made);
    }
    outcome
}

/// The database half of [`import_images`]: one transaction.
async fn store_rows(
    store: &Store,
    request: &ImportRequest,
    labels: Option<Vec<String>>,
    candidates: &[Candidate],
    now_ms: i64,
) -> anyhow::Result<ImportReport> {
    let mut tx = store.begin_write().await?;
    let (job, job_created, settings_changed) = match db::jobs::find_job(&mut tx, &request.job)? {
        Some(job) => {
            if let Some(labels) = &labels {
                let existing = db::jobs::labels(&mut tx, &job)?;
                ensure!(
                    &existing == labels,
                    "job {} already has the labels {}; labels cannot change once a job exists (given: {})",
                    job.name,
                    existing.join(","),
                    labels.join(",")
                );
            }
            let changed = update_settings(&mut tx, &job, request).await?;
            (job, false, changed)
        }
        None => {
            let Some(labels) = &labels else {
                bail!(
                    "job {} does not exist yet; give --labels to create it",
                    request.job
                );
            };
            (
                create_job(&mut tx, request, labels, now_ms).await?,
                true,
                Vec::new(),
            )
        }
    };

    let (added, already_present) = add_images(&mut tx, job.id, candidates, now_ms).await?;
    tx.commit()?;
    Ok(ImportReport {
        job: job.name,
        job_created,
        settings_changed,
        added,
        already_present,
    })
}

fn clean_labels(labels: &[String]) -> anyhow::Result<Vec<String>> {
    let labels: Vec<String> = labels.iter().map(|label| label.trim().to_owned()).collect();
    ensure!(!labels.is_empty(), "--labels needs at least one label");
    for (index, label) in labels.iter().enumerate() {
        ensure!(
            !label.is_empty(),
            "--labels has an empty label at position {}",
            index + 1
        );
        ensure!(
            !labels[..index].contains(label),
            "--labels names {label:?} twice"
        );
    }
    Ok(labels)
}

/// Lists and checks the folder's images and copies them into the store, reading each file once. Errors name the
/// file. Returns the images and the store files created (to remove if the import fails).
fn read_candidates(dir: &Path, store_dir: &Path) -> anyhow::Result<(Vec<Candidate>, Vec<PathBuf>)> {
    let entries = fs::read_dir(dir)
        .with_context(|| format!("cannot read the image folder {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot read the image folder {}", dir.display()))?;
        let path = entry.path();
        let wanted = path.extension().and_then(OsStr::to_str).is_some_and(|ext| {
            IMPORTED_EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
        });
        if wanted && path.is_file() {
            paths.push(path);
        }
    }
    ensure!(
        !paths.is_empty(),
        "found no .jpg, .jpeg, .png or .webp files in {}",
        dir.display()
    );
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));

    probe_and_store(store_dir, paths.len(), |index| {
        let path = &paths[index];
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let probed =
            probe_image(&bytes).map_err(|reason| anyhow::anyhow!("{} {reason}", path.display()))?;
        let file_name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let keep = Keep {
            bytes,
            sha256: probed.sha256.clone(),
            kind: probed.kind,
        };
        let candidate = Candidate {
            file_name,
            path: path.clone(),
            probed,
            pyramid: None,
        };
        Ok((candidate, Some(keep)))
    })
}

async fn create_job(
    tx: &mut WriteTransaction,
    request: &ImportRequest,
    labels: &[String],
    now_ms: i64,
) -> anyhow::Result<Job> {
    let spec = JobSpec {
        name: request.job.clone(),
        labels: labels.to_vec(),
        instructions: request.instructions.clone().unwrap_or_default(),
        workers_per_image: request
            .workers_per_image
            .unwrap_or(job_file::default_workers_per_image()),
        batch_size: request.batch_size.unwrap_or(job_file::default_batch_size()),
        lease_seconds: request
            .lease_seconds
            .unwrap_or(job_file::default_lease_seconds()),
        mode: Default::default(),
        allow_carry_forward: false,
        examples: Vec::new(),
        quality: Default::default(),
        lease_order: Default::default(),
    };
    db::jobs::create_job(tx, &spec, now_ms)
}

/// Applies the request's settings to an existing job; returns the names of those that changed.
async fn update_settings(
    tx: &mut WriteTransaction,
    job: &Job,
    request: &ImportRequest,
) -> anyhow::Result<Vec<&'static str>> {
    let wanted = [
        request.instructions.clone().map(Setting::Instructions),
        request.workers_per_image.map(Setting::WorkersPerImage),
        request.batch_size.map(Setting::BatchSize),
        request.lease_seconds.map(Setting::LeaseSeconds),
    ];
    let mut changed = Vec::new();
    for setting in wanted.into_iter().flatten() {
        if !setting.is_current(job) {
            db::jobs::set_setting(tx, job.id, &setting)?;
            changed.push(setting.name());
        }
    }
    Ok(changed)
}

/// Records the new images (their files are in the store already). Returns (added, already present).
async fn add_images(
    tx: &mut WriteTransaction,
    job_id: i64,
    candidates: &[Candidate],
    now_ms: i64,
) -> anyhow::Result<(usize, usize)> {
    let known = db::ingest::image_ids(tx, job_id)?;
    let mut seen = HashSet::new();
    let mut new = Vec::new();
    let mut pyramids = Vec::new();
    let mut next_id = db::ingest::next_image_id(tx)?;
    for candidate in candidates {
        let probed = &candidate.probed;
        if known.contains_key(&probed.sha256) || !seen.insert(probed.sha256.as_str()) {
            continue;
        }
        new.push(NewImage {
            id: next_id,
            file_name: candidate.file_name.clone(),
            sha256: probed.sha256.clone(),
            store_path: store_relative_path(&probed.sha256, probed.kind),
            mime: probed.kind.mime().to_owned(),
            width: probed.width,
            height: probed.height,
            source_url: None,
            is_gold: false,
        });
        if let Some(pyramid) = candidate.pyramid {
            pyramids.push((next_id, pyramid));
        }
        next_id += 1;
    }
    db::ingest::insert_images(tx, job_id, &new, now_ms)?;
    db::tiles::insert_pyramids(tx, &pyramids)?;
    Ok((new.len(), candidates.len() - new.len()))
}
