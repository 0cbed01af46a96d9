//! The HTTP surface around the task API: health, job info, images, static files, and JSON errors everywhere
//! under `/api`.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use crowdbox_core::wire::JobInfo;

use crate::helpers::{png_fixture, TestApp, INDEX_HTML};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(
        (response.status, response.text().as_str()),
        (StatusCode::OK, "ok")
    );
}

#[tokio::test]
async fn job_info_describes_the_job_and_its_progress() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull", "tern"], 3, 1, 5).await;

    let response = app.get("/api/jobs/birds").await;

    assert_eq!(response.status, StatusCode::OK);
    let info: JobInfo = response.json();
    assert_eq!(
        (info.name.as_str(), info.images_total, info.images_done),
        ("birds", 3, 0)
    );
    assert_eq!(info.instructions, "Box every gull and tern you see.");
    assert_eq!(info.categories.len(), 2);
}

#[tokio::test]
async fn an_unknown_job_is_a_json_404() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/jobs/nope").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let error = response.error();
    assert_eq!(error.code, "job_not_found");
    assert!(error.message.contains("nope"), "{}", error.message);
}

#[tokio::test]
async fn an_image_is_served_with_its_type_and_a_validator() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;

    let response = app.get("/api/images/1").await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(response.body.as_ref(), png_fixture(40, 30, 0).as_slice());
    let etag = response.headers[header::ETAG].clone();
    let cached = app
        .request(
            Request::get("/api/images/1")
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
}

#[tokio::test]
async fn unknown_or_malformed_image_ids_are_json_404s() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    for uri in [
        "/api/images/2",
        "/api/images/abc",
        "/api/images/..%2F..%2Fetc%2Fpasswd",
        "/api/images/-1",
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(response.error().code, "image_not_found", "{uri}");
    }
}

#[tokio::test]
async fn unknown_api_routes_and_wrong_methods_answer_in_json() {
    let app = TestApp::spawn().await;
    let missing = app.get("/api/nothing/here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error().code, "not_found");

    let wrong_method = app.get("/api/jobs/birds/batches").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.error().code, "method_not_allowed");
}

#[tokio::test]
async fn the_root_serves_the_apps_index_html() {
    let app = TestApp::spawn().await;
    let response = app.get("/?job=birds").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.text(), INDEX_HTML);
    assert!(response.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}
