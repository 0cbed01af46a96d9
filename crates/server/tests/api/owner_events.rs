//! `GET /api/jobs/{job}/events`: the job's counts as Server-Sent Events.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use crowdbox_core::owner::ProgressEvent;
use http_body_util::BodyExt;

use crate::helpers::{submission_for, TestApp, OWNER_TOKEN};

/// The next `progress` event of the stream (keep-alive comments are skipped).
async fn next_progress(body: &mut Body) -> ProgressEvent {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .expect("the stream goes on")
            .expect("a frame");
        if let Some(data) = frame.data_ref() {
            text.push_str(&String::from_utf8_lossy(data));
        }
        if let Some(end) = text.find("\n\n") {
            let event = text[..end].to_owned();
            text.drain(..end + 2);
            if let Some(data) = event.lines().find_map(|line| line.strip_prefix("data: ")) {
                assert!(event.contains("event: progress"), "{event}");
                return serde_json::from_str(data).unwrap();
            }
        }
    }
}

#[tokio::test]
async fn the_events_stream_sends_the_counts_at_once_and_again_after_a_submission() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 2, 1, 2).await;
    let request = Request::get("/api/jobs/birds/events")
        .header(header::AUTHORIZATION, format!("Bearer {OWNER_TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let response = app.router_response(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    let first = next_progress(&mut body).await;
    assert_eq!(
        (first.images_total, first.images_done, first.submissions),
        (2, 0, 0)
    );

    let batch = app.lease("birds", "w1").await;
    let leased = next_progress(&mut body).await;
    assert_eq!(leased.images_in_progress, 2);
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w1",
        "s1",
        &[(1, [1.0, 1.0, 4.0, 4.0])],
    );
    assert_eq!(
        app.submit("birds", &submission).await.status,
        StatusCode::CREATED
    );
    let after = next_progress(&mut body).await;
    assert_eq!(
        (
            after.images_done,
            after.images_in_progress,
            after.submissions
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn the_events_stream_needs_the_owner_token_and_a_known_job() {
    let app = TestApp::spawn_owned().await;
    assert_eq!(
        app.get("/api/jobs/birds/events").await.status,
        StatusCode::UNAUTHORIZED
    );
    let missing = app
        .owner(axum::http::Method::GET, "/api/jobs/birds/events", None)
        .await;
    assert_eq!(missing.error().code, "job_not_found");
}
