//! `POST /api/jobs/{job}/batches`: who gets which tasks, and when they come back.

use axum::http::StatusCode;
use crowdbox_server::params;

use crate::helpers::{category_names, submission_for, TestApp, START_MS};

const LEASE_MS: i64 = 1_800_000;

fn task_ids(batch: &crowdbox_core::wire::TaskBatch) -> Vec<u64> {
    batch.tasks.iter().map(|task| task.task_id).collect()
}

#[tokio::test]
async fn a_batch_holds_the_jobs_tasks_with_categories_and_instructions() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull", "tern"], 4, 1, 3).await;

    let batch = app.lease("birds", "worker-a").await;

    assert_eq!(batch.job, "birds");
    assert_eq!(batch.instructions, "Box every gull and tern you see.");
    assert_eq!(category_names(&batch.categories), ["gull", "tern"]);
    assert_eq!(
        batch.categories.iter().map(|c| c.id).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(batch.categories.iter().all(|c| c.supercategory == "birds"));
    assert_eq!(task_ids(&batch), [1, 2, 3]);
    let first = &batch.tasks[0];
    assert_eq!(first.image.id, first.task_id);
    assert_eq!(first.image.file_name, "image-01.png");
    assert_eq!((first.image.width, first.image.height), (40, 30));
    assert_eq!(first.image_url, "/api/images/1");
    assert_eq!(batch.lease_expires_at, START_MS + LEASE_MS);
    assert!(!batch.job_done);
    assert_eq!((batch.images_total, batch.images_done), (4, 0));
}

#[tokio::test]
async fn the_same_worker_gets_the_same_batch_again_until_it_expires() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 6, 1, 3).await;

    let first = app.lease("birds", "worker-a").await;
    app.clock.advance_ms(60_000);
    let again = app.lease("birds", "worker-a").await;

    assert_eq!(task_ids(&again), task_ids(&first));
    assert_eq!(
        again.lease_expires_at, first.lease_expires_at,
        "asking again does not extend the lease"
    );
}

#[tokio::test]
async fn a_reload_after_some_submissions_returns_only_the_unsubmitted_rest() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 6, 1, 3).await;
    let batch = app.lease("birds", "worker-a").await;

    let response = app
        .submit(
            "birds",
            &submission_for(&batch, &batch.tasks[0], "worker-a", "s-1", &[]),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());

    assert_eq!(task_ids(&app.lease("birds", "worker-a").await), [2, 3]);
}

#[tokio::test]
async fn a_second_worker_does_not_get_tasks_leased_to_the_first() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 7, 1, 3).await;

    let a = app.lease("birds", "worker-a").await;
    let b = app.lease("birds", "worker-b").await;
    let c = app.lease("birds", "worker-c").await;
    let d = app.lease("birds", "worker-d").await;

    assert_eq!(task_ids(&a), [1, 2, 3]);
    assert_eq!(task_ids(&b), [4, 5, 6]);
    assert_eq!(task_ids(&c), [7]);
    assert!(d.tasks.is_empty());
    assert!(
        !d.job_done,
        "the job is not done: leased tasks may come back"
    );
    assert_eq!(
        d.lease_expires_at, a.lease_expires_at,
        "tells when to ask again"
    );
}

#[tokio::test]
async fn an_expired_lease_goes_back_to_the_pool() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 3, 1, 3).await;
    let a = app.lease("birds", "worker-a").await;
    assert!(app.lease("birds", "worker-b").await.tasks.is_empty());

    app.clock.advance_ms(LEASE_MS);
    let b = app.lease("birds", "worker-b").await;

    assert_eq!(task_ids(&b), task_ids(&a));
    assert_eq!(b.lease_expires_at, START_MS + 2 * LEASE_MS);
    let a_again = app.lease("birds", "worker-a").await;
    assert!(
        a_again.tasks.is_empty(),
        "worker-a's expired lease does not block worker-b"
    );
}

#[tokio::test]
async fn a_worker_never_gets_an_image_it_has_submitted() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 2, 5).await;
    let a = app.lease("birds", "worker-a").await;
    for (index, task) in a.tasks.iter().enumerate() {
        let response = app
            .submit(
                "birds",
                &submission_for(&a, task, "worker-a", &format!("a-{index}"), &[]),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    }

    let a_again = app.lease("birds", "worker-a").await;
    assert!(a_again.tasks.is_empty());
    assert!(a_again.job_done, "nothing is left for worker-a");
    let b = app.lease("birds", "worker-b").await;
    assert_eq!(
        task_ids(&b),
        [1, 2],
        "a second worker still boxes each image"
    );
    assert_eq!(b.images_done, 0, "an image needs two submissions here");
}

#[tokio::test]
async fn the_job_is_done_when_every_image_has_its_submissions() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let batch = app.lease("birds", "worker-a").await;
    for (index, task) in batch.tasks.iter().enumerate() {
        app.submit(
            "birds",
            &submission_for(
                &batch,
                task,
                "worker-a",
                &format!("s-{index}"),
                &[(1, [1.0, 1.0, 5.0, 5.0])],
            ),
        )
        .await;
    }

    for worker in ["worker-a", "worker-b"] {
        let done = app.lease("birds", worker).await;
        assert!(done.tasks.is_empty());
        assert!(done.job_done, "{worker} is told the job is done");
        assert_eq!((done.images_total, done.images_done), (2, 2));
    }
}

