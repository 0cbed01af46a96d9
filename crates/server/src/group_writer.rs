//! Group commit: one thread writes submissions and leases for the whole server.
//!
//! The thread owns a blocking SQLite connection. When it takes the write lock it drains every request queued
//! meanwhile and handles the whole group in ONE transaction, each request in its own savepoint (a refused one
//! — an idempotency conflict, a missing lease, a bad box — is rolled back alone), and answers each request only
//! after the COMMIT. Under load one commit serves dozens of requests, and the checks run as direct SQLite calls
//! on prepared statements instead of round trips to sqlx's per-connection thread, which dominated the cost of a
//! request before.
//!
//! Durability is unchanged: an answer is sent after COMMIT returned, with the same WAL and
//! `synchronous=NORMAL` as the pool, so what was acknowledged is in the WAL file and survives the process being
//! killed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::wire::{ExampleImage, Receipt, TaskBatch, TaskMode};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use sqlx::SqlitePool;
use tokio::sync::oneshot;

use crate::error::ApiError;
use crate::jobs::Job;
use crate::leasing::{lease_one, PendingLease};
use crate::submissions::{store_one, Outcome, PendingSubmission};
use crate::to_u64;

type SubmitAnswer = Result<(Outcome, Receipt), ApiError>;
type LeaseAnswer = Result<TaskBatch, ApiError>;

/// Who asks, for the job's invite check (see [`crate::invites`]).
pub struct Admission {
    pub job_name: String,
    pub worker_id: String,
    /// The bearer token the request came with.
    pub invite: Option<String>,
    pub now_ms: i64,
}

/// A request waiting for the writer, with where its answer goes.
enum Queued {
    // Boxed: a submission is far larger than a lease request, and the queue holds either.
    Submit(
        Admission,
        Box<PendingSubmission>,
        oneshot::Sender<SubmitAnswer>,
    ),
    Lease(Admission, PendingLease, oneshot::Sender<LeaseAnswer>),
}

impl Queued {
    fn admission(&self) -> &Admission {
        match self {
            Self::Submit(admission, ..) | Self::Lease(admission, ..) => admission,
        }
    }

    /// This request's answer when it was refused before its own work.
    fn refused(&self, error: ApiError) -> Answer {
        match self {
            Self::Submit(..) => Answer::Submit(Err(error)),
            Self::Lease(..) => Answer::Lease(Err(error)),
        }
    }
}

/// An answer waiting for its group's COMMIT.
enum Answer {
    Submit(SubmitAnswer),
    Lease(LeaseAnswer),
}

/// The queue to the writer thread of one database. Clones share the thread, which ends when the last clone is
/// dropped.
#[derive(Clone, Debug)]
pub struct GroupWriter {
    queue: mpsc::Sender<Queued>,
}

/// The most requests one transaction handles, so that the first of a long queue is not kept waiting for the
/// last.
const MAX_GROUP: usize = 256;

/// How long the writer waits for the database's write lock held by another process (a running import).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the checkpointer lets commits gather before it copies them from the WAL into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

impl GroupWriter {
    /// Opens a writing connection on the pool's database file and starts the writer thread.
    pub fn start(pool: &SqlitePool) -> anyhow::Result<Self> {
        let path = crate::formats_io::bulk::database_path(pool)?;
        let conn = open_writer(&path)?;
        // Checkpoints (copying the WAL into the database file, with an fsync) run on their own thread, so that
        // no group waits for one; the writer only says when it committed.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpoints = open_writer(&path)?;
        let (committed, commits) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("crowdbox-checkpointer".to_owned())
            .spawn(move || checkpoint_after_commits(&checkpoints, &commits))
            .context("cannot start the checkpointer thread")?;
        let (queue, queued) = mpsc::channel();
        std::thread::Builder::new()
            .name("crowdbox-group-writer".to_owned())
            .spawn(move || write_groups(conn, &queued, &committed))
            .context("cannot start the writer thread")?;
        Ok(Self { queue })
    }

    /// Queues a submission and waits until its group has committed (or it was refused).
    pub(crate) async fn submit(
        &self,
        admission: Admission,
        pending: PendingSubmission,
    ) -> SubmitAnswer {
        let (reply, answer) = oneshot::channel();
        self.send(Queued::Submit(admission, Box::new(pending), reply))?;
        answer.await.map_err(|_| stopped())?
    }

