//! Export at the seed's scale: 11,669 images and 21,363 boxes in a temporary database, exported in every
//! format, next to serde_json writing the same COCO structure. Prints a table of median times per stage.
//!
//! Run: `cargo bench -p crowdbox-server --bench export`

use std::time::{Duration, Instant};

use crowdbox_core::wire::TaskMode;
use crowdbox_server::db::bulk::read_job_blocking;
use crowdbox_server::export::{
    coco_for, export_to, load_job_dataset, render, ConsolidationMethod, ExportFormat, ExportSource,
    Rendered,
};
use crowdbox_server::formats_io::job_file::JobSpec;
use crowdbox_server::{db, open_database, params, Location};

const IMAGES: usize = 11_669;
const BOXES: usize = 21_363;
const RUNS: usize = 15;

/// The median and the best of the runs, printed as "median (best)": the machine is shared, so the best run
/// says more about the code and the median about what a user sees under load.
#[derive(Clone, Copy)]
struct Timing {
    median: Duration,
    best: Duration,
}

impl Timing {
    fn ratio(self, other: Timing) -> String {
        format!(
            "{:.2}× ({:.2}×)",
            self.median.as_secs_f64() / other.median.as_secs_f64(),
            self.best.as_secs_f64() / other.best.as_secs_f64()
        )
    }
}

fn median(mut times: Vec<Duration>) -> Timing {
    times.sort();
    Timing {
        median: times[times.len() / 2],
        best: times[0],
    }
}

fn time<T>(mut run: impl FnMut() -> T) -> Timing {
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(run());
                start.elapsed()
            })
            .collect(),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pool = open_database(&Location::Sqlite(dir.path().join("bench.sqlite3"))).await?;
    let labels: Vec<String> = [
        "driller",
        "hammer",
        "pliers",
        "saw",
        "screwdriver",
        "wrench",
    ]
    .map(String::from)
    .into();
    let spec = JobSpec {
        name: "seed".into(),
        labels: labels.clone(),
        instructions: String::new(),
        workers_per_image: 1,
        batch_size: 5,
        lease_seconds: 1800,
        mode: TaskMode::Draw,
        allow_carry_forward: false,
        examples: Vec::new(),
        quality: Default::default(),
        lease_order: Default::default(),
    };
    let mut tx = pool.begin_write().await?;
    let job = db::jobs::create_job(&mut tx, &spec, 0)?;
    let names: Vec<(String, String)> = (0..IMAGES)
        .map(|i| (format!("{:06}.jpg", i + 1), format!("{:064x}", i)))
        .collect();
    tx.insert_rows(
        "images (id, job_id, file_name, sha256, store_path, mime, width, height, added_at)",
        names.iter().enumerate().map(|(i, (file_name, sha256))| {
            params![
                i + 1,
                job.id,
                file_name,
                sha256,
                "x",
                "image/jpeg",
                640 + (i % 7) * 10,
                480_i64,
                0_i64
            ]
            .to_vec()
        }),
    )?;
    let keys: Vec<String> = (0..IMAGES).map(|i| format!("s{i}")).collect();
    tx.insert_rows(
        "submissions (id, submission_id, image_id, worker_id, content_sha256, duration_ms, received_at)",
        keys.iter().zip(&names).enumerate().map(|(i, (key, (_, sha256)))| {
            params![i + 1, key, i + 1, "w", sha256, 4000_i64, 0_i64].to_vec()
        }),
    )?;
    tx.insert_rows(
        "annotations (submission_id, image_id, category_id, x, y, w, h)",
        (0..BOXES).map(|b| {
            let image = (b * 7919) % IMAGES + 1;
            let f = (b % 97) as f64;
            params![
                image,
                image,
                b % 6 + 1,
                10.5 + f,
                20.25 + f,
                100.0 + f / 3.0,
                80.0 + f / 7.0
            ]
            .to_vec()
        }),
    )?;
    tx.commit()?;

    let rt = tokio::runtime::Handle::current();
    let load = |method| {
        tokio::task::block_in_place(|| {
            rt.block_on(load_job_dataset(&pool, "seed", method, Default::default()))
                .unwrap()
        })
    };
    let dataset = load(None);
    let coco = coco_for(&dataset, 0)?;
    println!("export at {IMAGES} images, {BOXES} boxes ({RUNS} runs)");
    println!("| stage | median (best) |\n|---|---:|");
    let row = |name: &str, t: Timing| {
        println!(
            "| {name} | {:.1} ms ({:.1} ms) |",
            t.median.as_secs_f64() * 1000.0,
            t.best.as_secs_f64() * 1000.0
        )
    };
    let t_rows = time(|| read_job_blocking(&pool, job.id, Default::default()).unwrap());
    row("read the rows (images, boxes)", t_rows);
    let t_load = time(|| load(None));
    row(
        "read the job into core's dataset (`load_job_dataset`: job, labels, rows, grouping)",
        t_load,
    );
    let t_coco = time(|| coco_for(&dataset, 0).unwrap());
    row("build the COCO structure (`coco_for`)", t_coco);
    let serde_only = time(|| {
        let mut out = Vec::new();
        serde_json::to_writer_pretty(&mut out, &coco).unwrap();
        out
    });
    row(
        "serde_json alone, the same COCO structure (pretty)",
        serde_only,
    );
    for (name, format) in [
        ("coco", ExportFormat::Coco),
        ("groundtruth", ExportFormat::Groundtruth),
        ("voc", ExportFormat::Voc),
        ("yolo", ExportFormat::Yolo),
    ] {
        let t = time(|| render(&dataset, format, 0).unwrap());
        row(&format!("render {name} (build + write the bytes)"), t);
    }
    let to_bytes = time(
        || match render(&load(None), ExportFormat::Coco, 0).unwrap() {
            Rendered::File(bytes) => bytes,
            Rendered::Folder(_) => unreachable!("COCO is one file"),
        },
    );
    row(
        "COCO export end to end, SQLite to the bytes (`load_job_dataset` + `render`, as the HTTP export)",
        to_bytes,
    );
    let output = dir.path().join("seed.json");
    let end_to_end = time(|| {
        tokio::task::block_in_place(|| {
            rt.block_on(export_to(
                &pool,
                "seed",
                ExportFormat::Coco,
                &ExportSource::default(),
                &output,
                0,
            ))
            .unwrap()
        })
    });
    row(
        "COCO export end to end, SQLite to the file (`export_to`, as `crowdbox export`)",
        end_to_end,
    );
    println!(
        "| end to end / serde_json alone: to the bytes; to the file | {}; {} |",
        to_bytes.ratio(serde_only),
        end_to_end.ratio(serde_only)
    );
    let t = time(|| load(Some(ConsolidationMethod::Groundtruth)));
    row("read + consolidate (Ground Truth style)", t);
    Ok(())
}
