//! Group commit for submissions.
//!
//! One thread owns a blocking SQLite connection and stores every submission. When it takes the write lock it
//! drains everything queued meanwhile and stores the whole group in ONE transaction, each submission in its
//! own savepoint (a refused one — an idempotency conflict, a missing lease, a bad box — is rolled back alone),
//! and answers each request only after the COMMIT. Under load one commit (and its WAL write) serves dozens of
//! submissions, and the checks run as direct SQLite calls on prepared statements instead of round trips to
//! sqlx's per-connection thread, which dominated the cost of a submission before.
//!
//! Durability is unchanged: a receipt is sent after COMMIT returned, with the same WAL and `synchronous=NORMAL`
//! as the pool, so the submission is in the WAL file and survives the process being killed.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use crowdbox_core::wire::{Receipt, Submission};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sqlx::SqlitePool;
use tokio::sync::oneshot;

use crate::error::ApiError;
use crate::submissions::{store_one, JobsSeen, Outcome};

/// A submission that passed the checks that need no database.
pub struct PendingSubmission {
    pub job_name: String,
    pub submission: Submission,
    /// See `submissions::content_hash`.
    pub content_sha256: String,
    pub now_ms: i64,
}

type Answer = Result<(Outcome, Receipt), ApiError>;
type Queued = (PendingSubmission, oneshot::Sender<Answer>);

/// The queue to the writer thread of one database. Clones share the thread, which ends when the last clone is
/// dropped.
#[derive(Clone, Debug)]
pub struct SubmissionWriter {
    queue: mpsc::Sender<Queued>,
}

/// The most submissions one transaction stores, so that the first of a long queue is not kept waiting for
/// the last.
const MAX_GROUP: usize = 256;

/// How long the writer waits for the database's write lock held by another process (a running import).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl SubmissionWriter {
    /// Opens a writing connection on the pool's database file and starts the writer thread.
    pub fn start(pool: &SqlitePool) -> anyhow::Result<Self> {
        let path = crate::formats_io::bulk::database_path(pool)?;
        let conn = open_writer(&path)?;
        let (queue, queued) = mpsc::channel();
        std::thread::Builder::new()
            .name("crowdbox-submission-writer".to_owned())
            .spawn(move || write_groups(conn, &queued))
            .context("cannot start the submission writer thread")?;
        Ok(Self { queue })
    }

    /// Queues `pending` and waits until its group has committed (or it was refused).
    pub async fn store(&self, pending: PendingSubmission) -> Answer {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((pending, reply))
            .map_err(|_| anyhow::anyhow!("the submission writer has stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the submission writer stopped before answering"))?
    }
}

fn open_writer(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the database {} to write", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The same settings as the pool's connections (`open_database`): these two are per connection.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// The writer thread: waits for a submission, takes the write lock, adds whatever queued up meanwhile, stores
/// the group, answers. Ends when every [`SubmissionWriter`] is gone.
fn write_groups(mut conn: Connection, queued: &mpsc::Receiver<Queued>) {
    while let Ok(first) = queued.recv() {
        let mut group = vec![first];
        // The same in-process queue as leasing, so the two never meet SQLite's busy handler.
        let writer = crate::write_queue_blocking();
        group.extend(queued.try_iter().take(MAX_GROUP - 1));
        let answers = store_group(&mut conn, &group);
        drop(writer);
        for ((_, reply), answer) in group.into_iter().zip(answers) {
            // A request that went away (its client disconnected) needs no answer.
            let _ = reply.send(answer);
        }
    }
}

/// One answer per queued submission; if the transaction as a whole fails, every one is an internal error
/// (nothing of the group is stored, so clients retry with the same ids).
fn store_group(conn: &mut Connection, group: &[Queued]) -> Vec<Answer> {
    match try_store_group(conn, group) {
        Ok(answers) => answers,
        Err(error) => {
            tracing::error!(error = %error, submissions = group.len(), "a group of submissions failed");
            group
                .iter()
                .map(|_| {
                    Err(ApiError::Internal(
                        anyhow::anyhow!("{error}").context("storing a group of submissions"),
                    ))
                })
                .collect()
        }
    }
}

fn try_store_group(conn: &mut Connection, group: &[Queued]) -> rusqlite::Result<Vec<Answer>> {
    let mut transaction = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut jobs = JobsSeen::new();
    let mut answers = Vec::with_capacity(group.len());
    for (pending, _) in group {
        let savepoint = transaction.savepoint()?;
        let answer = store_one(&savepoint, &mut jobs, pending);
        if matches!(answer, Ok((Outcome::Stored, _))) {
            savepoint.commit()?;
        } else {
            // Dropping the savepoint rolls back whatever this submission wrote.
            drop(savepoint);
        }
        answers.push(answer);
    }
    transaction.commit()?;
    Ok(answers)
}
