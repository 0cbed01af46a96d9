//! Which page of the static folder `/` answers with. A server job's volunteers (`/?job=…`) get
//! `server-job/index.html`, the volunteer app without static-site and embedding modes (a smaller first load, see
//! BENCHMARKS.md); an address that asks for either mode (`?embed=`, `?static=`), and a static folder without that
//! page, get `index.html`, the whole app, exactly as the static files are served.
//!
//! The static files are sent compressed where the build left a compressed copy beside them (`app.wasm.br`,
//! `app.wasm.gz`, made by `scripts/tools.sh build_frontend`) and the browser accepts it: the app's wasm is a
//! third of its size in gzip, and browsers ask for brotli over HTTPS only. Assets with a content hash in their
//! name (trunk's) or their folder's name (the split wasm's) are cached for a year (`immutable`), so a volunteer
//! who comes back loads nothing but the page.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
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

/// Middleware for the static files: an asset whose name carries trunk's content hash ([`is_hashed_asset`])
/// never changes, so browsers keep it for a year without asking again.
pub async fn cache_policy(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if immutable && response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// Whether `path` names a built asset with its content hash in the name, as trunk writes them
/// (`app-a3666b1808358d4c.css`, `crowdbox-app-246481d6a3e6f8a3.js`, `crowdbox-app-246481d6a3e6f8a3_bg.wasm`), or
/// in its folder's name, as the split build writes each bundle's wasm (`server-job/wasm-b335bc21ef64f6e3/…`).
fn is_hashed_asset(path: &str) -> bool {
    let mut segments = path.rsplit('/');
    let name = segments.next().unwrap_or_default();
    let Some((stem, "css" | "js" | "wasm")) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let folder = segments.next().unwrap_or_default();
    stem.rsplit_once('-').is_some_and(|(_, hash)| is_hash(hash))
        || folder.strip_prefix("wasm-").is_some_and(is_hash)
}

/// 16 lowercase hexadecimal digits, as trunk and the split build write a content hash.
fn is_hash(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunks_hashed_asset_names_are_told_from_other_files() {
        for hashed in [
            "/app-a3666b1808358d4c.css",
            "/server-job/crowdbox-server-job-baa7569c27803783.js",
            "/owner/crowdbox-console-0123456789abcdef_bg.wasm",
            "/server-job/wasm-b335bc21ef64f6e3/crowdbox-server-job_bg.wasm",
            "/server-job/wasm-b335bc21ef64f6e3/__wasm_split.js",
            "/server-job/wasm-b335bc21ef64f6e3/split_shortcut_help_11535448345425695825.wasm",
        ] {
            assert!(is_hashed_asset(hashed), "{hashed}");
        }
        for other in [
            "/",
            "/index.html",
            "/embed/crowdbox-element.js",
            "/app-a3666b1808358d4.css",
            "/app-A3666B1808358D4C.css",
            "/app-a3666b1808358d4c.html",
            "/images/photo-a3666b1808358d4c.jpg",
            "/app-a3666b1808358d4c.css/",
            "/server-job/wasm-b335bc21ef64f6e3/",
            "/server-job/wasm-b335bc21ef64f6e3/notes.txt",
            "/server-job/images-b335bc21ef64f6e3/photo.wasm",
            "/server-job/wasm-b335bc21ef64f6e/crowdbox-server-job.js",
        ] {
            assert!(!is_hashed_asset(other), "{other}");
        }
    }
}
