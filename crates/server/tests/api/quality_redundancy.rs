//! Adaptive redundancy: an image is done when enough workers agree, and images waiting for another opinion can
//! be leased first.

use axum::http::StatusCode;
use crowdbox_core::wire::Task;

use crate::cli_support::run_ok;
use crate::helpers::{submission_for, TestApp};
use crate::quality_support::{HAMMER, SAW};

#[tokio::test]
async fn an_adaptive_image_is_done_when_two_agree_and_waits_for_a_third_when_they_do_not() {
    let app = TestApp::spawn().await;
    app.create_job("tools", &["hammer", "saw"], 2, 3, 2).await;
    run_ok(
        &app,
        &[
            "job",
            "update",
            "--job",
            "tools",
            "--min-workers-per-image",
            "2",
        ],
    );
    let first = app.lease("tools", "w1").await;
    let (agreed, disputed) = (&first.tasks[0], &first.tasks[1]);
    let answer = |task: &Task, boxes: &[(u64, [f64; 4])], worker: &str| {
        submission_for(
            &first,
            task,
            worker,
            &format!("{worker}-{}", task.task_id),
            boxes,
        )
    };
    for (task, boxes) in [
        (agreed, &[(HAMMER, [2.0, 2.0, 10.0, 8.0])][..]),
        (disputed, &[(HAMMER, [2.0, 2.0, 10.0, 8.0])][..]),
    ] {
        assert_eq!(
            app.submit("tools", &answer(task, boxes, "w1")).await.status,
            StatusCode::CREATED
        );
    }
    app.lease("tools", "w2").await;
    assert_eq!(
        app.submit(
            "tools",
            &answer(agreed, &[(HAMMER, [2.0, 2.0, 10.0, 8.0])], "w2")
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.submit(
            "tools",
            &answer(disputed, &[(SAW, [12.0, 1.0, 6.0, 6.0])], "w2")
        )
        .await
        .status,
        StatusCode::CREATED
    );

    let third = app.lease("tools", "w3").await;
    let ids: Vec<u64> = third.tasks.iter().map(|task| task.task_id).collect();
    assert_eq!(
        ids,
        [disputed.task_id],
        "only the disputed image needs a third worker"
    );
    assert_eq!(third.images_done, 1);
}

#[tokio::test]
async fn finish_first_leases_images_waiting_for_another_opinion_before_fresh_ones() {
    let app = TestApp::spawn().await;
    app.create_job("tools", &["hammer", "saw"], 4, 2, 4).await;
    // w1 takes all four and answers only the last.
    let first = app.lease("tools", "w1").await;
    let started = first.tasks.last().unwrap();
    let submission = submission_for(&first, started, "w1", "w1-a", &[]);
    assert_eq!(
        app.submit("tools", &submission).await.status,
        StatusCode::CREATED
    );
    run_ok(
        &app,
        &["job", "update", "--job", "tools", "--batch-size", "1"],
    );

    let fresh = app.lease("tools", "w2").await.tasks[0].task_id;
    assert_ne!(fresh, started.task_id, "by default images come in id order");
    run_ok(
        &app,
        &["job", "update", "--job", "tools", "--finish-first", "true"],
    );
    assert_eq!(
        app.lease("tools", "w3").await.tasks[0].task_id,
        started.task_id
    );
}
