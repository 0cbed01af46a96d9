//! Security headers on every response, the CSP for the wasm app, configurable framing and CORS, and no way out
//! of the image store or the static folder.

use axum::body::Body;
use std::sync::Arc;

use axum::http::{header, Method, Request, StatusCode};
use crowdbox_server::clock::SystemClock;
use crowdbox_server::db::writer::GroupWriter;
use crowdbox_server::{app_with, image_store_dir, open_database, AppState, Location, ServerConfig};
use tower::ServiceExt;

use crate::helpers::{TestApp, TestResponse};

fn csp(response: &TestResponse) -> String {
    response.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let responses = [
        app.get("/").await,
        app.get("/healthz").await,
        app.get("/api/jobs/birds").await,
        app.get("/api/images/1").await,
        app.get("/api/jobs/nope").await,
        app.get("/no-such-file.js").await,
        app.post_raw("/api/jobs/birds/batches", "application/json", "{")
            .await,
    ];
    for response in responses {
        assert_eq!(response.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(response.headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(response.headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        let policy = csp(&response);
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'self'",
        ] {
            assert!(
                policy.contains(directive),
                "{directive} missing in {policy}"
            );
        }
    }
}

#[tokio::test]
async fn configured_frame_ancestors_replace_self_and_drop_x_frame_options() {
    let app = TestApp::spawn_with(ServerConfig {
        frame_ancestors: vec!["https://portal.example".to_owned()],
        ..ServerConfig::default()
    })
    .await;
    let response = app.get("/").await;
    assert!(csp(&response).ends_with("frame-ancestors https://portal.example"));
    assert!(!response.headers.contains_key(header::X_FRAME_OPTIONS));
}

#[tokio::test]
async fn an_inline_loader_script_is_allowed_by_its_hash_only() {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = dir.path().join("dist");
    std::fs::create_dir_all(&static_dir).unwrap();
    let script = "import init from '/app.js'; await init();";
    std::fs::write(
        static_dir.join("index.html"),
        format!("<!doctype html><script type=\"module\">{script}</script><script src=\"/x.js\"></script>"),
    )
    .unwrap();
    let router = router_serving(dir.path(), static_dir).await;
    let response = router
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let hash = base64_sha256(script);
    assert!(
        policy.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
        )),
        "{policy}"
    );
    assert!(
        !policy.contains("script-src 'self' 'unsafe-inline'"),
        "{policy}"
    );
}

#[tokio::test]
async fn the_owner_console_at_owner_is_served_and_its_loader_script_allowed_by_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = dir.path().join("dist");
    std::fs::create_dir_all(static_dir.join("owner")).unwrap();
    let worker_script = "import init from './app.js'; await init();";
    let console_script = "import init from './crowdbox-console.js'; await init();";
    std::fs::write(
        static_dir.join("index.html"),
        format!("<!doctype html><script type=\"module\">{worker_script}</script>"),
    )
    .unwrap();
    let console_page = format!(
        "<!doctype html><title>console</title><script type=\"module\">{console_script}</script>"
    );
    std::fs::write(static_dir.join("owner/index.html"), &console_page).unwrap();
    let router = router_serving(dir.path(), static_dir).await;
    let response = router
        .clone()
        .oneshot(Request::get("/owner/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(std::str::from_utf8(&body).unwrap(), console_page);
    for script in [worker_script, console_script] {
        let hash = base64_sha256(script);
        assert!(
            policy.contains(&format!(" 'sha256-{hash}'")),
            "{script} not allowed: {policy}"
        );
    }
    // Without the trailing slash the browser is sent to the folder, so the console's relative asset URLs work.
    let bare = router
        .oneshot(Request::get("/owner").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(bare.status().is_redirection(), "{}", bare.status());
    assert_eq!(bare.headers()[header::LOCATION], "/owner/");
}

/// The whole app with a database in `dir`, serving `static_dir`.
pub(crate) async fn router_serving(
    dir: &std::path::Path,
    static_dir: std::path::PathBuf,
) -> axum::Router {
    let database = dir.join("db.sqlite3");
    let db = open_database(&Location::Sqlite(database.clone()))
        .await
        .unwrap();
    app_with(
        AppState {
            writer: GroupWriter::start(&db).unwrap(),
            db,
            image_store: image_store_dir(&database),
            static_dir,
            clock: Arc::new(SystemClock),
        },
        ServerConfig::default(),
    )
}

/// Base64 of SHA-256, written out here so the test does not reuse the server's own encoder.
pub(crate) fn base64_sha256(text: &str) -> String {
    use sha2::Digest;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digest = sha2::Sha256::digest(text.as_bytes());
    let mut out = String::new();
    for chunk in digest.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if index <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn cors_answers_only_listed_origins() {
    let app = TestApp::spawn_with(ServerConfig {
        cors_origins: vec![
            "https://a.example".to_owned(),
            "https://b.example/".to_owned(),
        ],
        ..ServerConfig::default()
    })
    .await;
    for (origin, allowed) in [
        ("https://a.example", true),
        ("https://b.example", true),
        ("https://evil.example", false),
    ] {
        let preflight = app
            .request(
                Request::builder()
                    .method(Method::OPTIONS)
                    .uri("/api/jobs/birds/submissions")
                    .header(header::ORIGIN, origin)
                    .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                    .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let echoed = preflight
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|value| value.to_str().unwrap().to_owned());
        assert_eq!(
            echoed.as_deref() == Some(origin),
            allowed,
            "{origin}: {echoed:?}"
        );
    }
}

#[tokio::test]
async fn without_configured_origins_there_are_no_cors_headers() {
    let app = TestApp::spawn().await;
    let response = app
        .request(
            Request::get("/healthz")
                .header(header::ORIGIN, "https://a.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!response
        .headers
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

#[tokio::test]
async fn image_urls_that_try_to_leave_the_store_are_refused() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    for uri in [
        "/api/images/..%2F..%2Fetc%2Fpasswd",
        "/api/images/..%2f..%2f..%2fetc%2fpasswd",
        "/api/images/%2e%2e%2fcrowdbox.sqlite3",
        "/api/images/1%2F..%2F..%2Fcrowdbox.sqlite3",
        "/api/images/..",
        "/api/images/1;rm",
        "/api/images/%00",
        "/api/images/9223372036854775808",
    ] {
        let response = app.get(uri).await;
        assert!(
            matches!(
                response.status,
                StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST
            ),
            "{uri}: {}",
            response.status
        );
        assert!(
            response.error().code.as_str().ends_with("not_found"),
            "{uri}"
        );
        assert!(!response.text().contains("root:"), "{uri}");
    }
}

#[tokio::test]
async fn static_file_serving_refuses_paths_outside_its_folder() {
    let app = TestApp::spawn().await;
    // A secret right next to the static folder and the database's folder.
    std::fs::write(app.dir.path().join("secret.txt"), "the secret").unwrap();
    for uri in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/dist/../../secret.txt",
        "/..%5csecret.txt",
        "/../data/crowdbox.sqlite3",
        "/%2e%2e/data/crowdbox.sqlite3",
    ] {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let response = app.request(request).await;
        assert!(
            response.status.is_client_error(),
            "{uri}: {}",
            response.status
        );
        assert!(!response.text().contains("the secret"), "{uri}");
        assert!(!response.text().contains("SQLite format"), "{uri}");
    }
}
