//! crowdbox-server: the backend of crowdbox. It imports images into jobs, leases batches of image tasks to
//! workers, stores each submission exactly once and exports the boxes as COCO.
//!
//! `app` builds the HTTP router (used by `crowdbox serve` and by the tests), [`db`] is the storage layer (every
//! SQL statement; [`db::Store::open`] opens and migrates the database), and `cli` is the `crowdbox` command line.

pub mod api;
pub mod app_pages;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod db;
pub mod error;
pub mod export;
pub mod extract;
pub mod formats_io;
pub mod image_store;
pub mod import;
pub mod invites;
pub mod job_settings;
pub mod jobs;
pub mod leasing;
pub mod limits;
pub mod quality;
pub mod review;
pub mod security;
pub mod serve;
pub mod stats;
pub mod submissions;
pub mod tiles;
pub mod upload;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::routing::get;
use axum::{middleware, Extension, Router};
use tower::ServiceBuilder;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::clock::Clock;
pub use crate::db::{write_queue, Location, Store};
pub use crate::security::ServerConfig;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Store,
    /// The content-addressed image folder (`<database dir>/images`).
    pub image_store: PathBuf,
    /// The built worker app, served for every path that is not `/healthz` or `/api/…`.
    pub static_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Stores submissions and leases in group transactions (see [`db::writer`]); started with
    /// `GroupWriter::start(&db)`.
    pub writer: db::writer::GroupWriter,
}

/// The whole HTTP application with the default [`ServerConfig`] (no owner token, so owner endpoints refuse
/// everyone; frames only from the same origin; no CORS; default rate limits).
pub fn app(state: AppState) -> Router {
    app_with(state, ServerConfig::default())
}

/// The whole HTTP application: `/healthz`, the JSON API under `/api`, and the static worker app, with security
/// headers on every response and CORS for the configured origins.
pub fn app_with(state: AppState, config: ServerConfig) -> Router {
    let static_files = app_pages::static_files(&state.static_dir);
    let headers = Arc::new(security::SecurityHeaders::new(&config, &state.static_dir));
    let guards = Arc::new(security::Guards::new(&config, state.clock.clone()));
    let router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(app_pages::app_page))
        .nest("/api", api::router())
        .fallback_service(
            ServiceBuilder::new()
                .layer(middleware::from_fn(app_pages::cache_policy))
                .service(static_files),
        )
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

/// Opens (creating a SQLite file if missing) and migrates the database; see [`Store::open`].
pub async fn open_database(database: &Location) -> anyhow::Result<Store> {
    Store::open(database).await
}

/// The image store that belongs to a SQLite database file: the `images` folder next to it.
pub fn image_store_dir(database: &Path) -> PathBuf {
    database
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("images")
}

/// Where crowdbox keeps what it stores: the database, and the image store folder (imported images, their tiles,
/// example images).
#[derive(Clone, Debug)]
pub struct Storage {
    pub database: Location,
    pub image_store: PathBuf,
}

impl Storage {
    /// From `--database` and `--image-store`. A SQLite file keeps its images in the `images` folder next to it
    /// unless told otherwise; with PostgreSQL the folder must be named, since every process must use the same
    /// one.
    pub fn new(database: &str, image_store: Option<PathBuf>) -> anyhow::Result<Self> {
        let database = Location::parse(database);
        let image_store = match (&database, image_store) {
            (_, Some(dir)) => dir,
            (Location::Sqlite(path), None) => image_store_dir(path),
            (Location::Postgres(_), None) => anyhow::bail!(
                "--image-store DIR (or CROWDBOX_IMAGE_STORE) is required with a PostgreSQL database: the folder \
                 where every crowdbox process keeps and finds the images"
            ),
        };
        Ok(Self {
            database,
            image_store,
        })
    }

    /// A SQLite file with its images next to it.
    pub fn sqlite(path: &Path) -> Self {
        Self {
            database: Location::Sqlite(path.to_owned()),
            image_store: image_store_dir(path),
        }
    }

    /// The folder for what belongs with the data besides the database (the owner token file): the SQLite
    /// file's folder, or the image store that all processes on a PostgreSQL database share.
    pub fn home(&self) -> PathBuf {
        match &self.database {
            Location::Sqlite(path) => path.parent().unwrap_or_else(|| Path::new("")).to_owned(),
            Location::Postgres(_) => self.image_store.clone(),
        }
    }
}
