//! Group commit: one thread writes submissions and leases for the whole server.
//!
//! The thread owns a connection of its own. When it takes the write lock it drains every request queued
//! meanwhile and handles the whole group in ONE transaction, each request in its own savepoint (a refused one
//! — an idempotency conflict, a missing lease, a bad box — is rolled back alone), and answers each request only
//! after the COMMIT. Under load one commit serves dozens of requests, and the checks run as direct calls on
//! prepared statements of that connection.
//!
//! An answer is sent after COMMIT returned: on SQLite with WAL and `synchronous=NORMAL`, what was acknowledged is
//! in the WAL file and survives the process being killed; on PostgreSQL it is in PostgreSQL's WAL. Several
//! processes on one PostgreSQL database each have a writer; their group transactions take turns on the write
//! lock (see [`Conn::begin_write`]), so the leasing and submission rules see every earlier group's rows.

use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use crowdbox_core::wire::{Receipt, TaskBatch};
use tokio::sync::oneshot;

use super::sql::{Conn, DbError};
use super::write_tx::WriteTx;
use super::{JobsSeen, Store};
use crate::error::ApiError;
use crate::leasing::{lease_one, PendingLease};
use crate::submissions::{store_one, Outcome, PendingSubmission};

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

/// How long the checkpointer lets commits gather before it copies them from the WAL into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// WAL frames (4 KiB pages) from which the checkpointer makes the writer start the WAL over (about 16 MB).
const WAL_RESTART_FRAMES: i64 = 4096;

