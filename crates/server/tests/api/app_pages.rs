//! `/` sends a server job's volunteers the app without static-site and embedding modes, and every other address
//! the whole app.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use crate::security::{base64_sha256, router_serving};

const WHOLE_APP_SCRIPT: &str = "import init from './crowdbox-app.js'; await init();";
const SERVER_JOB_SCRIPT: &str =
    "import init from './server-job/crowdbox-server-job.js'; await init();";

fn page(script: &str) -> String {
    format!("<!doctype html><script type=\"module\">{script}</script>")
}

/// A static folder with the whole app's page and, when `with_server_job_app`, a server job's app.
fn static_folder(dir: &std::path::Path, with_server_job_app: bool) -> std::path::PathBuf {
    let static_dir = dir.join("dist");
    std::fs::create_dir_all(static_dir.join("server-job")).unwrap();
    std::fs::write(static_dir.join("index.html"), page(WHOLE_APP_SCRIPT)).unwrap();
    std::fs::write(
        static_dir.join("server-job/crowdbox-server-job.js"),
        "export default 1;",
    )
    .unwrap();
    if with_server_job_app {
        std::fs::write(
            static_dir.join("server-job/index.html"),
            page(SERVER_JOB_SCRIPT),
        )
        .unwrap();
    }
    static_dir
}

async fn get(router: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_server_jobs_address_gets_the_server_job_app_and_other_modes_the_whole_app() {
    let dir = tempfile::tempdir().unwrap();
    let router = router_serving(dir.path(), static_folder(dir.path(), true)).await;
    for uri in ["/", "/?job=demo", "/?job=demo&invite=abc"] {
        let (status, headers, body) = get(&router, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(body, page(SERVER_JOB_SCRIPT), "{uri}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        for script in [WHOLE_APP_SCRIPT, SERVER_JOB_SCRIPT] {
            let hash = base64_sha256(script);
            assert!(
                policy.contains(&format!(" 'sha256-{hash}'")),
                "{script}: {policy}"
            );
        }
    }
    for uri in [
        "/?embed=https%3A%2F%2Fportal.example",
        "/?job=demo&static=job.json",
        "/?%73tatic=job.json",
        "/index.html?job=demo",
    ] {
        let (status, _, body) = get(&router, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(body, page(WHOLE_APP_SCRIPT), "{uri}");
    }
    // The server job's app loads its assets from server-job/ beside the page.
    let (status, _, body) = get(&router, "/server-job/crowdbox-server-job.js").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "export default 1;")
    );
}

#[tokio::test]
async fn without_a_server_job_app_every_address_gets_the_whole_app() {
    let dir = tempfile::tempdir().unwrap();
    let router = router_serving(dir.path(), static_folder(dir.path(), false)).await;
    for uri in ["/", "/?job=demo", "/?embed=https%3A%2F%2Fportal.example"] {
        let (status, _, body) = get(&router, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(body, page(WHOLE_APP_SCRIPT), "{uri}");
    }
}

async fn get_accepting(
    router: &axum::Router,
    uri: &str,
    accept_encoding: &str,
) -> (axum::http::HeaderMap, Vec<u8>) {
    let response = router
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::ACCEPT_ENCODING, accept_encoding)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri} {accept_encoding}");
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (headers, body.to_vec())
}

#[tokio::test]
async fn an_asset_goes_as_its_compressed_copy_the_browser_accepts_and_else_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = static_folder(dir.path(), true);
    let wasm = static_dir.join("server-job/crowdbox-server-job_bg.wasm");
    std::fs::write(&wasm, b"\0asm the wasm").unwrap();
    std::fs::write(wasm.with_extension("wasm.br"), b"brotli copy").unwrap();
    std::fs::write(wasm.with_extension("wasm.gz"), b"gzip copy").unwrap();
    let router = router_serving(dir.path(), static_dir).await;
    let uri = "/server-job/crowdbox-server-job_bg.wasm";
    for (accepts, encoding, body) in [
        ("gzip, deflate, br", Some("br"), &b"brotli copy"[..]),
        ("gzip, deflate", Some("gzip"), b"gzip copy"),
        ("br;q=0, gzip", Some("gzip"), b"gzip copy"),
        ("identity", None, b"\0asm the wasm"),
    ] {
        let (headers, sent) = get_accepting(&router, uri, accepts).await;
        assert_eq!(sent, body, "{accepts}");
        assert_eq!(
            headers
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/wasm",
            "{accepts}"
        );
        assert_eq!(headers[header::VARY], "accept-encoding", "{accepts}");
    }
    // A file without compressed copies goes as it is, whatever the browser accepts.
    let (headers, sent) =
        get_accepting(&router, "/server-job/crowdbox-server-job.js", "br, gzip").await;
    assert_eq!(sent, b"export default 1;");
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_other_files_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = static_folder(dir.path(), true);
    std::fs::write(static_dir.join("app-a3666b1808358d4c.css"), "body{}").unwrap();
    std::fs::create_dir_all(static_dir.join("embed")).unwrap();
    std::fs::write(static_dir.join("embed/crowdbox-element.js"), "1").unwrap();
    let router = router_serving(dir.path(), static_dir).await;
    let (status, headers, _) = get(&router, "/app-a3666b1808358d4c.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    for uri in ["/embed/crowdbox-element.js", "/index.html"] {
        let (status, headers, _) = get(&router, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(headers.get(header::CACHE_CONTROL).is_none(), "{uri}");
    }
    let (status, headers, _) = get(&router, "/app-0000000000000000.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get(header::CACHE_CONTROL).is_none());
}
