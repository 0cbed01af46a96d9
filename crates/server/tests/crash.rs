//! Crash test: real `crowdbox serve` processes under concurrent submitting clients are killed with SIGKILL
//! several times at random moments and restarted on the same database — one process on SQLite, three on one
//! PostgreSQL database (when the tests run on PostgreSQL). Clients retry unacknowledged submissions with the
//! same submission id, on another process when theirs went away. Afterwards every acknowledged submission is
//! stored exactly once with exactly the boxes that were sent, no submission is stored partially, and no image
//! was leased to two workers at once (every submission was accepted, which it is only under its own lease).

#[path = "support/http1.rs"]
mod http1;
#[path = "support/storage.rs"]
mod storage;
#[path = "support/crash_work.rs"]
mod work;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crowdbox_core::wire::TaskBatch;
use crowdbox_server::db::{Backend, Conn};
use crowdbox_server::{params, Storage};
use serde_json::json;
use storage::crowdbox_command;
use work::{image_folder, submission, Random, SentBox};

const CLIENTS: usize = 6;
const IMAGES: usize = 800;
const KILLS: usize = 5;
const DEADLINE: Duration = Duration::from_secs(50);

struct Server {
    child: Child,
    address: String,
}

fn start_server(storage: &Storage, static_dir: &Path, bind: &str) -> Server {
    for _attempt in 0..50 {
        let mut child = crowdbox_command(storage)
            .args(["serve", "--bind", bind, "--static-dir"])
            .arg(static_dir)
            .args(["--rate-limit-per-worker", "0", "--rate-limit-per-ip", "0"])
            .env("RUST_LOG", "error")
            .env("CROWDBOX_OWNER_TOKEN", "crash-test-owner-token-0123456789")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("crowdbox starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if let Some(address) = line.trim().strip_prefix("crowdbox listening on http://") {
            return Server {
                child,
                address: address.to_owned(),
            };
        }
        // The port may still be held for a moment after a kill: try again.
        let _ = child.kill();
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("crowdbox serve did not start on {bind}");
}

#[derive(Default)]
struct Ledger {
    /// Every submission id acknowledged with 200/201, with the boxes sent.
    acknowledged: Mutex<HashMap<String, Vec<SentBox>>>,
    /// Requests that failed because the server went away (then retried).
    failures: AtomicUsize,
}

/// Sends `body` until a server answers; returns the answer. Connection errors (the server was killed) are
/// retried on a new connection to the next server after a short pause.
async fn send(
    addresses: &[String],
    server: &mut usize,
    connection: &mut Option<http1::Connection>,
    path: &str,
    body: &[u8],
    ledger: &Ledger,
) -> http1::Response {
    loop {
        if connection.is_none() {
            match http1::Connection::connect(&addresses[*server % addresses.len()]).await {
                Ok(fresh) => *connection = Some(fresh),
                Err(_) => {
                    *server += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            }
        }
        match connection.as_mut().unwrap().post_json(path, body).await {
            Ok(response) => return response,
            Err(_) => {
                ledger.failures.fetch_add(1, Ordering::Relaxed);
                *connection = None;
                *server += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

async fn client(index: usize, addresses: Arc<Vec<String>>, ledger: Arc<Ledger>, seed: u64) {
    let mut random = Random(seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut connection = None;
    // Clients start spread over the servers.
    let mut server = index;
    for round in 0.. {
        let worker = format!("client{index}-worker{round}");
        let lease = json!({ "worker_id": worker }).to_string();
        let response = send(
            &addresses,
            &mut server,
            &mut connection,
            "/api/jobs/crash/batches",
            lease.as_bytes(),
            &ledger,
        )
        .await;
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        let batch: TaskBatch = serde_json::from_slice(&response.body).unwrap();
        if batch.tasks.is_empty() {
            if batch.job_done {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        for task in &batch.tasks {
            let (submission, boxes) = submission(&batch, task, &worker, &mut random);
            let body = serde_json::to_vec(&submission).unwrap();
            let response = send(
                &addresses,
                &mut server,
                &mut connection,
                "/api/jobs/crash/submissions",
                &body,
                &ledger,
            )
            .await;
            assert!(
                matches!(response.status, 200 | 201),
                "{}: {} {}",
                submission.submission_id,
                response.status,
                String::from_utf8_lossy(&response.body)
            );
            ledger
                .acknowledged
                .lock()
                .unwrap()
                .insert(submission.submission_id, boxes);
        }
    }
}

#[test]
fn acknowledged_submissions_survive_sigkill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::sqlite(&dir.path().join("data").join("crash.sqlite3"));
    crash_test(dir.path(), &storage, 1);
}

#[test]
fn three_processes_on_one_postgres_database_lose_and_double_nothing_when_killed() {
    if std::env::var(storage::TEST_POSTGRES).is_err() {
        eprintln!(
            "skipped: {} is not set (scripts/test sets it)",
            storage::TEST_POSTGRES
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let storage = storage::fresh_storage(dir.path());
    assert_eq!(storage.database.backend(), Backend::Postgres);
    crash_test(dir.path(), &storage, 3);
}

/// Imports the job, starts `processes` servers, runs the clients against them while killing a random one
/// [`KILLS`] times, and checks the database.
fn crash_test(dir: &Path, storage: &Storage, processes: usize) {
    let started = Instant::now();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("crash test seed {seed}");
    let static_dir = dir.join("dist");
    std::fs::create_dir_all(&static_dir).unwrap();
    let import = crowdbox_command(storage)
        .args([
            "import",
            "--job",
            "crash",
            "--labels",
            "a,b,c",
            "--batch-size",
            "3",
            "--images",
        ])
        .arg(image_folder(dir, IMAGES))
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let mut servers: Vec<Server> = (0..processes)
        .map(|_| start_server(storage, &static_dir, "127.0.0.1:0"))
        .collect();
    let addresses: Arc<Vec<String>> = Arc::new(
        servers
            .iter()
            .map(|server| server.address.clone())
            .collect(),
    );
    let ledger = Arc::new(Ledger::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|index| runtime.spawn(client(index, addresses.clone(), ledger.clone(), seed)))
        .collect();

    let mut random = Random(seed);
    let mut acknowledged_at_kill = Vec::new();
    for kill in 0..KILLS {
        // Kill at a random point of the work rather than at a random time: a fast server would otherwise be
        // done before the first kill. Kill k falls in the k-th of KILLS + 1 equal slices of the images.
        let slice = IMAGES / (KILLS + 1);
        let kill_at = slice * (kill + 1) - 1 - random.below(slice as u64 / 2) as usize;
        while ledger.acknowledged.lock().unwrap().len() < kill_at && started.elapsed() < DEADLINE {
            std::thread::sleep(Duration::from_millis(1));
        }
        let victim = random.below(processes as u64) as usize;
        servers[victim].child.kill().unwrap(); // SIGKILL on unix
        servers[victim].child.wait().unwrap();
        acknowledged_at_kill.push(ledger.acknowledged.lock().unwrap().len());
        std::thread::sleep(Duration::from_millis(random.below(200)));
        servers[victim] = start_server(storage, &static_dir, &addresses[victim]);
    }
    runtime.block_on(async {
        for client in clients {
            let remaining = DEADLINE.saturating_sub(started.elapsed());
            tokio::time::timeout(remaining, client)
                .await
                .expect("the clients finish before the deadline")
                .expect("no client failed");
        }
    });
    for server in &mut servers {
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }

    let acknowledged = ledger.acknowledged.lock().unwrap().clone();
    let failures = ledger.failures.load(Ordering::Relaxed);
    println!(
        "{processes} process(es): {} acknowledged, {failures} requests cut off by {KILLS} kills (acknowledged at each kill: {acknowledged_at_kill:?}), {:.1} s",
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(acknowledged.len(), IMAGES, "every image was submitted once");
    assert!(
        acknowledged_at_kill
            .iter()
            .any(|&count| count > 0 && count < IMAGES),
        "the kills happened while clients were submitting"
    );
    check_database(storage, &acknowledged);
}

/// Every acknowledged submission is stored once with exactly its boxes; nothing else is stored; the counters
/// the triggers keep agree with the rows.
fn check_database(storage: &Storage, acknowledged: &HashMap<String, Vec<SentBox>>) {
    let mut conn = Conn::open(&storage.database).unwrap();
    if conn.backend() == Backend::Sqlite {
        let integrity: String = conn.value("PRAGMA integrity_check", &[]).unwrap();
        assert_eq!(integrity, "ok");
    }
    let rows: Vec<(i64, String)> = conn
        .rows("SELECT id, submission_id FROM submissions", &[], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert_eq!(
        rows.len(),
        acknowledged.len(),
        "no submission stored twice or unacknowledged"
    );
    for (row_id, submission_id) in rows {
        let sent = acknowledged
            .get(&submission_id)
            .unwrap_or_else(|| panic!("{submission_id} is stored but was never acknowledged"));
        let stored: Vec<SentBox> = conn
            .rows(
                "SELECT category_id, x, y, w, h FROM annotations WHERE submission_id = ?1 ORDER BY id",
                params![row_id],
                |row| {
                    Ok((
                        row.get::<i64>(0)? as u64,
                        [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?],
                    ))
                },
            )
            .unwrap();
        assert_eq!(
            &stored, sent,
            "{submission_id}: the stored boxes are the sent ones, all of them"
        );
    }
    let leftover: i64 = conn
        .value(
            "SELECT COUNT(*) FROM annotations WHERE submission_id NOT IN (SELECT id FROM submissions)",
            &[],
        )
        .unwrap();
    assert_eq!(leftover, 0);
    let doubled: i64 = conn
        .value(
            "SELECT COUNT(*) FROM (SELECT image_id FROM submissions GROUP BY image_id HAVING COUNT(*) > 1) d",
            &[],
        )
        .unwrap();
    assert_eq!(doubled, 0, "no image was boxed by two workers");
    let (total, done): (i64, i64) = conn
        .one(
            "SELECT images_total, images_done FROM jobs WHERE name = 'crash'",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (total, done),
        (IMAGES as i64, IMAGES as i64),
        "the job's counters"
    );
}