    /// Queues a lease request and waits until its group has committed.
    pub(crate) async fn lease(&self, admission: Admission, pending: PendingLease) -> LeaseAnswer {
        let (reply, answer) = oneshot::channel();
        self.send(Queued::Lease(admission, pending, reply))?;
        answer.await.map_err(|_| stopped())?
    }

    fn send(&self, queued: Queued) -> Result<(), ApiError> {
        self.queue.send(queued).map_err(|_| stopped())
    }
}

fn stopped() -> ApiError {
    ApiError::Internal(anyhow::anyhow!("the writer thread has stopped"))
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
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// The writer thread: waits for a request, takes the write lock, adds whatever queued up meanwhile, handles
/// the group, answers. Ends when every [`GroupWriter`] is gone.
fn write_groups(
    mut conn: Connection,
    queued: &mpsc::Receiver<Queued>,
    committed: &mpsc::SyncSender<()>,
) {
    while let Ok(first) = queued.recv() {
        let mut group = vec![first];
        // Other writers in this process (tests) take the same lock, so they never meet SQLite's busy handler.
        let writer = crate::write_queue_blocking();
        group.extend(queued.try_iter().take(MAX_GROUP - 1));
        // A bug that panics must not end the thread (every later request would fail): unwinding drops the
        // open transaction, which rolls the group back, and the group is answered with internal errors.
        let answers = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle_group(&mut conn, &group)
        }))
        .unwrap_or_else(|_| {
            tracing::error!(
                requests = group.len(),
                "the writer panicked on a group of requests; the group was rolled back"
            );
            group
                .iter()
                .map(|queued| {
                    queued.refused(ApiError::Internal(anyhow::anyhow!(
                        "the writer failed on this group of requests"
                    )))
                })
                .collect()
        });
        drop(writer);
        // One note is enough: the checkpointer copies whatever is in the WAL when it runs.
        let _ = committed.try_send(());
        for (queued, answer) in group.into_iter().zip(answers) {
            // A request that went away (its client disconnected) needs no answer.
            let _ = match (queued, answer) {
                (Queued::Submit(.., reply), Answer::Submit(answer)) => reply.send(answer).is_ok(),
                (Queued::Lease(.., reply), Answer::Lease(answer)) => reply.send(answer).is_ok(),
                _ => unreachable!("answers are made in the order of the requests"),
            };
        }
    }
}

/// The checkpointer thread: after a commit, waits [`CHECKPOINT_EVERY`] for more, then runs a PASSIVE
/// checkpoint (which never blocks the writer). Ends with the writer thread.
fn checkpoint_after_commits(conn: &Connection, commits: &mpsc::Receiver<()>) {
    while commits.recv().is_ok() {
        std::thread::sleep(CHECKPOINT_EVERY);
        let checkpoint = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            row.get::<_, i64>(0)
        });
        if let Err(error) = checkpoint {
            tracing::warn!(%error, "a WAL checkpoint failed; the next one will copy what is left");
        }
    }
}

/// One answer per request; if the transaction as a whole fails, every one is an internal error (nothing of the
/// group is stored, so clients retry with the same ids).
fn handle_group(conn: &mut Connection, group: &[Queued]) -> Vec<Answer> {
    match try_handle_group(conn, group) {
        Ok(answers) => answers,
        Err(error) => {
            tracing::error!(error = %error, requests = group.len(), "a group of writes failed");
            let failed = || {
                ApiError::Internal(
                    anyhow::anyhow!("{error}").context("writing a group of requests"),
                )
            };
            group
                .iter()
                .map(|queued| queued.refused(failed()))
                .collect()
        }
    }
}

