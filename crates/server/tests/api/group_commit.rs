//! Submissions that queue up while the write lock is taken are stored together in one transaction, each in its
//! own savepoint: a refused or failing one leaves nothing behind and does not spoil the others.

use std::time::Duration;

use axum::http::StatusCode;
use crowdbox_server::db::Backend;

use crate::helpers::{submission_for, TestApp};
use crate::idempotency::futures_join_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_submission_in_a_group_is_rolled_back_alone_and_the_others_are_stored() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 4, 1, 4).await;
    let batch = app.lease("birds", "w").await;
    let other_batch = app.lease("birds", "v").await;
    assert!(other_batch.tasks.is_empty(), "w holds every image");
    // A box at x = 13 fails inside the database after the submission row was written and the lease released,
    // the way a constraint would: only a savepoint rollback undoes those two writes.
    let mut sql = app.sql().await;
    let (inject, remove) = match sql.backend() {
        Backend::Sqlite => (
            "CREATE TRIGGER fail_at_13 BEFORE INSERT ON annotations WHEN NEW.x = 13.0
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            "DROP TRIGGER fail_at_13",
        ),
        Backend::Postgres => (
            "CREATE FUNCTION fail_at_13() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.x = 13.0 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
             CREATE TRIGGER fail_at_13 BEFORE INSERT ON annotations FOR EACH ROW EXECUTE FUNCTION fail_at_13()",
            "DROP TRIGGER fail_at_13 ON annotations",
        ),
    };
    sql.batch(inject).unwrap();
    let tasks = &batch.tasks;
    let stored = submission_for(&batch, &tasks[0], "w", "a", &[(1, [1.0, 1.0, 4.0, 4.0])]);
    let twice = submission_for(&batch, &tasks[1], "w", "b", &[(1, [2.0, 2.0, 3.0, 3.0])]);
    let failing = submission_for(&batch, &tasks[2], "w", "c", &[(1, [13.0, 1.0, 2.0, 2.0])]);
    let not_leased = submission_for(&batch, &tasks[3], "v", "d", &[(1, [1.0, 1.0, 2.0, 2.0])]);
    let bad_category = submission_for(&batch, &tasks[3], "w", "e", &[(9, [1.0, 1.0, 2.0, 2.0])]);
    let submissions = [
        &stored,
        &twice,
        &failing,
        &not_leased,
        &bad_category,
        &twice,
    ];

    // Hold the write lock while every request queues up, so the writer takes them as one group.
    let writer = crowdbox_server::write_queue().await;
    let release = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(writer);
    };
    let (responses, ()) = tokio::join!(
        futures_join_all(submissions.iter().map(|s| app.submit("birds", s))),
        release
    );

    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status).collect();
    let created_or_replayed = [statuses[1], statuses[5]];
    assert!(
        created_or_replayed.contains(&StatusCode::CREATED)
            && created_or_replayed.contains(&StatusCode::OK),
        "the same submission twice is stored once and replayed once: {statuses:?}"
    );
    assert_eq!(
        [statuses[0], statuses[2], statuses[3], statuses[4]],
        [
            StatusCode::CREATED,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::FORBIDDEN,
            StatusCode::UNPROCESSABLE_ENTITY
        ],
        "{statuses:?}"
    );
    let counts = app.row_counts().await;
    assert_eq!((counts.submissions, counts.annotations), (2, 2));
    let leased: Vec<i64> = sql
        .column("SELECT image_id FROM leases ORDER BY image_id", &[])
        .unwrap();
    let ids = |indices: &[usize]| -> Vec<i64> {
        indices
            .iter()
            .map(|&index| i64::try_from(tasks[index].task_id).unwrap())
            .collect()
    };
    assert_eq!(
        leased,
        ids(&[2, 3]),
        "the failing submission's lease release was rolled back with it"
    );
    let stored_ids: Vec<String> = sql
        .column(
            "SELECT submission_id FROM submissions ORDER BY submission_id",
            &[],
        )
        .unwrap();
    assert_eq!(stored_ids, ["a", "b"]);

    // The failing one goes through once the fault is gone (a client retries with the same id).
    sql.batch(remove).unwrap();
    drop(sql);
    assert_eq!(
        app.submit("birds", &failing).await.status,
        StatusCode::CREATED
    );
}
