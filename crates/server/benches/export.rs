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
use crowdbox_server::{db, open_database};
use sqlx::{QueryBuilder, Sqlite};

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
    let pool = open_database(&dir.path().join("bench.sqlite3")).await?;
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
    let job = db::jobs::create_job(&mut tx, &spec, 0).await?;
    for chunk in (0..IMAGES).collect::<Vec<_>>().chunks(500) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO images (id, job_id, file_name, sha256, store_path, mime, width, height, added_at) ");
        insert.push_values(chunk, |mut row, &i| {
            row.push_bind(i as i64 + 1)
                .push_bind(job.id)
                .push_bind(format!("{:06}.jpg", i + 1))
                .push_bind(format!("{:064x}", i))
                .push_bind("x")
                .push_bind("image/jpeg")
                .push_bind(640 + (i % 7) as i64 * 10)
                .push_bind(480)
                .push_bind(0);
        });
        insert.build().execute(&mut *tx).await?;
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO submissions (id, submission_id, image_id, worker_id, content_sha256, duration_ms, received_at) ");
        insert.push_values(chunk, |mut row, &i| {
            row.push_bind(i as i64 + 1)
                .push_bind(format!("s{i}"))
                .push_bind(i as i64 + 1)
                .push_bind("w")
                .push_bind(format!("{:064x}", i))
                .push_bind(4000)
                .push_bind(0);
        });
        insert.build().execute(&mut *tx).await?;
    }
    for chunk in (0..BOXES).collect::<Vec<_>>().chunks(500) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO annotations (submission_id, image_id, category_id, x, y, w, h) ",
        );
        insert.push_values(chunk, |mut row, &b| {
            let image = (b * 7919) % IMAGES + 1;
            let f = (b % 97) as f64;
            row.push_bind(image as i64)
                .push_bind(image as i64)
                .push_bind((b % 6) as i64 + 1)
                .push_bind(10.5 + f)
                .push_bind(20.25 + f)
                .push_bind(100.0 + f / 3.0)
                .push_bind(80.0 + f / 7.0);
        });
        insert.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;

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
    let database = dir.path().join("bench.sqlite3");
    let t_rows = time(|| read_job_blocking(&database, job.id, Default::default()).unwrap());
    row("read the rows (rusqlite: images, boxes)", t_rows);
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
    // For comparison: the same boxes row by row through sqlx.
    let mut conn = pool.pool().acquire().await?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let rows: Vec<(i64, i64, i64, f64, f64, f64, f64)> = sqlx::query_as("SELECT a.image_id, a.submission_id, a.category_id, a.x, a.y, a.w, a.h FROM annotations a ORDER BY a.image_id, a.id").fetch_all(&mut *conn).await?;
        std::hint::black_box(rows);
        times.push(start.elapsed());
    }
    row("(comparison) boxes row by row through sqlx", median(times));
    let t = time(|| load(Some(ConsolidationMethod::Groundtruth)));
    row("read + consolidate (Ground Truth style)", t);
    Ok(())
}
