//! Limits: boxes per submission, requests per worker and per address per minute, JSON nesting depth.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use crowdbox_server::limits::{RateLimits, MAX_BOXES_PER_SUBMISSION};
use crowdbox_server::ServerConfig;
use serde_json::json;

use crate::helpers::{submission_for, TestApp};

fn limited(per_worker: u32, per_ip: u32) -> ServerConfig {
    ServerConfig {
        rate_limits: RateLimits {
            per_worker_per_minute: per_worker,
            per_ip_per_minute: per_ip,
        },
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn a_submission_with_more_boxes_than_the_limit_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    let boxes = vec![(1, [1.0, 1.0, 2.0, 2.0]); MAX_BOXES_PER_SUBMISSION + 1];
    let too_many = submission_for(&batch, &batch.tasks[0], "w", "s1", &boxes);

    let response = app.submit("birds", &too_many).await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = response.error();
    assert_eq!(error.field.as_deref(), Some("result.annotations"));
    assert!(
        error.message.contains("at most 1000 boxes"),
        "{}",
        error.message
    );
    assert_eq!(app.row_counts().await.submissions, 0);

    let at_the_limit = submission_for(
        &batch,
        &batch.tasks[0],
        "w",
        "s2",
        &boxes[..MAX_BOXES_PER_SUBMISSION],
    );
    let response = app.submit("birds", &at_the_limit).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    assert_eq!(app.row_counts().await.annotations, 1000);
}

#[tokio::test]
async fn a_worker_over_its_rate_is_told_when_to_come_back_and_then_served() {
    let app = TestApp::spawn_with(limited(3, 0)).await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    for _ in 0..3 {
        app.lease("birds", "w").await;
    }
    let refused = app
        .post_json("/api/jobs/birds/batches", &json!({"worker_id": "w"}))
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers[header::RETRY_AFTER], "20");
    let error = refused.error();
    assert_eq!(error.code, "rate_limited");
    assert!(error.message.contains("\"w\""), "{}", error.message);

    // Another worker is not affected, and the first one is served again once a token has refilled.
    app.lease("birds", "other").await;
    app.clock.advance_ms(20_000);
    app.lease("birds", "w").await;
}

#[tokio::test]
async fn submissions_count_against_the_same_worker_rate() {
    let app = TestApp::spawn_with(limited(2, 0)).await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    let first = submission_for(&batch, &batch.tasks[0], "w", "s1", &[]);
    assert_eq!(
        app.submit("birds", &first).await.status,
        StatusCode::CREATED
    );
    let second = submission_for(&batch, &batch.tasks[1], "w", "s2", &[]);
    let refused = app.submit("birds", &second).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.row_counts().await.submissions, 1);
}

#[tokio::test]
async fn one_address_is_limited_whatever_worker_ids_it_uses() {
    let app = TestApp::spawn_with(limited(0, 2)).await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let from = |address: &str, worker: &str| {
        let mut request = Request::post("/api/jobs/birds/batches")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"worker_id": worker}).to_string()))
            .unwrap();
        let address: SocketAddr = address.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
        request
    };
    assert_eq!(
        app.request(from("10.0.0.1:1000", "a")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.request(from("10.0.0.1:1001", "b")).await.status,
        StatusCode::OK
    );
    let refused = app.request(from("10.0.0.1:1002", "c")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.error().message.contains("10.0.0.1"));
    assert!(refused.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(
        app.request(from("10.0.0.2:1000", "c")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn ten_thousand_nested_brackets_are_a_json_400_not_a_crash() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    let deep_array = "[".repeat(10_000) + &"]".repeat(10_000);
    let deep_object = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    let valid =
        serde_json::to_value(submission_for(&batch, &batch.tasks[0], "w", "s1", &[])).unwrap();
    let mut refused = vec![deep_array.clone(), deep_object.clone()];
    let mut ignored = Vec::new();
    for deep in [&deep_array, &deep_object] {
        // Where a number is expected: refused (the batches endpoint has no such field).
        refused.push(
            valid
                .to_string()
                .replace("\"duration_ms\":4200", &format!("\"duration_ms\":{deep}")),
        );
        // As an unknown field, which the server skips without recursing: accepted, the field ignored.
        let mut text = valid.to_string();
        text.insert_str(1, &format!("\"extra\":{deep},"));
        ignored.push(text);
    }
    for (index, body) in refused.into_iter().enumerate() {
        let uris: &[&str] = if index < 2 {
            &["/api/jobs/birds/submissions", "/api/jobs/birds/batches"]
        } else {
            &["/api/jobs/birds/submissions"]
        };
        for uri in uris {
            let response = app.post_raw(uri, "application/json", body.clone()).await;
            assert!(
                matches!(
                    response.status,
                    StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
                ),
                "{uri}: {} {}",
                response.status,
                response.text()
            );
            assert!(!response.error().message.is_empty());
        }
    }
    assert_eq!(app.row_counts().await.submissions, 0);
    for body in ignored {
        let response = app
            .post_raw("/api/jobs/birds/submissions", "application/json", body)
            .await;
        assert!(response.status.is_success(), "{}", response.text());
    }
    assert_eq!(app.row_counts().await.submissions, 1);
}
