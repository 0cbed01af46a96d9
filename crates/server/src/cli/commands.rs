//! What `crowdbox job create`, `crowdbox import` and `crowdbox export` do.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{ensure, Context};

use crate::clock::system_now_ms;
use crate::export::{self, Rendered};
use crate::formats_io::export_images::write_export_images;
use crate::formats_io::ingest::{import_dataset, DatasetImport};
use crate::formats_io::job_file::{Example, JobFile};
use crate::formats_io::{read_class_map, sources};
use crate::import::{import_images, ImportRequest};
use crate::{open_database, Storage};

use super::{ExportArgs, ImportArgs, JobCreateArgs, JobUpdateArgs};

pub(super) async fn create_job(storage: &Storage, args: JobCreateArgs) -> anyhow::Result<()> {
    let (file, base) = match &args.file {
        Some(path) => (
            JobFile::read(path)?,
            path.parent().unwrap_or(Path::new("")).to_owned(),
        ),
        None => (
            JobFile {
                name: args.name.unwrap_or_default(),
                labels: args.labels.unwrap_or_default(),
                instructions: args.instructions,
                instructions_file: args.instructions_file,
                workers_per_image: args.workers_per_image,
                batch_size: args.batch_size,
                lease_seconds: args.lease_seconds,
                mode: args.mode,
                allow_carry_forward: args.allow_carry_forward,
                good_examples: args.good_example,
                bad_examples: args.bad_example,
                gold_rate: args.gold_rate,
                block_below: args.block_below,
                min_gold_tasks: args.min_gold_tasks,
                min_workers_per_image: args.min_workers_per_image,
                agreement_iou: args.agreement_iou,
                finish_first: args.finish_first,
                order: args.order,
            },
            PathBuf::new(),
        ),
    };
    let mut spec = file.into_spec(&base)?;
    crate::image_store::store_examples(&mut spec.examples, &storage.image_store)?;
    let pool = open_database(&storage.database).await?;
    let mut tx = pool.begin_write().await?;
    let job = crate::db::jobs::create_job(&mut tx, &spec, system_now_ms())?;
    tx.commit()?;
    println!(
        "job {}: created with labels {} ({} workers per image, mode {})",
        job.name,
        spec.labels.join(", "),
        job.workers_per_image,
        job.mode
    );
    Ok(())
}

pub(super) async fn update_job(storage: &Storage, args: JobUpdateArgs) -> anyhow::Result<()> {
    let instructions = match &args.instructions_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the instructions file {}", path.display()))?,
        ),
        None => args.instructions,
    };
    let mut changes = crate::job_settings::JobChanges {
        instructions,
        workers_per_image: args.workers_per_image,
        batch_size: args.batch_size,
        lease_seconds: args.lease_seconds,
        mode: args.mode,
        allow_carry_forward: args.allow_carry_forward,
        label_targets: None,
        quality: crate::job_settings::QualityChanges {
            gold_rate: args.gold_rate,
            block_below: match (args.block_below, args.no_blocking) {
                (_, true) => Some(None),
                (Some(score), false) => Some(Some(score)),
                (None, false) => None,
            },
            min_gold_tasks: args.min_gold_tasks,
            min_workers_per_image: match (args.min_workers_per_image, args.fixed_workers) {
                (_, true) => Some(None),
                (Some(n), false) => Some(Some(n)),
                (None, false) => None,
            },
            agreement_iou: args.agreement_iou,
            finish_first: args.finish_first,
        },
        lease_order: args.order,
        examples: None,
    };
    let pool = open_database(&storage.database).await?;
    if args.clear_examples || !args.good_example.is_empty() || !args.bad_example.is_empty() {
        let job = crate::jobs::require_job(&pool, &args.job).await?;
        let replaced = |given: Vec<String>, kind: &str| -> anyhow::Result<Option<Vec<Example>>> {
            if given.is_empty() {
                return Ok(args.clear_examples.then(Vec::new));
            }
            let mut examples: Vec<Example> = given
                .into_iter()
                .map(|src| Example {
                    kind: kind.to_owned(),
                    src,
                    store_path: None,
                    mime: None,
                    caption: None,
                })
                .collect();
            // A file that cannot be read or is no image fails here, before the database is touched.
            crate::image_store::store_examples(&mut examples, &storage.image_store)?;
            Ok(Some(examples))
        };
        let good = replaced(args.good_example, "good")?;
        let bad = replaced(args.bad_example, "bad")?;
        changes.examples = Some(crate::job_settings::replaced_examples(
            &job.examples,
            good,
            bad,
        ));
    }
    let updated = crate::job_settings::update_job(&pool, &args.job, &changes).await?;
    if updated.changed.is_empty() {
        println!(
            "job {}: unchanged (the settings already had these values)",
            updated.job.name
        );
    } else {
        println!(
            "job {}: changed {}",
            updated.job.name,
            updated.changed.join(", ")
        );
    }
    Ok(())
}

