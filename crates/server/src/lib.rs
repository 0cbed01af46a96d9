//! crowdbox-server: the backend of crowdbox. It imports images into jobs, leases batches of image tasks to
//! workers, stores each submission exactly once and exports the boxes as COCO.
//!
//! `app` builds the HTTP router (used by `crowdbox serve` and by the tests), `open_database` opens and migrates
//! the embedded SQLite database, and `cli` is the `crowdbox` command line.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod error;
pub mod export;
pub mod extract;
pub mod formats_io;
pub mod group_writer;
pub mod image_store;
pub mod import;
pub mod invites;
pub mod job_settings;
pub mod jobs;
pub mod leasing;
pub mod limits;
pub mod security;
pub mod serve;
pub mod stats;
pub mod submissions;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::routing::get;
use axum::{middleware, Extension, Router};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::clock::Clock;
pub use crate::security::ServerConfig;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    /// The content-addressed image folder (`<database dir>/images`).
    pub image_store: PathBuf,
    /// The built worker app, served for every path that is not `/healthz` or `/api/…`.
    pub static_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Stores submissions and leases in group transactions (see [`group_writer`]); started with
    /// `GroupWriter::start(&db)`.
    pub writer: group_writer::GroupWriter,
}

/// The whole HTTP application with the default [`ServerConfig`] (no owner token, so owner endpoints refuse
/// everyone; frames only from the same origin; no CORS; default rate limits).
pub fn app(state: AppState) -> Router {
    app_with(state, ServerConfig::default())
}

/// The whole HTTP application: `/healthz`, the JSON API under `/api`, and the static worker app, with security
/// headers on every response and CORS for the configured origins.
pub fn app_with(state: AppState, config: ServerConfig) -> Router {
    let static_files = ServeDir::new(&state.static_dir);
    let headers = Arc::new(security::SecurityHeaders::new(&config, &state.static_dir));
    let guards = Arc::new(security::Guards::new(&config, state.clock.clone()));
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api", api::router())
        .fallback_service(static_files)
        .layer(Extension(guards));
    let router = match security::cors_layer(&config.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router
        .layer(middleware::map_response_with_state(
            headers,
            security::add_security_headers,
        ))
        .layer(
            // One line per request at INFO: method, path, status and latency.
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// How long a request waits for the database's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating it and its folder if missing) the SQLite database at `path` in WAL mode with foreign keys
/// on, and applies the migrations in `crates/server/migrations`.
pub async fn open_database(path: &Path) -> anyhow::Result<SqlitePool> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the database folder {}", parent.display()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL with synchronous=NORMAL: a commit is in the WAL file (the OS page cache) before it returns, so a
        // killed process loses no acknowledged write; only a power cut or kernel crash can lose the last
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
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .with_context(|| format!("cannot migrate the database {}", path.display()))?;
    Ok(pool)
}

/// The image store that belongs to a database file: the `images` folder next to it.
pub fn image_store_dir(database: &Path) -> PathBuf {
    database
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("images")
}

/// Starts a write transaction that takes SQLite's write lock at once. A plain (deferred) `BEGIN` that reads
/// first and writes later can fail with "database is locked" when two requests race; `IMMEDIATE` makes the
/// second one wait (up to the busy timeout) instead.
pub async fn begin_write(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// The in-process write lock. SQLite allows one writer at a time; when several connections race for the lock,
/// the losers sleep in SQLite's busy handler (1, 2, 5, … 100 ms steps), which makes the latency tail long. The
/// [`group_writer`] thread holds this lock around each group transaction; other writers in the same process
/// (tests that want a group to queue up) take it too, and wait in a fair FIFO queue instead. (Other processes,
/// such as a running `crowdbox import`, still meet the busy timeout.)
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
