//! `crowdbox serve`: binds, says where, and serves until Ctrl+C or SIGTERM.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::clock::SystemClock;
use crate::{app, image_store_dir, open_database, AppState};

pub async fn serve(database: &Path, bind: &str, static_dir: PathBuf) -> anyhow::Result<()> {
    let db = open_database(database).await?;
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
        db,
        image_store: image_store_dir(database),
        static_dir,
        clock: Arc::new(SystemClock),
    };
    // Scripts and tests wait for this exact line (with the real port when binding port 0).
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "crowdbox listening on http://{address}")?;
    stdout.flush()?;
    drop(stdout);

    axum::serve(listener, app(state))
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
