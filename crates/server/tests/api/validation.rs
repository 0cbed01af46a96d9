//! Every way a submission can be wrong gets a 4xx JSON error naming the field, and nothing is stored.

use axum::http::StatusCode;
use crowdbox_core::wire::{Submission, TaskBatch};

use crate::helpers::{submission_for, TestApp};

/// A job with one leased 40×30 image, and a valid submission for it with two boxes.
async fn leased() -> (TestApp, TaskBatch, Submission) {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull", "tern"], 1, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let valid = submission_for(
        &batch,
        &batch.tasks[0],
        "worker-a",
        "sub-1",
        &[(1, [1.0, 1.0, 5.0, 5.0]), (2, [10.0, 10.0, 5.0, 5.0])],
    );
    (app, batch, valid)
}

#[tokio::test]
async fn each_invalid_submission_is_refused_naming_the_field_and_stores_nothing() {
    type Breaker = fn(&mut Submission);
    let cases: Vec<(&str, Breaker, StatusCode, &str, &str)> = vec![
        (
            "box outside",
            |s| s.result.annotations[0].bbox = [30.0, 1.0, 20.0, 5.0],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[0].bbox",
        ),
        (
            "zero width",
            |s| s.result.annotations[1].bbox = [1.0, 1.0, 0.0, 5.0],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[1].bbox",
        ),
        (
            "negative height",
            |s| s.result.annotations[0].bbox = [1.0, 9.0, 5.0, -5.0],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[0].bbox",
        ),
        (
            "negative origin",
            |s| s.result.annotations[0].bbox = [-3.0, 1.0, 5.0, 5.0],
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[0].bbox",
        ),
        (
            "unknown category",
            |s| s.result.annotations[1].category_id = 3,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[1].category_id",
        ),
        (
            "annotation on another image",
            |s| s.result.annotations[0].image_id = 99,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[0].image_id",
        ),
        (
            "duplicate annotation ids",
            |s| s.result.annotations[1].id = s.result.annotations[0].id,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[1].id",
        ),
        (
            "wrong image id",
            |s| s.result.images[0].id = 99,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.images[0].id",
        ),
        (
            "wrong image width",
            |s| s.result.images[0].width = 41,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.images[0].width",
        ),
        (
            "wrong image height",
            |s| s.result.images[0].height = 31,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.images[0].height",
        ),
        (
            "no image",
            |s| s.result.images.clear(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.images",
        ),
        (
            "renamed category",
            |s| s.result.categories[0].name = "seagull".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.categories[0].name",
        ),
        (
            "crowd region",
            |s| s.result.annotations[0].iscrowd = 1,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "result.annotations[0].iscrowd",
        ),
        (
            "empty submission id",
            |s| s.submission_id.clear(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "submission_id",
        ),
        (
            "overlong worker id",
            |s| s.worker_id = "w".repeat(200),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "worker_id",
        ),
        (
            "unknown task",
            |s| s.task_id = 99,
            StatusCode::NOT_FOUND,
            "task_not_found",
            "task_id",
        ),
        (
            "task id beyond i64",
            |s| s.task_id = u64::MAX,
            StatusCode::NOT_FOUND,
            "task_not_found",
            "task_id",
        ),
    ];
    for (case, breaker, status, code, field) in cases {
        let (app, _batch, mut submission) = leased().await;
        let before = app.row_counts().await;
        breaker(&mut submission);

        let response = app.submit("birds", &submission).await;

        assert_eq!(response.status, status, "{case}: {}", response.text());
        let error = response.error();
        assert_eq!(
            (error.code.as_str(), error.field.as_deref()),
            (code, Some(field)),
            "{case}: {}",
            error.message
        );
        assert!(!error.message.is_empty(), "{case}");
        assert_eq!(app.row_counts().await, before, "{case}: nothing is stored");
    }
}

#[tokio::test]
async fn bodies_of_the_wrong_shape_are_refused_naming_the_json_path() {
    let (app, _batch, valid) = leased().await;
    let before = app.row_counts().await;
    let valid = serde_json::to_value(&valid).unwrap();
    type Breaker = fn(&mut serde_json::Value);
    let cases: Vec<(&str, Breaker, &str)> = vec![
        (
            "three bbox numbers",
            |v| v["result"]["annotations"][0]["bbox"] = serde_json::json!([1, 2, 3]),
            "result.annotations[0].bbox",
        ),
        (
            "bbox as text",
            |v| v["result"]["annotations"][1]["bbox"] = serde_json::json!("1,2,3,4"),
            "result.annotations[1].bbox",
        ),
        (
            "negative task id",
            |v| v["task_id"] = serde_json::json!(-1),
            "task_id",
        ),
        (
            "width as float",
            |v| v["result"]["images"][0]["width"] = serde_json::json!(40.5),
            "result.images[0].width",
        ),
        (
            "missing result",
            |v| drop(v.as_object_mut().unwrap().remove("result")),
            "body",
        ),
    ];
    for (case, breaker, field) in cases {
        let mut body = valid.clone();
        breaker(&mut body);

        let response = app.post_json("/api/jobs/birds/submissions", &body).await;

        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{case}: {}",
            response.text()
        );
        let error = response.error();
        assert_eq!(
            (error.code.as_str(), error.field.as_deref()),
            ("invalid_field", Some(field)),
            "{case}: {}",
            error.message
        );
    }
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn text_that_is_not_json_is_a_json_400() {
    let (app, _batch, _valid) = leased().await;
    let before = app.row_counts().await;
    for body in ["{\"submission_id\": ", "not json", "{\"task_id\": NaN}", ""] {
        let response = app
            .post_raw(
                "/api/jobs/birds/submissions",
                "application/json",
                body.to_owned(),
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::BAD_REQUEST,
            "{body:?}: {}",
            response.text()
        );
        assert_eq!(response.error().code, "malformed_json", "{body:?}");
    }
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn a_body_without_the_json_content_type_is_a_json_415() {
    let (app, _batch, valid) = leased().await;
    let response = app
        .post_raw(
            "/api/jobs/birds/submissions",
            "text/plain",
            serde_json::to_vec(&valid).unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(response.error().code, "unsupported_media_type");
    assert_eq!(app.row_counts().await.submissions, 0);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_json_413() {
    let (app, _batch, mut valid) = leased().await;
    valid.worker_id = "w".repeat(1024 * 1024);
    let response = app.submit("birds", &valid).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.error().code, "payload_too_large");
    assert_eq!(app.row_counts().await.submissions, 0);
}
