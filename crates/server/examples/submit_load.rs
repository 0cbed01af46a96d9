//! Load benchmark: the real app on loopback, 64 concurrent clients, each on its own keep-alive connection,
//! leasing batches and submitting every task (0–4 boxes each) until the job is done. Prints submissions per
//! second and submission latency percentiles.
//!
//! `cargo run --release -p crowdbox-server --example submit_load [-- SUBMISSIONS [CLIENTS [BATCH_SIZE]]]`
//! (defaults 20000, 64, 10). A larger batch size means fewer lease requests per submission.
//!
//! By default the app runs in this process on a temporary SQLite file. With `CROWDBOX_LOAD_POSTGRES` (a URL of
//! a PostgreSQL server where it may create a database, `postgres://user@127.0.0.1:port/postgres`) the job is
//! in a new database there, and `CROWDBOX_LOAD_PROCESSES=N` (default 1) real `crowdbox serve` processes
//! (`CROWDBOX_BIN`, default `target/release/crowdbox`) serve it, the clients spread over them.

#[path = "../tests/support/http1.rs"]
mod http1;

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crowdbox_core::coco::CocoAnnotation;
use crowdbox_core::wire::{CocoResult, Submission, TaskBatch};
use crowdbox_server::clock::SystemClock;
use crowdbox_server::db::writer::GroupWriter;
use crowdbox_server::db::Conn;
use crowdbox_server::limits::RateLimits;
use crowdbox_server::{
    app_with, image_store_dir, open_database, params, AppState, Location, ServerConfig,
};
use serde_json::json;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let submissions: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(20_000);
    let clients: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(64);
    let batch_size: i64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10);
    let processes: usize = std::env::var("CROWDBOX_LOAD_PROCESSES")
        .ok()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1);

    // Server-side errors (a 500's cause) go to stderr.
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "error".to_owned()))
        .with_writer(std::io::stderr)
        .init();
    let dir = tempfile::tempdir()?;
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // The server processes, killed when the bench ends.
    let mut servers = Servers(Vec::new());
    let (addresses, backend) = match std::env::var("CROWDBOX_LOAD_POSTGRES") {
        Ok(server) => {
            let database = new_postgres_database(&server)?;
            server_runtime.block_on(async {
                let db = open_database(&database).await?;
                seed_job(&mut *db.connect().await?, submissions, batch_size)
            })?;
            let bin = std::env::var("CROWDBOX_BIN").unwrap_or_else(|_| {
                concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/release/crowdbox").to_owned()
            });
            for _ in 0..processes {
                servers
                    .0
                    .push(start_server(&bin, &database, &dir.path().join("images"))?);
            }
            let addresses = servers
                .0
                .iter()
                .map(|(_, address)| address.clone())
                .collect();
            (addresses, format!("PostgreSQL, {processes} process(es)"))
        }
        Err(_) => {
            let database = dir.path().join("load.sqlite3");
            let address = server_runtime.block_on(async {
                let db = open_database(&Location::Sqlite(database.clone())).await?;
                seed_job(&mut *db.connect().await?, submissions, batch_size)?;
                let state = AppState {
                    writer: GroupWriter::start(&db)?,
                    db,
                    image_store: image_store_dir(&database),
                    static_dir: dir.path().join("dist"),
                    clock: Arc::new(SystemClock),
                };
                let config = ServerConfig {
                    rate_limits: RateLimits {
                        per_worker_per_minute: 0,
                        per_ip_per_minute: 0,
                    },
                    ..ServerConfig::default()
                };
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                let address = listener.local_addr()?;
                tokio::spawn(async move { axum::serve(listener, app_with(state, config)).await });
                anyhow::Ok(address.to_string())
            })?;
            (vec![address], "SQLite, in process".to_owned())
        }
    };

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let mut latencies: Vec<Duration> = client_runtime.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|index| tokio::spawn(client(index, addresses[index % addresses.len()].clone())))
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await??);
        }
        anyhow::Ok(all)
    })?;
    let elapsed = started.elapsed();
    assert_eq!(
        latencies.len(),
        submissions,
        "every task was submitted once"
    );
    latencies.sort();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index].as_secs_f64() * 1000.0
    };
    println!("| database | clients | submissions | batch size | seconds | submissions/s | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {backend} | {clients} | {submissions} | {batch_size} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} |",
        elapsed.as_secs_f64(),
        submissions as f64 / elapsed.as_secs_f64(),
        percentile(0.50),
        percentile(0.99),
        percentile(1.0)
    );
    drop(servers);
    Ok(())
}

