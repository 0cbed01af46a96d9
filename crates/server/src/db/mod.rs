//! The storage layer: every SQL statement of the server lives below this module, and everything above it works
//! with typed rows ([`Job`], [`JobImage`], [`Progress`], …) through a [`Store`].
//!
//! - [`jobs`]: jobs, their labels, settings and progress.
//! - [`invites`]: invite tokens of closed jobs.
//! - [`ingest`]: writing imported images, pre-annotations and final boxes.
//! - [`bulk`]: reading a whole job at once, for exports and statistics.
//! - [`writer`]: the group-commit thread that stores submissions and leases; [`write_tx`] is what the leasing and
//!   submission rules read and write inside its transactions.
//!
//! The database is SQLite (WAL). Migrations are files in `crates/server/migrations/sqlite/`.

pub mod bulk;
pub mod images;
pub mod ingest;
pub mod invites;
mod job_facts;
pub mod jobs;
pub mod prelabel;
pub mod quality;
pub mod review;
pub mod stats;
pub mod tiles;
pub mod write_tx;
pub mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use job_facts::JobFacts;
pub(crate) use job_facts::JobsSeen;
pub use jobs::{Job, JobImage, JobSummary, Progress};

/// What a failed read or write of the storage layer returns (the driver's error, kept behind this name).
pub type DbError = sqlx::Error;

/// A transaction that holds the database's write lock.
pub type WriteTransaction = sqlx::Transaction<'static, sqlx::Sqlite>;

/// The database: a pool of connections for reads and short writes, and the file the bulk readers and the writer
/// thread open themselves. Clones share the pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

/// How long a request waits for the database's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens (creating it and its folder if missing) the SQLite database at `path` in WAL mode with foreign keys
    /// on, and applies the migrations in `crates/server/migrations/sqlite`.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).with_context(|| {
                format!("cannot create the database folder {}", parent.display())
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL with synchronous=NORMAL: a commit is in the WAL file (the OS page cache) before it returns, so
            // a killed process loses no acknowledged write; only a power cut or kernel crash can lose the last
            // commits. See RELIABILITY.md.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // No ping before handing out a connection: each one is a round trip to the connection's thread, paid
            // twice per API request, and an embedded database does not drop connections (a failing statement
            // reports its error anyway).
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the database {}", path.display()))?;
        Ok(Self {
            pool,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection pool, for statements of this module and for tests that look at rows directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction that takes SQLite's write lock at once. A plain (deferred) `BEGIN` that reads
    /// first and writes later can fail with "database is locked" when two requests race; `IMMEDIATE` makes the
    /// second one wait (up to the busy timeout) instead.
    pub async fn begin_write(&self) -> Result<WriteTransaction, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

/// The in-process write lock. SQLite allows one writer at a time; when several connections race for the lock,
/// the losers sleep in SQLite's busy handler (1, 2, 5, … 100 ms steps), which makes the latency tail long. The
/// [`writer`] thread holds this lock around each group transaction; other writers in the same process (tests
/// that want a group to queue up) take it too, and wait in a fair FIFO queue instead. (Other processes, such as
/// a running `crowdbox import`, still meet the busy timeout.)
pub async fn write_queue() -> tokio::sync::MutexGuard<'static, ()> {
    WRITE_QUEUE.lock().await
}

/// [`write_queue`] for the writer thread (not an async context).
pub(crate) fn write_queue_blocking() -> tokio::sync::MutexGuard<'static, ()> {
    WRITE_QUEUE.blocking_lock()
}

static WRITE_QUEUE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// SQLite stores integers as i64; ids and counts are never negative.
pub(crate) fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

// A database failure is the server's, never the request's: the API answers 500 and logs the details. These live
// here so that the drivers' types stay inside the storage layer.
impl From<sqlx::Error> for crate::error::ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(error).context("database error"))
    }
}

impl From<rusqlite::Error> for crate::error::ApiError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Internal(anyhow::Error::new(error).context("database error"))
    }
}
