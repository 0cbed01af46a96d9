//! `crowdbox serve`: binds, says where, and serves until Ctrl+C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tokio::net::TcpListener;

use crate::auth::resolve_owner_token;
use crate::clock::SystemClock;
use crate::db::writer::GroupWriter;
use crate::limits::RateLimits;
use crate::{app_with, open_database, AppState, ServerConfig, Storage};

/// `crowdbox serve` flags about who may do what.
#[derive(Clone, Debug, Args)]
pub struct ServeOptions {
    /// File holding the owner token for owner endpoints (`Authorization: Bearer <token>`). Without it the token
    /// comes from $CROWDBOX_OWNER_TOKEN, else from the `owner-token` file next to the database, which is
    /// generated (mode 0600) if missing.
    #[arg(long, value_name = "FILE")]
    pub owner_token_file: Option<PathBuf>,
    /// Who may show the app in a frame: CSP frame-ancestors sources, e.g. "https://portal.example"
    /// (repeatable; default 'self', which also sends X-Frame-Options: SAMEORIGIN).
    #[arg(long, value_name = "SOURCES")]
    pub frame_ancestors: Vec<String>,
    /// An origin allowed to call the API from another site (CORS), e.g. https://a.example; repeatable.
    /// Default: none.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Lease and submission requests one worker id may make per minute (0: no limit).
    #[arg(long, value_name = "N", default_value_t = RateLimits::default().per_worker_per_minute)]
    pub rate_limit_per_worker: u32,
    /// API requests one client IP address may make per minute (0: no limit).
    #[arg(long, value_name = "N", default_value_t = RateLimits::default().per_ip_per_minute)]
    pub rate_limit_per_ip: u32,
    /// The largest upload `POST /api/jobs/{job}/images` accepts, in MiB; larger ones get 413.
    #[arg(long, value_name = "MB", default_value_t = crate::security::DEFAULT_MAX_UPLOAD_MB)]
    pub max_upload_mb: u64,
}

impl ServeOptions {
    /// The server configuration these flags describe, with the owner token resolved for `storage`.
    pub fn config(&self, storage: &Storage) -> anyhow::Result<ServerConfig> {
        let env_token = std::env::var("CROWDBOX_OWNER_TOKEN").ok();
        let (owner_token, source) =
            resolve_owner_token(&storage.home(), self.owner_token_file.as_deref(), env_token)?;
        tracing::info!("owner token {source}");
        eprintln!("crowdbox owner token {source}");
        let config = ServerConfig {
            owner_token: Some(owner_token),
            frame_ancestors: self
                .frame_ancestors
                .iter()
                .flat_map(|sources| sources.split_whitespace().map(str::to_owned))
                .collect(),
            cors_origins: self.cors_origins.clone(),
            rate_limits: RateLimits {
                per_worker_per_minute: self.rate_limit_per_worker,
                per_ip_per_minute: self.rate_limit_per_ip,
            },
            max_upload_bytes: self.max_upload_mb.saturating_mul(1 << 20),
        };
        config.validate()?;
        Ok(config)
    }
}

pub async fn serve(
    storage: &Storage,
    bind: &str,
    static_dir: PathBuf,
    options: &ServeOptions,
) -> anyhow::Result<()> {
    let config = options.config(storage)?;
    let db = open_database(&storage.database).await?;
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr()?;
    if !static_dir.join("index.html").is_file() {
        tracing::warn!(
            static_dir = %static_dir.display(),
            "no index.html in the static folder: the API works, but there is no worker app to open (build it with trunk)"
        );
    }
    let state = AppState {
        writer: GroupWriter::start(&db)?,
        db,
        image_store: storage.image_store.clone(),
        static_dir,
        clock: Arc::new(SystemClock),
    };
    // Scripts and tests wait for this exact line (with the real port when binding port 0).
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "crowdbox listening on http://{address}")?;
    stdout.flush()?;
    drop(stdout);

    axum::serve(
        listener,
        app_with(state, config).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the server failed")?;
    tracing::info!("crowdbox stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl+C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