pub(super) async fn import(storage: &Storage, args: ImportArgs) -> anyhow::Result<()> {
    let pool = open_database(&storage.database).await?;
    let store = storage.image_store.clone();
    if let Some(images_dir) = args.images {
        let instructions = match &args.instructions_file {
            Some(path) => Some(std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the instructions file {}", path.display())
            })?),
            None => args.instructions,
        };
        let request = ImportRequest {
            job: args.job,
            images_dir,
            labels: args.labels,
            instructions,
            workers_per_image: args.workers_per_image,
            batch_size: args.batch_size,
            lease_seconds: args.lease_seconds,
            pyramid_threshold_mpx: None,
        };
        println!(
            "{}",
            import_images(&pool, &store, &request, system_now_ms()).await?
        );
        return Ok(());
    }
    let image_dir = args.image_dir.as_deref();
    let source = if let Some(path) = &args.manifest {
        sources::load_manifest(path)?
    } else if let Some(path) = &args.coco {
        sources::load_coco(path, image_dir)?
    } else if let Some(path) = &args.voc {
        sources::load_voc(path, image_dir)?
    } else if let Some(path) = &args.yolo {
        sources::load_yolo(path, args.classes.as_deref())?
    } else if let Some(path) = &args.openimages {
        sources::load_open_images(path, image_dir, args.class_descriptions.as_deref())?
    } else {
        anyhow::bail!(
            "give one source: --images, --manifest, --coco, --voc, --yolo or --openimages"
        );
    };
    let class_map = args.class_map.as_deref().map(read_class_map).transpose()?;
    let request = DatasetImport {
        job: &args.job,
        source,
        import_as: args.import_as,
        class_map: class_map.as_ref(),
        labels: args.labels,
    };
    let report = import_dataset(&pool, &store, request, system_now_ms()).await?;
    println!("{report}");
    Ok(())
}

pub(super) async fn export(storage: &Storage, args: ExportArgs) -> anyhow::Result<()> {
    let pool = open_database(&storage.database).await?;
    let source = match (&args.worker, args.pre_annotations) {
        (Some(worker), _) => export::ExportSource::Worker(worker.clone()),
        (None, true) => export::ExportSource::PreAnnotations,
        (None, false) => export::ExportSource::Job {
            method: args.consolidated.then_some(args.method),
            options: export::DatasetOptions {
                include_gold: args.include_gold,
                unweighted: args.unweighted,
            },
        },
    };
    let output = args.output.filter(|path| path.as_os_str() != "-");
    let Some(output) = output else {
        ensure!(
            !args.format.is_folder(),
            "--format {:?} writes a folder: give --output DIR",
            args.format
        );
        let job_dataset = export::load_dataset(&pool, &args.job, &source).await?;
        if let Rendered::File(bytes) = export::render(&job_dataset, args.format, system_now_ms())? {
            std::io::stdout()
                .lock()
                .write_all(&bytes)
                .context("cannot write to standard output")?;
        }
        return Ok(());
    };
    let summary = export::export_to(
        &pool,
        &args.job,
        args.format,
        &source,
        &output,
        system_now_ms(),
    )
    .await?;
    eprintln!(
        "job {}: exported {} images and {} boxes to {}",
        args.job,
        summary.images,
        summary.boxes,
        output.display()
    );
    if args.format.is_folder() && !args.no_images {
        let images =
            write_export_images(&pool, &storage.image_store, &args.job, args.format, &output)
                .await?;
        eprintln!(
            "image files: {} linked from the image store, {} copied{}",
            images.linked,
            images.copied,
            if images.remote > 0 {
                format!(
                    ", {} not written (they stay at their http(s) URL)",
                    images.remote
                )
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
