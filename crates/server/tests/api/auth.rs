//! The owner token on owner endpoints and invites on closed jobs.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use crowdbox_core::coco::CocoDataset;
use crowdbox_server::auth::OwnerToken;
use crowdbox_server::invites::{create_invites, set_requires_invite};
use crowdbox_server::ServerConfig;
use serde_json::json;

use crate::helpers::{submission_for, TestApp, TestResponse, START_MS};

const OWNER: &str = "owner-token-for-the-tests-0123456789";

async fn owned_app() -> TestApp {
    let app = TestApp::spawn_with(ServerConfig {
        owner_token: Some(OwnerToken::new(OWNER).unwrap()),
        ..ServerConfig::default()
    })
    .await;
    app.create_job("birds", &["gull", "tern"], 2, 1, 5).await;
    app
}

async fn get_with(app: &TestApp, uri: &str, authorization: Option<&str>) -> TestResponse {
    let mut request = Request::get(uri);
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    app.request(request.body(Body::empty()).unwrap()).await
}

async fn post_with(
    app: &TestApp,
    uri: &str,
    body: &impl serde::Serialize,
    bearer: &str,
) -> TestResponse {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap();
    app.request(request).await
}

#[tokio::test]
async fn the_export_endpoint_answers_the_owner_with_the_coco_export() {
    let app = owned_app().await;
    let batch = app.lease("birds", "w").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w",
        "s1",
        &[(2, [1.0, 2.0, 3.0, 4.0])],
    );
    assert_eq!(
        app.submit("birds", &submission).await.status,
        StatusCode::CREATED
    );

    let response = get_with(
        &app,
        "/api/jobs/birds/export?format=coco",
        Some(&format!("Bearer {OWNER}")),
    )
    .await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let dataset: CocoDataset = response.json();
    let expected = crowdbox_server::export::export_coco(&app.db, "birds", START_MS)
        .await
        .unwrap();
    assert_eq!(dataset.images, expected.images);
    assert_eq!(dataset.annotations, expected.annotations);
    assert_eq!(dataset.annotations.len(), 1);
    assert!(response.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("birds-coco.json"));
}

#[tokio::test]
async fn owner_endpoints_refuse_a_missing_or_wrong_token_with_a_json_401() {
    let app = owned_app().await;
    for authorization in [
        None,
        Some("Bearer wrong-token-wrong-token-wrong"),
        Some(&format!("Bearer {OWNER}x")[..]),
        Some(&format!("Basic {OWNER}")[..]),
        Some("Bearer"),
        Some(&OWNER[..OWNER.len() - 1]),
    ] {
        let response = get_with(&app, "/api/jobs/birds/export", authorization).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{authorization:?}"
        );
        let error = response.error();
        assert_eq!(error.code, "unauthorized");
        assert!(error.message.contains("owner token"), "{}", error.message);
        assert!(response.headers.contains_key(header::WWW_AUTHENTICATE));
    }
}

#[tokio::test]
async fn without_a_configured_owner_token_owner_endpoints_refuse_everyone() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let response = get_with(
        &app,
        "/api/jobs/birds/export",
        Some(&format!("Bearer {OWNER}")),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_owner_export_of_an_unknown_job_or_format_names_the_problem() {
    let app = owned_app().await;
    let bearer = format!("Bearer {OWNER}");
    let unknown_job = get_with(&app, "/api/jobs/nope/export", Some(&bearer)).await;
    assert_eq!(unknown_job.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_job.error().code, "job_not_found");
    let unknown_format = get_with(&app, "/api/jobs/birds/export?format=pdf", Some(&bearer)).await;
    assert_eq!(unknown_format.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_format.error().field.as_deref(), Some("format"));
}

#[tokio::test]
async fn volunteer_endpoints_need_no_owner_token() {
    let app = owned_app().await;
    assert_eq!(app.get("/api/jobs/birds").await.status, StatusCode::OK);
    assert_eq!(app.get("/api/images/1").await.status, StatusCode::OK);
    app.lease("birds", "w").await;
}

#[tokio::test]
async fn a_closed_job_needs_an_invite_for_info_batches_and_submissions() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 4, 1, 2).await;
    let open_batch = app.lease("birds", "early").await;
    let tokens = create_invites(&app.db, "birds", 2, START_MS).await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1]);

    let info = app.get("/api/jobs/birds").await;
    assert_eq!(info.status, StatusCode::UNAUTHORIZED);
    assert_eq!(info.error().code, "invite_required");
    let lease = app
        .post_json("/api/jobs/birds/batches", &json!({"worker_id": "w"}))
        .await;
    assert_eq!(lease.status, StatusCode::UNAUTHORIZED);
    let submission = submission_for(&open_batch, &open_batch.tasks[0], "early", "s-early", &[]);
    let refused = app.submit("birds", &submission).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let wrong = post_with(
        &app,
        "/api/jobs/birds/batches",
        &json!({"worker_id": "w"}),
        "not-an-invite",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(wrong.error().code, "invite_invalid");
    assert_eq!(app.row_counts().await.submissions, 0);

    let granted = post_with(
        &app,
        "/api/jobs/birds/batches",
        &json!({"worker_id": "w"}),
        &tokens[0],
    )
    .await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text());
    let batch: crowdbox_core::wire::TaskBatch = granted.json();
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w",
        "s-w",
        &[(1, [1.0, 1.0, 2.0, 2.0])],
    );
    let stored = post_with(&app, "/api/jobs/birds/submissions", &submission, &tokens[0]).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    let info = get_with(
        &app,
        "/api/jobs/birds",
        Some(&format!("Bearer {}", tokens[1])),
    )
    .await;
    assert_eq!(info.status, StatusCode::OK);
}

