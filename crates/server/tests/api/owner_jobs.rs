//! The owner's job endpoints: list, create, change; invites over HTTP.

use axum::http::{Method, StatusCode};
use crowdbox_core::owner::{Invites, JobList, JobOverview, JobPatched, LeaseOrder};
use serde_json::json;

use crate::cli_support::run_ok;
use crate::helpers::{submission_for, TestApp};

#[tokio::test]
async fn the_job_list_shows_each_job_with_its_progress() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull", "tern"], 3, 1, 2).await;
    let batch = app.lease("birds", "w1").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w1",
        "s1",
        &[(1, [1.0, 1.0, 5.0, 5.0])],
    );
    assert_eq!(
        app.submit("birds", &submission).await.status,
        StatusCode::CREATED
    );

    let response = app.owner(Method::GET, "/api/jobs", None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let list: JobList = response.json();
    assert_eq!(list.jobs.len(), 1);
    let job = &list.jobs[0];
    assert_eq!(job.labels, ["gull", "tern"]);
    assert_eq!(
        (
            job.images_total,
            job.images_done,
            job.images_in_progress,
            job.submissions
        ),
        (3, 1, 1, 1),
        "one done, the batch's second image leased, one open"
    );
    assert_eq!(job.images_open(), 1);
}

#[tokio::test]
async fn the_owner_creates_a_job_and_the_same_name_again_is_a_conflict() {
    let app = TestApp::spawn_owned().await;
    let body = json!({
        "name": "tools", "labels": ["hammer", "drill"], "workers_per_image": 3, "mode": "adjust",
        "good_examples": ["https://example.org/good.jpg"]
    });
    let response = app.owner(Method::POST, "/api/jobs", Some(&body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let created: JobOverview = response.json();
    assert_eq!(created.name, "tools");
    assert_eq!(created.workers_per_image, 3);
    assert_eq!(created.mode.as_str(), "adjust");
    assert_eq!(created.batch_size, 5, "the CLI's default");

    let again = app.owner(Method::POST, "/api/jobs", Some(&body)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error().code, "job_exists");
    assert_eq!(app.row_counts().await.jobs, 1);
}

#[tokio::test]
async fn a_bad_new_job_is_refused_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::spawn_owned().await;
    let cases = [
        (json!({"name": "", "labels": ["a"]}), "name"),
        (json!({"name": "a/b", "labels": ["a"]}), "name"),
        (json!({"name": "x", "labels": []}), "labels"),
        (json!({"name": "x", "labels": ["a", "a"]}), "labels"),
        (
            json!({"name": "x", "labels": ["a"], "batch_size": 0}),
            "batch_size",
        ),
        (
            json!({"name": "x", "labels": ["a"], "mode": "paint"}),
            "mode",
        ),
        (
            json!({"name": "x", "labels": ["a"], "colour": "red"}),
            "colour",
        ),
        (
            json!({"name": "x", "labels": ["a"], "good_examples": ["/etc/passwd"]}),
            "good_examples[0]",
        ),
    ];
    for (body, field) in cases {
        let response = app.owner(Method::POST, "/api/jobs", Some(&body)).await;
        assert!(
            response.status.is_client_error(),
            "{body}: {}",
            response.text()
        );
        let error = response.error();
        assert!(
            error.field.as_deref().is_some_and(|f| f.contains(field))
                || error.message.contains(field),
            "{body}: {error:?}"
        );
    }
    assert_eq!(app.row_counts().await.jobs, 0);
}

#[tokio::test]
async fn patching_a_job_changes_the_given_settings_all_or_nothing() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull", "tern"], 2, 1, 2).await;
    let body = json!({"batch_size": 7, "mode": "verify", "label_targets": {"gull": 1000}});
    let response = app
        .owner(Method::PATCH, "/api/jobs/birds", Some(&body))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let patched: JobPatched = response.json();
    assert_eq!(patched.changed, ["mode", "batch_size", "label_targets"]);
    assert_eq!(patched.job.batch_size, 7);
    assert_eq!(patched.job.label_targets.get("gull"), Some(&1000));

    let before = app.owner(Method::GET, "/api/jobs", None).await.text();
    for (body, field) in [
        (json!({"batch_size": 0}), "batch_size"),
        (
            json!({"label_targets": {"heron": 5}}),
            "label_targets.heron",
        ),
        (json!({}), "body"),
        (json!({"workers": 2}), "workers"),
    ] {
        let response = app
            .owner(Method::PATCH, "/api/jobs/birds", Some(&body))
            .await;
        assert!(
            response.status.is_client_error(),
            "{body}: {}",
            response.text()
        );
        let error = response.error();
        assert!(
            error.field.as_deref().is_some_and(|f| f.contains(field))
                || error.message.contains(field),
            "{body}: {error:?}"
        );
    }
    assert_eq!(
        app.owner(Method::GET, "/api/jobs", None).await.text(),
        before
    );
    let missing = app
        .owner(
            Method::PATCH,
            "/api/jobs/geese",
            Some(&json!({"batch_size": 2})),
        )
        .await;
    assert_eq!(missing.error().code, "job_not_found");
}

