//! The submission id is an idempotency key even when requests race.

use axum::http::StatusCode;
use crowdbox_core::wire::Receipt;

use crate::helpers::{submission_for, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identical_submissions_racing_are_stored_once_and_all_get_the_same_receipt() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    let submission = submission_for(
        &batch,
        &batch.tasks[0],
        "w",
        "s1",
        &[(1, [1.0, 1.0, 4.0, 4.0])],
    );

    let responses = futures_join_all((0..8).map(|_| app.submit("birds", &submission))).await;

    let created = responses
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let replayed = responses
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        (created, replayed),
        (1, 7),
        "{:?}",
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let receipts: Vec<Receipt> = responses.iter().map(|r| r.json()).collect();
    assert!(receipts.windows(2).all(|pair| pair[0] == pair[1]));
    let counts = app.row_counts().await;
    assert_eq!((counts.submissions, counts.annotations), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn different_submissions_racing_for_one_task_store_exactly_one() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 1, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    let submissions: Vec<_> = (0..6)
        .map(|index| {
            submission_for(
                &batch,
                &batch.tasks[0],
                "w",
                &format!("s{index}"),
                &[(1, [1.0, 1.0, 2.0 + f64::from(index), 4.0])],
            )
        })
        .collect();

    let responses = futures_join_all(submissions.iter().map(|s| app.submit("birds", s))).await;

    let statuses: Vec<_> = responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    for response in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_eq!(response.status, StatusCode::CONFLICT);
        assert_eq!(response.error().code, "task_already_submitted");
    }
    let counts = app.row_counts().await;
    assert_eq!((counts.submissions, counts.annotations), (1, 1));
}

#[tokio::test]
async fn a_reused_id_for_another_task_is_a_conflict_even_after_the_first_was_stored() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let batch = app.lease("birds", "w").await;
    let first = submission_for(&batch, &batch.tasks[0], "w", "same-id", &[]);
    assert_eq!(
        app.submit("birds", &first).await.status,
        StatusCode::CREATED
    );
    let other_task = submission_for(&batch, &batch.tasks[1], "w", "same-id", &[]);
    let response = app.submit("birds", &other_task).await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert_eq!(response.error().code, "submission_id_reused");
    assert_eq!(app.row_counts().await.submissions, 1);
}

/// Runs the futures concurrently on the current task (their database work runs on the pool's connection
/// threads, so it really overlaps) and returns their outputs in order.
pub(crate) async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    join_vec(futures.into_iter().map(Box::pin).collect()).await
}

async fn join_vec<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|context| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match std::pin::Pin::new(&mut *future).poll(context) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|output| output.expect("every future finished"))
        .collect()
}
