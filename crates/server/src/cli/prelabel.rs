//! `crowdbox prelabel`: runs an ONNX object detector over a job's images and stores its boxes as
//! pre-annotations with their scores, one transaction per chunk (so Ctrl+C keeps whole chunks).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use crowdbox_prelabel::{prepare, run, DecodeOptions, ImageInput, PrelabelSetup, RunOptions};

use crate::db::prelabel::{images_to_prelabel, store_prelabels, ScoredBox};
use crate::{jobs, open_database, Storage};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("names").args(["classes", "class_map"])))]
pub struct PrelabelArgs {
    /// The job.
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// The ONNX detector (YOLOv5/v8/v11-style raw outputs, or boxes, scores and classes after NMS).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// The model's class names, one a line, when its metadata has none.
    #[arg(long, value_name = "FILE")]
    pub classes: Option<PathBuf>,
    /// A class map (TOML, model class = job label) for classes not named like the job's labels.
    #[arg(long, value_name = "FILE")]
    pub class_map: Option<PathBuf>,
    /// Boxes scoring below this are dropped.
    #[arg(long, value_name = "SCORE", default_value_t = DecodeOptions::default().min_score)]
    pub min_score: f32,
    /// IoU above which NMS drops the lower-scoring box of a class.
    #[arg(long, value_name = "IOU", default_value_t = DecodeOptions::default().iou_nms)]
    pub iou_nms: f64,
    /// The side of the square input, for models with a dynamic input size (a multiple of 32).
    #[arg(long, value_name = "PIXELS")]
    pub input_size: Option<u32>,
    /// Run over all the job's images, replacing their pre-annotations (else only images without any).
    #[arg(long)]
    pub replace: bool,
}

pub(super) async fn prelabel(storage: &Storage, args: PrelabelArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.min_score),
        "--min-score {} is not between 0 and 1",
        args.min_score
    );
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.iou_nms),
        "--iou-nms {} is not between 0 and 1",
        args.iou_nms
    );
    let pool = open_database(&storage.database).await?;
    let job = jobs::require_job(&pool, &args.job).await?;
    let (labels, images) = {
        let mut conn = pool.connect().await?;
        let labels = crate::db::jobs::labels(&mut conn, &job)?;
        let images = images_to_prelabel(&mut conn, job.id, args.replace)?;
        (labels, images)
    };
    let setup = PrelabelSetup {
        classes_file: args.classes.as_deref(),
        class_map_file: args.class_map.as_deref(),
        input_size: args.input_size,
        decode: DecodeOptions {
            min_score: args.min_score,
            iou_nms: args.iou_nms,
            ..DecodeOptions::default()
        },
        ..PrelabelSetup::new(&args.model)
    };
    let (detector, class_map) = prepare(&setup, &labels)?;
    let store = storage.image_store.clone();
    let (remote, local): (Vec<_>, Vec<_>) =
        images.into_iter().partition(|i| i.source_url.is_some());
    let inputs: Vec<ImageInput> = local
        .iter()
        .map(|image| ImageInput {
            id: crate::db::to_u64(image.id),
            path: store.join(&image.store_path),
            width: u32::try_from(image.width).unwrap_or_default(),
            height: u32::try_from(image.height).unwrap_or_default(),
        })
        .collect();
    let (input_width, input_height) = detector.input_size();
    eprintln!(
        "job {}: pre-labelling {} images at {input_width}×{input_height}{}",
        job.name,
        inputs.len(),
        if remote.is_empty() {
            String::new()
        } else {
            format!(" ({} behind URLs skipped)", remote.len())
        }
    );

    let cancel = Arc::new(AtomicBool::new(false));
    let on_signal = cancel.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nstopping after the running chunk (Ctrl+C again to quit at once)");
            on_signal.store(true, Ordering::SeqCst);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let runtime = tokio::runtime::Handle::current();
    let flag = cancel.clone();
    let failed: Arc<std::sync::Mutex<BTreeMap<u64, String>>> = Arc::default();
    let failures = failed.clone();
    let summary = tokio::task::spawn_blocking(move || {
        run(
            &detector,
            &class_map,
            &inputs,
            &RunOptions::default(),
            &flag,
            |progress| eprint!("\r{}   ", progress.line()),
            |chunk| -> anyhow::Result<()> {
                let mut rows = Vec::new();
                for image in chunk.images {
                    let id = i64::try_from(image.id).context("image id out of range")?;
                    match image.prelabels {
                        Ok(prelabels) => rows.push((
                            id,
                            prelabels
                                .into_iter()
                                .map(|p| ScoredBox {
                                    category_id: i64::try_from(p.label).unwrap_or(i64::MAX - 1) + 1,
                                    rect: [p.rect.x, p.rect.y, p.rect.w, p.rect.h],
                                    score: f64::from(p.score.clamp(0.0, 1.0)),
                                })
                                .collect::<Vec<_>>(),
                        )),
                        Err(reason) => {
                            if let Ok(mut failures) = failures.lock() {
                                failures.insert(image.id, reason);
                            }
                        }
                    }
                }
                runtime.block_on(async {
                    let mut tx = pool.begin_write().await?;
                    store_prelabels(&mut tx, &rows)?;
                    tx.commit()?;
                    anyhow::Ok(())
                })
            },
        )
    })
    .await
    .context("the pre-labelling thread panicked")??;
    signal.abort();
    eprintln!();
    let failed = failed.lock().map(|f| f.clone()).unwrap_or_default();
    for (id, reason) in failed.iter().take(10) {
        eprintln!("image {id}: not pre-labelled: {reason}");
    }
    let mut report = format!(
        "job {}: {} images pre-labelled, {} boxes stored",
        job.name,
        summary.images_done - summary.images_failed,
        summary.boxes
    );
    if !remote.is_empty() {
        report += &format!(", {} images behind URLs skipped", remote.len());
    }
    if summary.images_failed > 0 {
        report += &format!(", {} images could not be read", summary.images_failed);
    }
    if !summary.dropped.is_empty() {
        let dropped: Vec<String> = summary
            .dropped
            .iter()
            .map(|(class, count)| format!("{class} {count}"))
            .collect();
        report += &format!(
            "; boxes of classes mapped to no label dropped: {}",
            dropped.join(", ")
        );
    }
    if summary.cancelled {
        report += "; stopped early: run it again to go on";
    }
    println!("{report}");
    Ok(())
}