#[tokio::test]
async fn leasing_in_an_unknown_job_is_a_json_404() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/jobs/nope/batches",
            &serde_json::json!({ "worker_id": "w" }),
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.error().code, "job_not_found");
}

#[tokio::test]
async fn an_empty_worker_id_is_refused_and_names_the_field() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let before = app.row_counts().await;

    let response = app
        .post_json(
            "/api/jobs/birds/batches",
            &serde_json::json!({ "worker_id": "" }),
        )
        .await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = response.error();
    assert_eq!(
        (error.code.as_str(), error.field.as_deref()),
        ("invalid_field", Some("worker_id"))
    );
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_lease_requests_never_hand_out_the_same_image_twice() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    app.create_job("birds", &["gull"], 12, 1, 3).await;

    let mut handles = Vec::new();
    for worker in 0..4 {
        let app = app.clone();
        handles.push(tokio::spawn(async move {
            app.lease("birds", &format!("worker-{worker}")).await
        }));
    }
    let mut all = Vec::new();
    for handle in handles {
        all.extend(task_ids(&handle.await.unwrap()));
    }
    all.sort_unstable();
    assert_eq!(all, (1..=12).collect::<Vec<u64>>());
}

/// The job's progress as the per-image counters (kept by triggers) give it, checked against counting the
/// submissions image by image.
async fn progress_both_ways(app: &TestApp, job: &str) -> (u64, u64) {
    let mut conn = app.sql().await;
    let found = crowdbox_server::db::jobs::find_job(&mut conn, job)
        .unwrap()
        .expect("the job exists");
    // The rule counted from scratch: enough submissions, or an imported final one.
    let (total, done): (i64, i64) = conn
        .one(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN
                 (SELECT COUNT(*) FROM submissions s WHERE s.image_id = i.id) >= j.workers_per_image
                 OR EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = i.id AND s.imported = 1)
                 THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM images i JOIN jobs j ON j.id = i.job_id WHERE i.job_id = ?1",
            params![found.id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    let kept = crowdbox_server::db::jobs::progress(&mut conn, found.id).unwrap();
    assert_eq!(
        (kept.images_total, kept.images_done),
        (total as u64, done as u64),
        "the counters agree with a recount"
    );
    (kept.images_total, kept.images_done)
}

#[tokio::test]
async fn progress_counters_follow_submissions_imports_and_setting_changes() {
    let app = TestApp::spawn().await;
    app.create_job("gulls", &["gull"], 4, 2, 4).await;
    assert_eq!(progress_both_ways(&app, "gulls").await, (4, 0));

    for (worker, tasks) in [("worker-a", 2), ("worker-b", 1)] {
        let batch = app.lease("gulls", worker).await;
        for task in &batch.tasks[..tasks] {
            let submission = submission_for(
                &batch,
                task,
                worker,
                &format!("{worker}-{}", task.task_id),
                &[],
            );
            assert_eq!(
                app.submit("gulls", &submission).await.status,
                StatusCode::CREATED
            );
        }
    }
    // Image 1 has both its submissions, image 2 one of two.
    assert_eq!(progress_both_ways(&app, "gulls").await, (4, 1));

    // One worker per image is enough now: image 2 is done too.
    let mut request = crowdbox_server::import::ImportRequest {
        job: "gulls".to_owned(),
        images_dir: app.image_folder("gulls-more", 6),
        labels: None,
        instructions: None,
        workers_per_image: Some(1),
        batch_size: None,
        lease_seconds: None,
        pyramid_threshold_mpx: None,
    };
    app.import(&request).await.expect("the import succeeds");
    // The 4 images already there are skipped, 2 are new.
    assert_eq!(progress_both_ways(&app, "gulls").await, (6, 2));
    request.workers_per_image = Some(3);
    app.import(&request).await.expect("the import succeeds");
    assert_eq!(progress_both_ways(&app, "gulls").await, (6, 0));

    // An imported final submission makes its image done whatever the count.
    app.sql()
        .await
        .execute(
            "INSERT INTO submissions (submission_id, image_id, worker_id, content_sha256, received_at, imported)
             VALUES ('final-3', 3, 'import', 'x', 0, 1)",
            &[],
        )
        .unwrap();
    assert_eq!(progress_both_ways(&app, "gulls").await, (6, 1));
    let offered = task_ids(&app.lease("gulls", "worker-c").await);
    assert!(
        !offered.contains(&3),
        "a done image is not offered: {offered:?}"
    );

    // Deleting submissions and images counts down again.
    app.sql()
        .await
        .execute(
            "DELETE FROM submissions WHERE submission_id = 'final-3'",
            &[],
        )
        .unwrap();
    assert_eq!(progress_both_ways(&app, "gulls").await, (6, 0));
    app.sql()
        .await
        .execute("DELETE FROM images WHERE id = 6", &[])
        .unwrap();
    assert_eq!(progress_both_ways(&app, "gulls").await, (5, 0));
}
