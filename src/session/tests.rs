//! The session's rules, driven with made-up server answers.

use super::*;
use crowdbox_core::coco::{CocoAnnotation, CocoImage};
use wasm_bindgen_test::wasm_bindgen_test as test;

fn image(id: u64) -> CocoImage {
    CocoImage {
        id,
        file_name: format!("{id}.jpg"),
        width: 640,
        height: 480,
        license: None,
        date_captured: None,
    }
}

fn batch(task_ids: &[u64], job_done: bool) -> TaskBatch {
    TaskBatch {
        job: "demo".into(),
        instructions: "Box every tool.".into(),
        categories: vec![CocoCategory {
            id: 1,
            name: "hammer".into(),
            supercategory: "tool".into(),
        }],
        tasks: task_ids
            .iter()
            .map(|&id| Task {
                task_id: id,
                image: image(id),
                image_url: format!("/api/images/{id}"),
                initial_annotations: Vec::new(),
            })
            .collect(),
        lease_expires_at: 0,
        job_done,
        images_total: 8,
        images_done: 3,
    }
}

fn result(image_id: u64, boxes: usize) -> CocoResult {
    CocoResult {
        images: vec![image(image_id)],
        annotations: (0..boxes)
            .map(|i| CocoAnnotation {
                id: i as u64 + 1,
                image_id,
                category_id: 1,
                bbox: [1.0, 2.0, 3.0, 4.0],
                area: 12.0,
                iscrowd: 0,
            })
            .collect(),
        categories: vec![],
    }
}

fn receipt(task_id: u64) -> Receipt {
    Receipt {
        submission_id: "s".into(),
        task_id,
        annotations_stored: 0,
        stored_at: 0,
    }
}

fn server_error(message: &str) -> ApiError {
    ApiError {
        status: Some(422),
        code: Some("invalid_field".into()),
        message: message.into(),
    }
}

fn working(task_ids: &[u64]) -> Session {
    let mut s = Session::new(Some("demo".into()), "w1".into());
    assert!(s.begin_lease());
    s.apply_lease(Ok(batch(task_ids, false)), 1_000.0);
    s
}

#[test]
fn without_a_job_there_is_nothing_to_lease() {
    let mut s = Session::new(Some("  ".into()), "w1".into());
    assert_eq!(s.phase(), Phase::NoJob);
    assert!(!s.begin_lease());
}

#[test]
fn progress_counts_tasks_in_the_batch_and_images_in_the_job() {
    let mut s = working(&[10, 11]);
    assert_eq!(s.task_progress().as_deref(), Some("task 1 of 2"));
    assert_eq!(s.job_progress().as_deref(), Some("3 of 8 images done"));
    let sub = s.prepare_submission(result(10, 0), 4_500.0, "id-a".into());
    assert_eq!(sub.unwrap().duration_ms, Some(3_500));
    assert!(!s.apply_submit(Ok(receipt(10)), 5_000.0));
    assert_eq!(s.task_progress().as_deref(), Some("task 2 of 2"));
    assert_eq!(s.job_progress().as_deref(), Some("4 of 8 images done"));
    assert_eq!(s.current_task().unwrap().task_id, 11);
}

#[test]
fn the_last_submission_of_a_batch_asks_for_the_next_batch() {
    let mut s = working(&[10]);
    s.prepare_submission(result(10, 1), 2_000.0, "id-a".into())
        .unwrap();
    assert!(s.apply_submit(Ok(receipt(10)), 2_100.0));
    assert_eq!(s.phase(), Phase::Leasing);
    assert!(s.current_task().is_none());
    s.apply_lease(Ok(batch(&[], true)), 2_200.0);
    assert_eq!(s.phase(), Phase::Done);
}

#[test]
fn an_empty_batch_that_is_not_done_means_nothing_is_free_now() {
    let mut s = working(&[]);
    assert_eq!(s.phase(), Phase::NothingFreeNow);
    assert!(s.begin_lease());
    assert_eq!(s.phase(), Phase::Leasing);
}

#[test]
fn a_refused_submission_keeps_the_task_and_shows_the_servers_message() {
    let mut s = working(&[10, 11]);
    let first = s
        .prepare_submission(result(10, 1), 2_000.0, "id-a".into())
        .unwrap();
    assert!(
        s.prepare_submission(result(10, 1), 2_000.0, "id-b".into())
            .is_none(),
        "no second send while one is on its way"
    );
    assert!(!s.apply_submit(Err(server_error("bbox is outside the image")), 2_500.0));
    assert_eq!(s.phase(), Phase::Working);
    assert_eq!(s.error(), Some("bbox is outside the image"));
    assert_eq!(s.current_task().unwrap().task_id, 10);

    let retry = s
        .prepare_submission(result(10, 1), 9_000.0, "id-c".into())
        .unwrap();
    assert_eq!(retry, first, "an unchanged retry is the same request");
    assert_eq!(s.error(), None);
    s.apply_submit(Err(server_error("offline")), 9_100.0);

    let edited = s
        .prepare_submission(result(10, 2), 9_500.0, "id-d".into())
        .unwrap();
    assert_eq!(edited.submission_id, "id-a", "one id per task");
    assert_eq!(edited.result.annotations.len(), 2);
    assert_eq!(edited.duration_ms, Some(8_500));
}

#[test]
fn a_result_the_server_already_holds_moves_on_instead_of_sticking() {
    let mut s = working(&[10, 11]);
    s.prepare_submission(result(10, 1), 2_000.0, "id-a".into())
        .unwrap();
    let conflict = ApiError {
        status: Some(409),
        code: Some("task_already_submitted".into()),
        message: "worker already submitted task 10".into(),
    };
    assert!(!s.apply_submit(Err(conflict), 2_100.0));
    assert_eq!(s.phase(), Phase::Working);
    assert_eq!(s.error(), None);
    assert_eq!(s.current_task().unwrap().task_id, 11);

    s.prepare_submission(result(11, 1), 3_000.0, "id-b".into())
        .unwrap();
    let other_conflict = ApiError {
        status: Some(409),
        code: Some("lease_conflict".into()),
        message: "something else".into(),
    };
    s.apply_submit(Err(other_conflict), 3_100.0);
    assert_eq!(
        s.current_task().unwrap().task_id,
        11,
        "other conflicts keep the task"
    );
    assert_eq!(s.error(), Some("something else"));
}

#[test]
fn a_failed_lease_shows_the_error_and_can_be_retried() {
    let mut s = Session::new(Some("nope".into()), "w1".into());
    s.apply_lease(Err(server_error("no job named nope")), 0.0);
    assert_eq!(s.phase(), Phase::LeaseFailed);
    assert_eq!(s.error(), Some("no job named nope"));
    assert!(s.begin_lease());
    assert_eq!(s.error(), None);
}