/// A new database on the PostgreSQL server at `server` (a URL ending in `/database`).
fn new_postgres_database(server: &str) -> anyhow::Result<Location> {
    let name = format!("crowdbox_load_{}", std::process::id());
    let mut admin = postgres::Client::connect(server, postgres::NoTls)?;
    admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let (base, _) = server
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("CROWDBOX_LOAD_POSTGRES must end in /database"))?;
    Ok(Location::Postgres(format!("{base}/{name}")))
}

/// `crowdbox serve` processes with their addresses; killed when dropped.
struct Servers(Vec<(Child, String)>);

impl Drop for Servers {
    fn drop(&mut self) {
        for (child, _) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn start_server(
    bin: &str,
    database: &Location,
    image_store: &std::path::Path,
) -> anyhow::Result<(Child, String)> {
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--static-dir",
            "/nonexistent",
        ])
        .args(["--rate-limit-per-worker", "0", "--rate-limit-per-ip", "0"])
        .env("CROWDBOX_DATABASE", database.to_arg())
        .env("CROWDBOX_IMAGE_STORE", image_store)
        .env("CROWDBOX_OWNER_TOKEN", "load-test-owner-token-0123456789")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let address = line
        .trim()
        .strip_prefix("crowdbox listening on http://")
        .ok_or_else(|| anyhow::anyhow!("{bin} serve said {line:?}"))?
        .to_owned();
    Ok((child, address))
}

/// One job with `images` images (rows only: the bench never loads pixels) and 3 labels.
fn seed_job(conn: &mut Conn, images: usize, batch_size: i64) -> anyhow::Result<()> {
    conn.begin_write()?;
    conn.execute(
        "INSERT INTO jobs (name, instructions, workers_per_image, batch_size, lease_seconds, created_at)
         VALUES ('load', 'Box everything.', 1, ?1, 1800, 0)",
        params![batch_size],
    )?;
    conn.insert_rows(
        "labels (job_id, category_id, name)",
        [(1_i64, "a"), (2, "b"), (3, "c")]
            .into_iter()
            .map(|(category_id, name)| params![1_i64, category_id, name].to_vec()),
    )?;
    let names: Vec<(String, String)> = (0..images)
        .map(|index| (format!("image-{index:06}.png"), format!("{index:064x}")))
        .collect();
    conn.insert_rows(
        "images (job_id, file_name, sha256, store_path, mime, width, height, added_at)",
        names.iter().map(|(file_name, sha256)| {
            params![
                1_i64,
                file_name,
                sha256,
                "none.png",
                "image/png",
                640_i64,
                480_i64,
                0_i64
            ]
            .to_vec()
        }),
    )?;
    conn.commit()?;
    Ok(())
}

/// Leases and submits until the job has nothing left; returns each submission's latency.
async fn client(index: usize, address: String) -> anyhow::Result<Vec<Duration>> {
    let mut connection = http1::Connection::connect(&address).await?;
    let mut latencies = Vec::new();
    for round in 0.. {
        let worker = format!("client{index}-round{round}");
        let lease = json!({ "worker_id": worker }).to_string();
        let response = connection
            .post_json("/api/jobs/load/batches", lease.as_bytes())
            .await?;
        anyhow::ensure!(response.status == 200, "lease: {}", response.status);
        let batch: TaskBatch = serde_json::from_slice(&response.body)?;
        if batch.tasks.is_empty() {
            if batch.job_done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        }
        for task in &batch.tasks {
            let boxes = task.task_id % 5;
            let annotations = (1..=boxes)
                .map(|id| {
                    let bbox = [10.0 * id as f64, 20.5, 33.25, 41.0];
                    CocoAnnotation {
                        id,
                        image_id: task.image.id,
                        category_id: 1 + id % 3,
                        bbox,
                        area: bbox[2] * bbox[3],
                        iscrowd: 0,
                        score: None,
                    }
                })
                .collect();
            let submission = Submission {
                submission_id: format!("{worker}-{}", task.task_id),
                worker_id: worker.clone(),
                task_id: task.task_id,
                duration_ms: Some(1234),
                outcome: Default::default(),
                note: None,
                changes: Vec::new(),
                verdicts: Vec::new(),
                result: CocoResult {
                    images: vec![task.image.clone()],
                    annotations,
                    categories: batch.categories.clone(),
                },
            };
            let body = serde_json::to_vec(&submission)?;
            let sent = Instant::now();
            let response = connection
                .post_json("/api/jobs/load/submissions", &body)
                .await?;
            latencies.push(sent.elapsed());
            anyhow::ensure!(
                response.status == 201,
                "submit: {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            );
        }
    }
    Ok(latencies)
}
