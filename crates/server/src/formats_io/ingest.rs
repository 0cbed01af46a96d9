//! Storing a [`LoadedSource`] in a job, all or nothing: images (copied into the image store, or kept as URLs)
//! and their boxes as pre-annotations (`--as pre`) or as imported final submissions (`--as final`).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;
use crowdbox_core::formats::{ClassMap, DatasetBox};

use super::boxes::{check_labels, store_boxes};
use super::job_file::{clean_labels, JobSpec};
use super::prepare::{prepare, Prepared};
use super::sources::{ImageLocation, LoadedSource};
use super::store_files::remove_all;
use crate::db::ingest::NewImage;
use crate::db::{self, Store, WriteTransaction};
use crate::image_store::{store_relative_path, ImageKind};
use crate::jobs::Job;

/// What imported boxes become.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportAs {
    /// Pre-annotations: shown to workers as the task's initial boxes.
    Pre,
    /// Final annotations: an "imported" submission; the image counts as done and exports as is.
    Final,
    /// Gold: new images whose boxes are known to be right, mixed into batches at the job's gold rate to score
    /// volunteers (see `crowdbox_core::quality`); left out of progress and of exports unless asked for.
    Gold,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetImportReport {
    pub job: String,
    pub job_created: bool,
    pub images_added: usize,
    pub images_present: usize,
    pub boxes_stored: usize,
    /// Boxes wholly outside their image (or without area), left out.
    pub boxes_dropped: usize,
    /// Images whose boxes were not stored because an earlier import already gave them pre/final boxes.
    pub images_skipped: usize,
    pub import_as: Option<ImportAs>,
}

impl std::fmt::Display for DatasetImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.job_created {
            writeln!(f, "job {}: created", self.job)?;
        }
        let kind = match self.import_as {
            Some(ImportAs::Pre) => "pre-annotation",
            Some(ImportAs::Final) => "final",
            Some(ImportAs::Gold) => "gold",
            None => "no",
        };
        write!(
            f,
            "job {}: {} images added, {} already present, {} {kind} boxes stored",
            self.job, self.images_added, self.images_present, self.boxes_stored
        )?;
        if self.boxes_dropped > 0 {
            write!(
                f,
                ", {} boxes outside their image left out",
                self.boxes_dropped
            )?;
        }
        if self.images_skipped > 0 {
            write!(
                f,
                ", {} images already had imported boxes and were left as they were",
                self.images_skipped
            )?;
        }
        Ok(())
    }
}

/// What to import and how.
pub struct DatasetImport<'a> {
    pub job: &'a str,
    pub source: LoadedSource,
    /// What the source's boxes become; required when it has any.
    pub import_as: Option<ImportAs>,
    pub class_map: Option<&'a ClassMap>,
    /// Labels for a job this import creates (default: the source's labels after the class map).
    pub labels: Option<Vec<String>>,
}

/// How long the two halves of an import took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportTimings {
    /// Reading, checking and hashing every image file and copying new ones into the store.
    pub files: Duration,
    /// The database transaction: job, images, submissions and boxes, then the commit.
    pub database: Duration,
}

/// Imports the source into the job, creating a missing job. Box labels must be job labels after the class map.
/// Any error leaves the database and the image store as they were.
pub async fn import_dataset(
    store: &Store,
    store_dir: &Path,
    request: DatasetImport<'_>,
    now_ms: i64,
) -> anyhow::Result<DatasetImportReport> {
    Ok(import_dataset_timed(store, store_dir, request, now_ms)
        .await?
        .0)
}

/// [`import_dataset`], also saying how long its halves took.
pub async fn import_dataset_timed(
    store: &Store,
    store_dir: &Path,
    request: DatasetImport<'_>,
    now_ms: i64,
) -> anyhow::Result<(DatasetImportReport, ImportTimings)> {
    let DatasetImport {
        job: job_name,
        mut source,
        import_as,
        class_map,
        labels,
    } = request;
    if let Some(map) = class_map {
        map.apply(&mut source.dataset);
    }
    let box_count = source.dataset.box_count();
    if box_count > 0 && import_as.is_none() {
        bail!(
            "{} has {box_count} boxes; say what they become with --as pre (pre-annotations) or --as final",
            source.origin
        );
    }
    let threshold = crate::tiles::threshold_mpx(None)?;
    let started = Instant::now();
    let (mut prepared, written) = prepare(&source, store_dir)?;
    let to_tile: Vec<crate::tiles::ToTile> = prepared
        .iter()
        .filter_map(|p| match (&p.location, p.kind) {
            (ImageLocation::File(path), Some(_)) => Some(crate::tiles::ToTile {
                sha256: &p.sha256,
                source: path,
                width: p.width,
                height: p.height,
            }),
            _ => None,
        })
        .collect();
    let (pyramids, made) = match crate::tiles::make_pyramids(store_dir, &to_tile, threshold) {
        Ok(done) => done,
        Err(error) => {
            remove_all(&written);
            return Err(error);
        }
    };
    for image in &mut prepared {
        image.pyramid = pyramids.get(&image.sha256).copied();
    }
    let files_done = started.elapsed();
    let outcome = store_rows(
        store, job_name, &source, &prepared, import_as, labels, now_ms,
    )
    .await;
    match outcome {
        Ok(report) => Ok((
            report,
            ImportTimings {
                files: files_done,
                database: started.elapsed() - files_done,
            },
        )),
        Err(error) => {
            remove_all(&written);
            crate::tiles::remove_all(&made);
            Err(error)
        }
    }
}

