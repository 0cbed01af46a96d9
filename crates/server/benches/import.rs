//! Import at the seed's scale: a COCO file with 11,669 tiny PNG images and 21,363 boxes, imported with
//! `--as final` into a fresh database and image store each run. Prints a table of median times per stage.
//!
//! Run: `cargo bench -p crowdbox-server --bench import`

use std::io::Cursor;
use std::time::{Duration, Instant};

use crowdbox_server::formats_io::ingest::{import_dataset_timed, DatasetImport, ImportAs};
use crowdbox_server::formats_io::sources::load_coco;
use crowdbox_server::{image_store_dir, open_database, Location};

const IMAGES: usize = 11_669;
const BOXES: usize = 21_363;
const RUNS: usize = 5;

/// A distinct 8×8 PNG per index.
fn png(index: usize) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(8, 8, |x, y| {
        image::Rgb([(index & 0xff) as u8, (index >> 8) as u8, (x * 8 + y) as u8])
    });
    let mut bytes = Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let source = tempfile::tempdir()?;
    let mut images = Vec::with_capacity(IMAGES);
    for index in 0..IMAGES {
        let name = format!("{:06}.png", index + 1);
        std::fs::write(source.path().join(&name), png(index))?;
        images
            .push(serde_json::json!({"id": index + 1, "file_name": name, "width": 8, "height": 8}));
    }
    let annotations: Vec<_> = (0..BOXES)
        .map(|b| {
            let f = (b % 4) as f64;
            serde_json::json!({"id": b + 1, "image_id": (b * 7919) % IMAGES + 1, "category_id": b % 6 + 1,
                               "bbox": [f, f * 0.5, 3.5, 2.25], "area": 7.875, "iscrowd": 0})
        })
        .collect();
    let categories: Vec<_> = [
        "driller",
        "hammer",
        "pliers",
        "saw",
        "screwdriver",
        "wrench",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| serde_json::json!({"id": i + 1, "name": name, "supercategory": "tool"}))
    .collect();
    let coco_path = source.path().join("instances.json");
    let document =
        serde_json::json!({"images": images, "annotations": annotations, "categories": categories});
    std::fs::write(&coco_path, serde_json::to_vec(&document)?)?;

    let (mut reads, mut files, mut database, mut totals) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Every run's database and store stay until the end: deleting 11,669 files keeps ext4's journal busy for
    // seconds, which would slow the next run's file creation several times over.
    let mut targets = Vec::with_capacity(RUNS);
    // Each run starts with nothing waiting to be written back (`sync`, untimed): otherwise the first runs pay for
    // writing out the 11,669 source files just generated (and each run for the one before it).
    for _ in 0..RUNS {
        let _ = std::process::Command::new("sync").status();
        let target = tempfile::tempdir()?;
        let db_path = target.path().join("crowdbox.sqlite3");
        let pool = open_database(&Location::Sqlite(db_path.clone())).await?;
        let start = Instant::now();
        let loaded = load_coco(&coco_path, None)?;
        reads.push(start.elapsed());
        let request = DatasetImport {
            job: "seed",
            source: loaded,
            import_as: Some(ImportAs::Final),
            class_map: None,
            labels: None,
        };
        let (report, timings) =
            import_dataset_timed(&pool, &image_store_dir(&db_path), request, 0).await?;
        totals.push(start.elapsed());
        files.push(timings.files);
        database.push(timings.database);
        assert_eq!((report.images_added, report.boxes_stored), (IMAGES, BOXES));
        drop(pool);
        targets.push(target);
    }
    let each: Vec<String> = files
        .iter()
        .map(|t| format!("{:.0}", t.as_secs_f64() * 1000.0))
        .collect();
    println!("image files stage, each run (ms): {}", each.join(", "));
    // "median (best)": the machine is shared, and file creation waits on whatever else is writing to the disk.
    let median = |mut times: Vec<Duration>| {
        times.sort();
        format!(
            "{:.1} ms ({:.1} ms)",
            times[times.len() / 2].as_secs_f64() * 1000.0,
            times[0].as_secs_f64() * 1000.0
        )
    };
    println!("import at {IMAGES} images (8×8 PNG), {BOXES} boxes, COCO --as final ({RUNS} runs)");
    println!("| stage | median (best) |\n|---|---:|");
    println!("| read and parse the COCO file | {} |", median(reads));
    println!(
        "| image files: read each once, hash + size, copy new ones into the store ({} threads max) | {} |",
        std::thread::available_parallelism().map_or(2, usize::from).saturating_mul(2).clamp(2, 16),
        median(files)
    );
    println!(
        "| database: one transaction (job, images, submissions, boxes, commit) | {} |",
        median(database)
    );
    println!("| whole import (all of the above) | {} |", median(totals));
    Ok(())
}
