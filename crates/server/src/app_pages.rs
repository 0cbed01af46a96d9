//! Which page of the static folder `/` answers with. A server job's volunteers (`/?job=…`) get
//! `server-job/index.html`, the volunteer app without static-site and embedding modes (a smaller first load, see
//! BENCHMARKS.md); an address that asks for either mode (`?embed=`, `?static=`), and a static folder without that
//! page, get `index.html`, the whole app, exactly as the static files are served.
//!
//! The static files are sent compressed where the build left a compressed copy beside them (`app.wasm.br`,
//! `app.wasm.gz`, made by `scripts/tools.sh build_frontend`) and the browser accepts it: the app's wasm is a
//! third of its size in gzip, and browsers ask for brotli over HTTPS only.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use tower::{Layer, ServiceExt};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use crate::AppState;

/// A server job's own volunteer app, inside the static folder.
pub const SERVER_JOB_PAGE: &str = "server-job/index.html";

/// The query parameters that choose a mode only the whole app has (see the app's `App`).
const OTHER_MODES: [&str; 2] = ["embed", "static"];

/// `GET /`.
pub async fn app_page(State(state): State<AppState>, request: Request) -> Response {
    let asks_for_other_mode =
        form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .any(|(key, _)| OTHER_MODES.contains(&key.as_ref()));
    if !asks_for_other_mode {
        if let Ok(page) = tokio::fs::read(state.static_dir.join(SERVER_JOB_PAGE)).await {
            let mut response = Body::from(page).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            // The same address serves another page once the app is rebuilt: ask every time (the assets it names
            // have hashed names and are cached).
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            return response;
        }
    }
    match static_files(&state.static_dir).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

/// The static folder's files, each sent as its brotli or gzip copy (`NAME.br`, `NAME.gz`) when there is one and
/// the request's `Accept-Encoding` takes it, else as it is. `Vary: Accept-Encoding` on every answer, so a cache
/// between keeps the copies apart.
pub fn static_files(static_dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    let files = ServeDir::new(static_dir)
        .precompressed_br()
        .precompressed_gzip();
    SetResponseHeaderLayer::appending(header::VARY, HeaderValue::from_static("accept-encoding"))
        .layer(files)
}