/// The database half of [`import_dataset`]: one transaction.
async fn store_rows(
    store: &Store,
    job_name: &str,
    source: &LoadedSource,
    prepared: &[Prepared],
    import_as: Option<ImportAs>,
    labels: Option<Vec<String>>,
    now_ms: i64,
) -> anyhow::Result<DatasetImportReport> {
    let mut tx = store.begin_write().await?;
    let (job, job_created) = match db::jobs::find_job(&mut tx, job_name)? {
        Some(job) => (job, false),
        None => {
            let labels = clean_labels(&labels.unwrap_or_else(|| source.dataset.labels.clone()))?;
            let spec = JobSpec {
                name: job_name.to_owned(),
                labels,
                instructions: String::new(),
                workers_per_image: 1,
                batch_size: 5,
                lease_seconds: 1800,
                mode: Default::default(),
                allow_carry_forward: false,
                examples: Vec::new(),
                quality: Default::default(),
                lease_order: Default::default(),
            };
            (db::jobs::create_job(&mut tx, &spec, now_ms)?, true)
        }
    };
    let category_of = check_labels(&mut tx, &job, source).await?;
    let (images_added, images_present, boxes_stored, boxes_dropped, images_skipped) =
        store_images_and_boxes(
            &mut tx,
            &job,
            source,
            prepared,
            import_as,
            &category_of,
            now_ms,
        )
        .await?;
    tx.commit()?;
    Ok(DatasetImportReport {
        job: job.name,
        job_created,
        images_added,
        images_present,
        boxes_stored,
        boxes_dropped,
        images_skipped,
        import_as,
    })
}

type Counts = (usize, usize, usize, usize, usize);

/// An image's id, the source's boxes for it, its width and height, and its file name.
pub(super) type ImageBoxes<'a> = (i64, Vec<&'a DatasetBox>, u32, u32, &'a str);

#[allow(clippy::too_many_arguments)]
async fn store_images_and_boxes(
    tx: &mut WriteTransaction,
    job: &Job,
    source: &LoadedSource,
    prepared: &[Prepared],
    import_as: Option<ImportAs>,
    category_of: &HashMap<String, i64>,
    now_ms: i64,
) -> anyhow::Result<Counts> {
    let mut id_of = db::ingest::image_ids(tx, job.id)?;
    let gold = db::ingest::gold_image_ids(tx, job.id)?;
    let mut new_rows: Vec<NewImage> = Vec::new();
    let mut pyramids = Vec::new();
    let mut seen = HashSet::new();
    let mut images_present = 0;
    // Ids are given here, as SQLite would give them, so they need not be read back row by row.
    let mut next_id = db::ingest::next_image_id(tx)?;
    for image in prepared {
        if !seen.insert(image.sha256.as_str()) {
            continue;
        }
        if let Some(&id) = id_of.get(&image.sha256) {
            // A gold image's answer must not also be a task's: volunteers would be scored on their own work.
            if (import_as == Some(ImportAs::Gold)) != gold.contains(&id) {
                bail!(
                    "{}: image `{}` is already {} of job {}; gold images are imported once, as gold",
                    source.origin,
                    image.file_name,
                    if gold.contains(&id) { "a gold image" } else { "a task" },
                    job.name
                );
            }
            images_present += 1;
            continue;
        }
        // The file is in the store already (`prepare` copied it).
        let (store_path, source_url) = match (&image.location, image.kind) {
            (ImageLocation::File(_), Some(kind)) => {
                (store_relative_path(&image.sha256, kind), None)
            }
            (ImageLocation::File(_), None) => (String::new(), None),
            (ImageLocation::Url(url), _) => (String::new(), Some(url.clone())),
        };
        id_of.insert(image.sha256.clone(), next_id);
        new_rows.push(NewImage {
            id: next_id,
            file_name: image.file_name.clone(),
            sha256: image.sha256.clone(),
            store_path,
            mime: image.kind.map_or("", ImageKind::mime).to_owned(),
            width: image.width,
            height: image.height,
            source_url,
            is_gold: import_as == Some(ImportAs::Gold),
        });
        if let Some(pyramid) = image.pyramid {
            pyramids.push((next_id, pyramid));
        }
        next_id += 1;
    }
    db::ingest::insert_images(tx, job.id, &new_rows, now_ms)?;
    db::tiles::insert_pyramids(tx, &pyramids)?;

    // Every source image's boxes, by image id (two source images with the same bytes share one id).
    let mut boxes_of: Vec<ImageBoxes> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    for (image, dataset_image) in prepared.iter().zip(&source.dataset.images) {
        let id = id_of[&image.sha256];
        let index = *position.entry(id).or_insert_with(|| {
            boxes_of.push((id, Vec::new(), image.width, image.height, &image.file_name));
            boxes_of.len() - 1
        });
        boxes_of[index].1.extend(&dataset_image.boxes);
    }
    let (boxes_stored, boxes_dropped, images_skipped) = match import_as {
        None => (0, 0, 0),
        Some(kind) => store_boxes(tx, job, kind, &boxes_of, category_of, now_ms)
            .await
            .map_err(|error| anyhow::anyhow!("{}: {error:#}", source.origin))?,
    };
    Ok((
        new_rows.len(),
        images_present,
        boxes_stored,
        boxes_dropped,
        images_skipped,
    ))
}