fn try_handle_group(conn: &mut Connection, group: &[Queued]) -> rusqlite::Result<Vec<Answer>> {
    let mut transaction = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut jobs = JobsSeen::default();
    let mut answers = Vec::with_capacity(group.len());
    for queued in group {
        // The invite check comes first and keeps its effect (binding an invite to its first worker) whatever
        // becomes of the request.
        let admitted = {
            let savepoint = transaction.savepoint()?;
            let admitted = admit(&savepoint, &mut jobs, queued.admission());
            if admitted.is_ok() {
                savepoint.commit()?;
            }
            admitted
        };
        if let Err(error) = admitted {
            answers.push(queued.refused(error));
            continue;
        }
        let savepoint = transaction.savepoint()?;
        let (answer, keep) = match queued {
            Queued::Submit(_, pending, _) => {
                let answer = store_one(&savepoint, &mut jobs, pending);
                let stored = matches!(answer, Ok((Outcome::Stored, _)));
                (Answer::Submit(answer), stored)
            }
            Queued::Lease(_, pending, _) => {
                let answer = lease_one(&savepoint, &mut jobs, pending);
                let ok = answer.is_ok();
                (Answer::Lease(answer), ok)
            }
        };
        if keep {
            savepoint.commit()?;
        } else {
            // Dropping the savepoint rolls back whatever this request wrote.
            drop(savepoint);
        }
        answers.push(answer);
    }
    transaction.commit()?;
    Ok(answers)
}

/// Lets the request through if its job is open or the request carries a valid invite (see
/// [`crate::invites`]). An unknown job passes: the request itself then answers that there is no such job.
fn admit(conn: &Connection, jobs: &mut JobsSeen, admission: &Admission) -> Result<(), ApiError> {
    let job = match jobs.find(conn, &admission.job_name) {
        Ok(job) if job.requires_invite => job,
        Ok(_) | Err(ApiError::JobNotFound(_)) => return Ok(()),
        Err(error) => return Err(error),
    };
    crate::invites::authorize_in(
        conn,
        job.id,
        &job.name,
        admission.invite.as_deref(),
        &admission.worker_id,
        admission.now_ms,
    )
}

/// What a group transaction knows about a job. Read once per group: nothing else writes while the group holds
/// the write lock, and the next group reads it afresh (`crowdbox job update` may change it in between).
pub(crate) struct JobFacts {
    pub id: i64,
    pub name: String,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
    pub requires_invite: bool,
    pub mode: TaskMode,
    pub allow_carry_forward: bool,
    /// The example images as batches show them ([`Job::example_images`]).
    pub examples: Vec<ExampleImage>,
    pub categories: Vec<CocoCategory>,
}

/// The jobs a group transaction has looked up, by name (`None`: no such job).
#[derive(Default)]
pub(crate) struct JobsSeen(HashMap<String, Option<JobFacts>>);

impl JobsSeen {
    /// The job called `name`, read once per group; `JobNotFound` if there is none.
    pub fn find(&mut self, conn: &Connection, name: &str) -> Result<&JobFacts, ApiError> {
        if !self.0.contains_key(name) {
            let facts = job_facts(conn, name)?;
            self.0.insert(name.to_owned(), facts);
        }
        self.0[name]
            .as_ref()
            .ok_or_else(|| ApiError::JobNotFound(name.to_owned()))
    }
}

fn job_facts(conn: &Connection, job_name: &str) -> rusqlite::Result<Option<JobFacts>> {
    let job = conn
        .prepare_cached(
            "SELECT id, instructions, workers_per_image, batch_size, lease_seconds, mode, allow_carry_forward,
                    examples, requires_invite
             FROM jobs WHERE name = ?1",
        )?
        .query_row([job_name], |row| {
            let job = Job {
                id: row.get(0)?,
                name: job_name.to_owned(),
                instructions: row.get(1)?,
                workers_per_image: row.get(2)?,
                batch_size: row.get(3)?,
                lease_seconds: row.get(4)?,
                mode: row.get(5)?,
                allow_carry_forward: row.get(6)?,
                examples: row.get(7)?,
            };
            Ok(JobFacts {
                mode: job.task_mode(),
                examples: job.example_images(),
                id: job.id,
                name: job.name,
                instructions: job.instructions,
                workers_per_image: job.workers_per_image,
                batch_size: job.batch_size,
                lease_seconds: job.lease_seconds,
                allow_carry_forward: job.allow_carry_forward,
                requires_invite: row.get(8)?,
                categories: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut job) = job else {
        return Ok(None);
    };
    // The supercategory is the job's name, as `jobs::categories` gives it.
    job.categories = conn
        .prepare_cached(
            "SELECT category_id, name FROM labels WHERE job_id = ?1 ORDER BY category_id",
        )?
        .query_map([job.id], |row| {
            Ok(CocoCategory {
                id: to_u64(row.get(0)?),
                name: row.get(1)?,
                supercategory: job_name.to_owned(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(job))
}
