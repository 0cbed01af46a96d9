//! The storage layer: every SQL statement of the server lives below this module, and everything above it works
//! with typed rows ([`Job`], [`JobImage`], [`Progress`], …) through a [`Store`].
//!
//! - [`sql`]: the one way statements run, on SQLite or PostgreSQL ([`Conn`]).
//! - [`jobs`]: jobs, their labels, settings and progress.
//! - [`invites`]: invite tokens of closed jobs.
//! - [`ingest`]: writing imported images, pre-annotations and final boxes.
//! - [`bulk`]: reading a whole job at once, for exports and statistics.
//! - [`copy`]: copying a whole database into another (`crowdbox migrate`).
//! - [`writer`]: the group-commit thread that stores submissions and leases; [`write_tx`] is what the leasing and
//!   submission rules read and write inside its transactions.
//!
//! The database is a SQLite file (WAL) or a PostgreSQL database. Migrations are files in
//! `crates/server/migrations/sqlite/` and `…/postgres/` (see [`migrate`]).

pub mod bulk;
pub mod copy;
pub mod images;
pub mod ingest;
pub mod invites;
mod job_facts;
pub mod jobs;
mod migrate;
pub mod prelabel;
pub mod quality;
pub mod review;
pub mod sql;
pub mod stats;
pub mod tiles;
pub mod write_tx;
pub mod writer;

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use anyhow::Context;

pub use job_facts::JobFacts;
pub(crate) use job_facts::JobsSeen;
pub use jobs::{Job, JobImage, JobSummary, Progress};
pub use sql::{Backend, Conn, DbError, Location};

/// The database: where it is, and a pool of connections for requests and commands. Clones share the pool.
#[derive(Clone, Debug)]
pub struct Store {
    shared: Arc<Shared>,
}

struct Shared {
    location: Location,
    idle: Mutex<Vec<Conn>>,
    /// At most this many connections are in use at once.
    slots: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.location)
    }
}

/// How many pooled connections one process uses at most (each request holds one for its statements).
const MAX_CONNECTIONS: usize = 16;

impl Store {
    /// Opens the database and applies the migrations it lacks. A SQLite file is created with its folder if
    /// missing, in WAL mode with foreign keys on.
    pub async fn open(location: &Location) -> anyhow::Result<Self> {
        if let Location::Sqlite(path) = location {
            if let Some(parent) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("cannot create the database folder {}", parent.display())
                })?;
            }
        }
        let store = Self {
            shared: Arc::new(Shared {
                location: location.clone(),
                idle: Mutex::new(Vec::new()),
                slots: Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)),
            }),
        };
        let mut conn = store
            .open_conn()
            .with_context(|| format!("cannot open the database {location}"))?;
        if let Some(sqlite) = conn.sqlite() {
            // WAL with synchronous=NORMAL: a commit is in the WAL file (the OS page cache) before it returns, so a
            // killed process loses no acknowledged write; only a power cut or kernel crash can lose the last
            // commits. See RELIABILITY.md. The journal mode is the file's; the rest is per connection.
            sqlite
                .pragma_update(None, "journal_mode", "WAL")
                .with_context(|| format!("cannot open the database {location}"))?;
        }
        migrate::run(&mut conn)
            .with_context(|| format!("cannot migrate the database {location}"))?;
        store.put_back(conn);
        Ok(store)
    }

    pub fn location(&self) -> &Location {
        &self.shared.location
    }

    pub fn backend(&self) -> Backend {
        self.shared.location.backend()
    }

    /// A new connection of its own (the writer thread's, a bulk reader's), not from the pool.
    pub fn open_conn(&self) -> Result<Conn, DbError> {
        Conn::open(&self.shared.location)
    }

    /// A connection from the pool, for reads and writes outside a transaction; it goes back when dropped.
    pub async fn connect(&self) -> Result<Pooled, DbError> {
        let slot = Arc::clone(&self.shared.slots)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        let idle = self.shared.idle.lock().expect("the pool's lock").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open_conn()?,
        };
        Ok(Pooled {
            conn: Some(conn),
            store: self.clone(),
            _slot: slot,
        })
    }

    /// Starts a write transaction (see [`Conn::begin_write`]) after the other writers of this process (see
    /// [`write_queue`]). Dropped without [`WriteTransaction::commit`], it rolls back.
    pub async fn begin_write(&self) -> Result<WriteTransaction, DbError> {
        let queue = write_queue().await;
        let mut conn = self.connect().await?;
        conn.begin_write()?;
        Ok(WriteTransaction {
            conn,
            _queue: queue,
            open: true,
        })
    }

    fn put_back(&self, conn: Conn) {
        let mut idle = self.shared.idle.lock().expect("the pool's lock");
        if idle.len() < MAX_CONNECTIONS {
            idle.push(conn);
        }
    }
}

/// A pooled connection.
pub struct Pooled {
    conn: Option<Conn>,
    store: Store,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl Deref for Pooled {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
            .as_ref()
            .expect("a pooled connection until dropped")
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a pooled connection until dropped")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.store.put_back(conn);
        }
    }
}

/// A transaction that holds the database's write lock; it rolls back unless committed.
pub struct WriteTransaction {
    conn: Pooled,
    _queue: tokio::sync::MutexGuard<'static, ()>,
    open: bool,
}

impl WriteTransaction {
    pub fn commit(mut self) -> Result<(), DbError> {
        self.open = false;
        self.conn.commit()
    }

    pub fn rollback(mut self) -> Result<(), DbError> {
        self.open = false;
        self.conn.rollback()
    }
}

impl Deref for WriteTransaction {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

impl Drop for WriteTransaction {
    fn drop(&mut self) {
        if self.open && self.conn.rollback().is_err() {
            // A connection whose transaction could not be ended must not serve anyone else.
            drop(self.conn.conn.take());
        }
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

// A database failure is the server's, never the request's: the API answers 500 and logs the details. This lives
// here so that the drivers' types stay inside the storage layer.
impl From<DbError> for crate::error::ApiError {
    fn from(error: DbError) -> Self {
        Self::Internal(anyhow::Error::new(error).context("database error"))
    }
}