#[tokio::test]
async fn an_invite_belongs_to_the_first_worker_that_uses_it() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 3, 1, 5).await;
    let tokens = create_invites(&app.db, "birds", 1, START_MS).await.unwrap();
    let first = post_with(
        &app,
        "/api/jobs/birds/batches",
        &json!({"worker_id": "alice"}),
        &tokens[0],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let second = post_with(
        &app,
        "/api/jobs/birds/batches",
        &json!({"worker_id": "mallory"}),
        &tokens[0],
    )
    .await;
    assert_eq!(second.status, StatusCode::FORBIDDEN);
    assert_eq!(second.error().code, "invite_used");
    let again = post_with(
        &app,
        "/api/jobs/birds/batches",
        &json!({"worker_id": "alice"}),
        &tokens[0],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
}

#[tokio::test]
async fn an_invite_stays_bound_to_its_first_worker_even_when_that_request_was_refused() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 3, 1, 5).await;
    let tokens = create_invites(&app.db, "birds", 1, START_MS).await.unwrap();
    // Alice's first request is a submission for a task she never leased: refused, but the invite is hers.
    let unleased = json!({
        "submission_id": "s1", "worker_id": "alice", "task_id": 1,
        "result": {"images": [], "annotations": [], "categories": []}
    });
    let refused = post_with(&app, "/api/jobs/birds/submissions", &unleased, &tokens[0]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.error().code, "task_not_leased");
    let mallory = post_with(
        &app,
        "/api/jobs/birds/batches",
        &json!({"worker_id": "mallory"}),
        &tokens[0],
    )
    .await;
    assert_eq!(mallory.status, StatusCode::FORBIDDEN);
    assert_eq!(mallory.error().code, "invite_used");
    assert_eq!(app.row_counts().await.submissions, 0);
}

#[tokio::test]
async fn invites_are_stored_only_as_hashes_and_a_reopened_job_needs_none() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let tokens = create_invites(&app.db, "birds", 3, START_MS).await.unwrap();
    let stored: Vec<String> = app
        .sql()
        .await
        .column("SELECT token_sha256 FROM invites ORDER BY id", &[])
        .unwrap();
    assert_eq!(stored.len(), 3);
    for token in &tokens {
        assert!(!stored.contains(token));
        assert!(stored.contains(&hex::encode(crowdbox_server::auth::sha256(token))));
    }
    set_requires_invite(&app.db, "birds", false).await.unwrap();
    assert_eq!(app.get("/api/jobs/birds").await.status, StatusCode::OK);
    assert!(create_invites(&app.db, "nope", 1, START_MS).await.is_err());
    assert!(create_invites(&app.db, "birds", 0, START_MS).await.is_err());
}

#[tokio::test]
async fn the_owner_gets_stats_and_a_ground_truth_manifest() {
    let app = owned_app().await;
    let batch = app.lease("birds", "w").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w",
        "s1",
        &[(1, [1.0, 2.0, 3.0, 4.0]), (1, [5.0, 5.0, 3.0, 4.0])],
    );
    assert_eq!(
        app.submit("birds", &submission).await.status,
        StatusCode::CREATED
    );
    let bearer = format!("Bearer {OWNER}");

    let stats = get_with(&app, "/api/jobs/birds/stats", Some(&bearer)).await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.text());
    let stats: serde_json::Value = stats.json();
    assert_eq!(stats["boxes_total"], 2);
    assert_eq!(stats["worker_count"], 1);

    let manifest = get_with(
        &app,
        "/api/jobs/birds/export?format=groundtruth&consolidated=true",
        Some(&bearer),
    )
    .await;
    assert_eq!(manifest.status, StatusCode::OK, "{}", manifest.text());
    assert_eq!(
        manifest.text().lines().count(),
        2,
        "one JSON line per image"
    );
}