#[tokio::test]
async fn a_job_created_over_http_takes_the_quality_settings_and_the_order() {
    let app = TestApp::spawn_owned().await;
    let body = json!({
        "name": "tools", "labels": ["hammer"], "workers_per_image": 4, "gold_rate": 0.2,
        "block_below": 0.4, "min_gold_tasks": 3, "min_workers_per_image": 2, "agreement_iou": 0.8,
        "finish_first": true, "order": "uncertain-first"
    });
    let response = app.owner(Method::POST, "/api/jobs", Some(&body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let created: JobOverview = response.json();
    let quality = created.quality;
    assert_eq!(
        (
            quality.gold_rate,
            quality.block_below,
            quality.min_gold_tasks
        ),
        (0.2, Some(0.4), 3)
    );
    assert_eq!(
        (
            quality.min_workers_per_image,
            quality.agreement_iou,
            quality.finish_first
        ),
        (Some(2), 0.8, true)
    );
    assert_eq!(created.order, LeaseOrder::UncertainFirst);

    let shown = run_ok(&app, &["job", "show", "tools"]);
    for setting in ["0.2", "0.4", "uncertain-first"] {
        assert!(shown.contains(setting), "{setting}: {shown}");
    }
}

#[tokio::test]
async fn quality_settings_that_do_not_fit_are_refused_over_http_naming_the_field() {
    let app = TestApp::spawn_owned().await;
    let cases = [
        (json!({"gold_rate": 0.7}), "gold_rate"),
        (json!({"block_below": 1.5}), "block_below"),
        (json!({"min_gold_tasks": 0}), "min_gold_tasks"),
        (json!({"min_workers_per_image": 3}), "min_workers_per_image"),
        (json!({"agreement_iou": 0.0}), "agreement_iou"),
        (json!({"order": "random"}), "order"),
    ];
    for (fields, field) in &cases {
        let mut body = json!({"name": "x", "labels": ["a"], "workers_per_image": 2});
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let response = app.owner(Method::POST, "/api/jobs", Some(&body)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.text()
        );
        let error = response.error();
        assert!(
            error.field.as_deref() == Some(*field) || error.message.contains(field),
            "{body}: {error:?}"
        );
    }
    assert_eq!(app.row_counts().await.jobs, 0);

    app.create_job("birds", &["gull"], 2, 1, 2).await;
    let before = app.owner(Method::GET, "/api/jobs", None).await.text();
    for (body, field) in cases {
        let response = app
            .owner(Method::PATCH, "/api/jobs/birds", Some(&body))
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.text()
        );
        let error = response.error();
        assert!(
            error.field.as_deref() == Some(field) || error.message.contains(field),
            "{body}: {error:?}"
        );
    }
    assert_eq!(
        app.owner(Method::GET, "/api/jobs", None).await.text(),
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn patching_quality_settings_changes_them_and_null_turns_one_off() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 3, 3, 2).await;
    let body = json!({"block_below": 0.5, "min_workers_per_image": 2, "order": "uncertain-first"});
    let response = app
        .owner(Method::PATCH, "/api/jobs/birds", Some(&body))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let patched: JobPatched = response.json();
    assert_eq!(patched.changed, ["lease_order", "quality"]);
    assert_eq!(patched.job.quality.block_below, Some(0.5));
    assert_eq!(patched.job.quality.min_workers_per_image, Some(2));
    assert_eq!(patched.job.order, LeaseOrder::UncertainFirst);

    let off = json!({"block_below": null, "gold_rate": 0.05});
    let response = app
        .owner(Method::PATCH, "/api/jobs/birds", Some(&off))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let patched: JobPatched = response.json();
    assert_eq!(patched.changed, ["quality"]);
    let quality = patched.job.quality;
    assert_eq!(quality.block_below, None, "null stops blocking");
    assert_eq!(quality.gold_rate, 0.05);
    assert_eq!(
        quality.min_workers_per_image,
        Some(2),
        "a setting the patch does not name stays"
    );
}

#[tokio::test]
async fn owner_job_routes_refuse_requests_without_the_owner_token() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 1, 1, 2).await;
    assert_eq!(app.get("/api/jobs").await.status, StatusCode::UNAUTHORIZED);
    let patch = app
        .request(
            axum::http::Request::patch("/api/jobs/birds")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(r#"{"batch_size": 3}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(patch.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/api/jobs/birds").await.status,
        StatusCode::OK,
        "volunteers still read the job"
    );
}

#[tokio::test]
async fn invites_made_over_http_close_the_job_and_delete_opens_it_again() {
    let app = TestApp::spawn_owned().await;
    app.create_job("birds", &["gull"], 2, 1, 2).await;
    let response = app
        .owner(
            Method::POST,
            "/api/jobs/birds/invites",
            Some(&json!({"count": 2})),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let invites: Invites = response.json();
    assert_eq!(invites.tokens.len(), 2);
    let refused = app
        .post_json("/api/jobs/birds/batches", &json!({"worker_id": "w1"}))
        .await;
    assert_eq!(refused.error().code, "invite_required");

    let zero = app
        .owner(
            Method::POST,
            "/api/jobs/birds/invites",
            Some(&json!({"count": 0})),
        )
        .await;
    assert_eq!(zero.error().field.as_deref(), Some("count"));

    let open = app
        .owner(Method::DELETE, "/api/jobs/birds/invites", None)
        .await;
    assert_eq!(open.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.post_json("/api/jobs/birds/batches", &json!({"worker_id": "w1"}))
            .await
            .status,
        StatusCode::OK
    );
}
