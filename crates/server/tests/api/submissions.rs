//! `POST /api/jobs/{job}/submissions`: stored once, replays answered, conflicts refused.

use axum::http::StatusCode;
use crowdbox_core::wire::Receipt;
use crowdbox_server::export::export_coco;

use crate::helpers::{submission_for, TestApp, START_MS};

#[tokio::test]
async fn a_valid_submission_is_stored_and_appears_in_the_export() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull", "tern"], 2, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let task = &batch.tasks[1];
    let submission = submission_for(
        &batch,
        task,
        "worker-a",
        "sub-1",
        &[(1, [1.0, 2.0, 10.0, 5.0]), (2, [20.0, 3.5, 4.25, 8.0])],
    );

    app.clock.advance_ms(5_000);
    let response = app.submit("birds", &submission).await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let receipt: Receipt = response.json();
    assert_eq!(
        receipt,
        Receipt {
            submission_id: "sub-1".into(),
            task_id: task.task_id,
            annotations_stored: 2,
            stored_at: START_MS + 5_000
        }
    );
    let counts = app.row_counts().await;
    assert_eq!((counts.submissions, counts.annotations), (1, 2));
    assert_eq!(
        counts.leases, 1,
        "the submitted task's lease is released, the other one is kept"
    );

    let export = export_coco(&app.db, "birds", START_MS).await.unwrap();
    let boxes: Vec<_> = export
        .annotations
        .iter()
        .map(|a| (a.id, a.image_id, a.category_id, a.bbox, a.area))
        .collect();
    assert_eq!(
        boxes,
        [
            (1, task.task_id, 1, [1.0, 2.0, 10.0, 5.0], 50.0),
            (2, task.task_id, 2, [20.0, 3.5, 4.25, 8.0], 34.0)
        ]
    );
}

#[tokio::test]
async fn a_replayed_submission_gets_the_first_receipt_and_is_stored_once() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "worker-a",
        "sub-1",
        &[(1, [1.0, 1.0, 3.0, 3.0])],
    );

    let first = app.submit("birds", &submission).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let counts_after_first = app.row_counts().await;
    app.clock.advance_ms(90_000);
    let replay = app.submit("birds", &submission).await;

    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text());
    assert_eq!(replay.json::<Receipt>(), first.json::<Receipt>());
    assert_eq!(app.row_counts().await, counts_after_first);
}

#[tokio::test]
async fn a_replay_with_keys_in_another_order_is_still_a_replay() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "worker-a",
        "sub-1",
        &[(1, [1.0, 1.0, 3.0, 3.0])],
    );
    assert_eq!(
        app.submit("birds", &submission).await.status,
        StatusCode::CREATED
    );

    // A `serde_json::Value` writes its keys sorted, unlike the struct's declaration order.
    let body = serde_json::to_string(&serde_json::to_value(&submission).unwrap()).unwrap();
    assert!(
        body.starts_with("{\"duration_ms\""),
        "the keys really are reordered: {body}"
    );
    let replay = app
        .post_raw("/api/jobs/birds/submissions", "application/json", body)
        .await;

    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text());
}

#[tokio::test]
async fn the_same_submission_id_with_other_content_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "worker-a",
        "sub-1",
        &[(1, [1.0, 1.0, 3.0, 3.0])],
    );
    assert_eq!(
        app.submit("birds", &submission).await.status,
        StatusCode::CREATED
    );
    let before = app.row_counts().await;

    let other_box = submission_for(
        &batch,
        &batch.tasks[0],
        "worker-a",
        "sub-1",
        &[(1, [2.0, 2.0, 3.0, 3.0])],
    );
    let other_task = submission_for(&batch, &batch.tasks[1], "worker-a", "sub-1", &[]);
    for changed in [other_box, other_task] {
        let response = app.submit("birds", &changed).await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.text());
        let error = response.error();
        assert_eq!(
            (error.code.as_str(), error.field.as_deref()),
            ("submission_id_reused", Some("submission_id"))
        );
    }
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn a_second_different_submission_for_the_same_task_is_refused() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let task = &batch.tasks[0];
    assert_eq!(
        app.submit(
            "birds",
            &submission_for(&batch, task, "worker-a", "sub-1", &[])
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let before = app.row_counts().await;

    let response = app
        .submit(
            "birds",
            &submission_for(
                &batch,
                task,
                "worker-a",
                "sub-2",
                &[(1, [1.0, 1.0, 2.0, 2.0])],
            ),
        )
        .await;

    assert_eq!(response.status, StatusCode::CONFLICT);
    assert_eq!(response.error().code, "task_already_submitted");
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn a_task_that_is_not_leased_to_the_worker_is_refused() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 1).await;
    let a = app.lease("birds", "worker-a").await;
    let before = app.row_counts().await;

    // worker-b never leased task 1 (worker-a holds it).
    let response = app
        .submit(
            "birds",
            &submission_for(&a, &a.tasks[0], "worker-b", "b-1", &[]),
        )
        .await;

    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let error = response.error();
    assert_eq!(
        (error.code.as_str(), error.field.as_deref()),
        ("task_not_leased", Some("task_id"))
    );
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn late_work_is_accepted_while_nobody_else_has_taken_the_image() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    app.clock.advance_ms(2 * 1_800_000);

    let response = app
        .submit(
            "birds",
            &submission_for(&batch, &batch.tasks[0], "worker-a", "late", &[]),
        )
        .await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
}

#[tokio::test]
async fn late_work_is_refused_once_the_image_went_to_another_worker() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let a = app.lease("birds", "worker-a").await;
    app.clock.advance_ms(1_800_000);
    assert_eq!(app.lease("birds", "worker-b").await.tasks.len(), 1);
    let before = app.row_counts().await;

    let response = app
        .submit(
            "birds",
            &submission_for(&a, &a.tasks[0], "worker-a", "late", &[]),
        )
        .await;

    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let error = response.error();
    assert_eq!(error.code, "task_not_leased");
    assert!(error.message.contains("expired"), "{}", error.message);
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn a_box_a_fraction_of_a_pixel_outside_is_stored_clipped_to_the_image() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    let task = &batch.tasks[0];
    let (width, height) = (f64::from(task.image.width), f64::from(task.image.height));
    let bbox = [-0.25, -0.5, width + 0.5, height + 0.75];

    let response = app
        .submit(
            "birds",
            &submission_for(&batch, task, "worker-a", "s", &[(1, bbox)]),
        )
        .await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let export = export_coco(&app.db, "birds", START_MS).await.unwrap();
    assert_eq!(export.annotations[0].bbox, [0.0, 0.0, width, height]);
    assert_eq!(export.annotations[0].area, width * height);
}

#[tokio::test]
async fn submitting_to_another_job_than_the_tasks_is_refused() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    app.create_job("fish", &["cod"], 1, 1, 5).await;
    let birds = app.lease("birds", "worker-a").await;

    let response = app
        .submit(
            "fish",
            &submission_for(&birds, &birds.tasks[0], "worker-a", "s", &[]),
        )
        .await;

    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let error = response.error();
    assert_eq!(
        (error.code.as_str(), error.field.as_deref()),
        ("task_not_found", Some("task_id"))
    );
}