impl GroupWriter {
    /// Opens a writing connection on the store's database and starts the writer thread.
    pub fn start(store: &Store) -> anyhow::Result<Self> {
        let conn = open_writer(store)?;
        let (committed, commits) = mpsc::sync_channel(1);
        if let Some(sqlite) = conn.sqlite() {
            // Checkpoints (copying the WAL into the database file, with an fsync) run on their own thread, so
            // that no group waits for one; the writer only says when it committed.
            sqlite.pragma_update(None, "wal_autocheckpoint", 0)?;
            let checkpoints = open_writer(store)?;
            std::thread::Builder::new()
                .name("crowdbox-checkpointer".to_owned())
                .spawn(move || checkpoint_after_commits(&checkpoints, &commits))
                .context("cannot start the checkpointer thread")?;
        }
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

fn open_writer(store: &Store) -> anyhow::Result<Conn> {
    store
        .open_conn()
        .with_context(|| format!("cannot open the database {} to write", store.location()))
}

/// The writer thread: waits for a request, takes the write lock, adds whatever queued up meanwhile, handles
/// the group, answers. Ends when every [`GroupWriter`] is gone.
fn write_groups(mut conn: Conn, queued: &mpsc::Receiver<Queued>, committed: &mpsc::SyncSender<()>) {
    while let Ok(first) = queued.recv() {
        let mut group = vec![first];
        // Other writers in this process (tests) take the same lock, so they never meet SQLite's busy handler.
        let writer = super::write_queue_blocking();
        group.extend(queued.try_iter().take(MAX_GROUP - 1));
        // A bug that panics must not end the thread (every later request would fail): the open transaction
        // is rolled back, and the group is answered with internal errors.
        let answers = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle_group(&mut conn, &group)
        }))
        .unwrap_or_else(|_| {
            let _ = conn.rollback();
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
///
/// SQLite starts the WAL file over only when a write transaction begins with every frame copied. Under steady
/// load the writer always appends more before that, so the WAL would only grow (160 MB after 20,000
/// submissions in `submit_load`). Once it holds [`WAL_RESTART_FRAMES`], the checkpointer copies the rest while
/// holding the in-process write lock, so the next group starts the WAL over; that group waits for one short
/// checkpoint.
fn checkpoint_after_commits(conn: &Conn, commits: &mpsc::Receiver<()>) {
    while commits.recv().is_ok() {
        std::thread::sleep(CHECKPOINT_EVERY);
        let frames = match passive_checkpoint(conn) {
            Ok(frames) => frames,
            Err(error) => {
                tracing::warn!(%error, "a WAL checkpoint failed; the next one will copy what is left");
                continue;
            }
        };
        if frames >= WAL_RESTART_FRAMES {
            let _writer = super::write_queue_blocking();
            if let Err(error) = passive_checkpoint(conn) {
                tracing::warn!(%error, "a WAL checkpoint failed; the next one will copy what is left");
            }
        }
    }
}

/// Copies what it can from the WAL into the database file; returns how many frames the WAL holds.
fn passive_checkpoint(conn: &Conn) -> Result<i64, rusqlite::Error> {
    conn.sqlite().map_or(Ok(0), |sqlite| {
        sqlite.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
    })
}

/// One answer per request; if the transaction as a whole fails, every one is an internal error (nothing of the
/// group is stored, so clients retry with the same ids).
fn handle_group(conn: &mut Conn, group: &[Queued]) -> Vec<Answer> {
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

/// The savepoint each request of a group runs in.
const REQUEST: &str = "request";

fn try_handle_group(conn: &mut Conn, group: &[Queued]) -> Result<Vec<Answer>, DbError> {
    conn.begin_write()?;
    match handle_requests(conn, group) {
        Ok(answers) => {
            conn.commit()?;
            Ok(answers)
        }
        Err(error) => {
            let _ = conn.rollback();
            Err(error)
        }
    }
}

/// Each request of the group in its own savepoint, kept when the request succeeded and rolled back otherwise.
fn handle_requests(conn: &mut Conn, group: &[Queued]) -> Result<Vec<Answer>, DbError> {
    let mut jobs = JobsSeen::default();
    let mut answers = Vec::with_capacity(group.len());
    for queued in group {
        // The invite check of an invite-only job comes first and keeps its effect (binding an invite to its
        // first worker) whatever becomes of the request. Other jobs let everyone in without a write.
        let admission = queued.admission();
        let invite_only = matches!(
            WriteTx::new(conn, &mut jobs).job(&admission.job_name),
            Ok(facts) if facts.job.requires_invite
        );
        let admitted = if invite_only {
            conn.savepoint(REQUEST)?;
            let admitted = admit(&mut WriteTx::new(conn, &mut jobs), admission);
            end_savepoint(conn, admitted.is_ok())?;
            admitted
        } else {
            Ok(())
        };
        if let Err(error) = admitted {
            answers.push(queued.refused(error));
            continue;
        }
        conn.savepoint(REQUEST)?;
        let mut tx = WriteTx::new(conn, &mut jobs);
        let (answer, keep) = match queued {
            Queued::Submit(_, pending, _) => {
                let answer = store_one(&mut tx, pending);
                let stored = matches!(answer, Ok((Outcome::Stored, _)));
                (Answer::Submit(answer), stored)
            }
            Queued::Lease(_, pending, _) => {
                let answer = lease_one(&mut tx, pending);
                let ok = answer.is_ok();
                (Answer::Lease(answer), ok)
            }
        };
        end_savepoint(conn, keep)?;
        answers.push(answer);
    }
    Ok(answers)
}

/// Keeps or undoes what the request wrote.
fn end_savepoint(conn: &mut Conn, keep: bool) -> Result<(), DbError> {
    if keep {
        conn.release(REQUEST)
    } else {
        conn.rollback_to(REQUEST)
    }
}

/// Lets the request through if its job is open or the request carries a valid invite (see
/// [`crate::invites`]). An unknown job passes: the request itself then answers that there is no such job.
fn admit(tx: &mut WriteTx<'_>, admission: &Admission) -> Result<(), ApiError> {
    let facts = match tx.job(&admission.job_name) {
        Ok(facts) if facts.job.requires_invite => facts,
        Ok(_) | Err(ApiError::JobNotFound(_)) => return Ok(()),
        Err(error) => return Err(error),
    };
    crate::invites::authorize_in(
        tx,
        facts.job.id,
        &facts.job.name,
        admission.invite.as_deref(),
        &admission.worker_id,
        admission.now_ms,
    )
}
