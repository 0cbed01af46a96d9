//! The session's rules, driven with scripted events and made-up server answers.

use crate::coco::{CocoAnnotation, CocoCategory, CocoImage};
use crate::strings::Words;
use crate::wire::{CocoResult, Task, TaskAnswer, TaskBatch};
use crate::worker::{ApiError, DraftKey, Event, Phase, Session};

fn image(id: u64) -> CocoImage {
    CocoImage {
        id,
        file_name: format!("{id}.jpg"),
        width: 640,
        height: 480,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    }
}

fn batch(task_ids: &[u64], job_done: bool) -> TaskBatch {
    TaskBatch {
        job: "demo".into(),
        mode: Default::default(),
        allow_carry_forward: false,
        examples: Vec::new(),
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
                tiles: None,
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
                score: None,
            })
            .collect(),
        categories: vec![],
    }
}

fn server_error(message: &str) -> ApiError {
    ApiError {
        status: Some(422),
        code: Some(crate::wire::ErrorCode::InvalidField),
        message: message.into(),
    }
}

fn working(task_ids: &[u64], queued: &[u64]) -> Session {
    let mut s = Session::new(Some("demo".into()), "w1".into(), Words::default());
    assert!(s.apply(Event::LeaseWanted));
    assert!(s.apply(Event::Leased {
        answer: Ok(batch(task_ids, false)),
        now_ms: 1_000.0,
        queued,
    }));
    s
}

#[test]
fn without_a_job_there_is_nothing_to_lease() {
    let mut s = Session::new(Some("  ".into()), "w1".into(), Words::default());
    assert_eq!(s.phase(), Phase::NoJob);
    assert!(!s.apply(Event::LeaseWanted));
}

#[test]
fn submitting_moves_on_at_once_and_counts_progress() {
    let mut s = working(&[10, 11], &[]);
    assert_eq!(s.task_progress().as_deref(), Some("task 1 of 2"));
    assert_eq!(s.job_progress().as_deref(), Some("3 of 8 images done"));
    let sub = s
        .prepare_submission(TaskAnswer::new(result(10, 0)), 4_500.0, "id-a".into())
        .unwrap();
    assert_eq!(sub.duration_ms, Some(3_500));
    assert_eq!((sub.task_id, sub.submission_id.as_str()), (10, "id-a"));
    s.apply(Event::Submitted {
        now_ms: 5_000.0,
        queued: &[10],
    });
    assert_eq!(s.phase(), Phase::Working);
    assert_eq!(s.task_progress().as_deref(), Some("task 2 of 2"));
    assert_eq!(s.job_progress().as_deref(), Some("4 of 8 images done"));
    assert_eq!(s.current_task().unwrap().task_id, 11);
    assert!(
        !s.apply(Event::LeaseWanted),
        "no lease while a task is on screen"
    );
}

#[test]
fn the_last_task_of_a_batch_waits_for_the_outbox_then_the_next_batch_is_leased() {
    let mut s = working(&[10], &[]);
    s.prepare_submission(TaskAnswer::new(result(10, 1)), 2_000.0, "id-a".into())
        .unwrap();
    assert!(s.apply(Event::Submitted {
        now_ms: 2_100.0,
        queued: &[10]
    }));
    assert_eq!(s.phase(), Phase::Syncing);
    assert!(
        !s.apply(Event::Submitted {
            now_ms: 2_150.0,
            queued: &[10]
        }),
        "nothing on screen to submit"
    );
    assert_eq!(s.status(), "Saving your work…");
    assert!(s.current_task().is_none());
    assert!(s
        .prepare_submission(TaskAnswer::new(result(10, 1)), 2_000.0, "id-b".into())
        .is_none());
    assert!(s.apply(Event::LeaseWanted));
    s.apply(Event::Leased {
        answer: Ok(batch(&[], true)),
        now_ms: 2_200.0,
        queued: &[10],
    });
    assert_eq!(s.phase(), Phase::Done);
}

#[test]
fn a_resumed_batch_skips_the_tasks_already_in_the_outbox() {
    let s = working(&[10, 11, 12], &[10, 12]);
    assert_eq!(s.current_task().unwrap().task_id, 11);
    assert_eq!(s.task_progress().as_deref(), Some("task 2 of 3"));
    assert_eq!(s.batch_task_ids(), vec![10, 11, 12]);

    let all_queued = working(&[10, 11], &[10, 11, 99]);
    assert_eq!(all_queued.phase(), Phase::Syncing);
    assert!(all_queued.current_task().is_none());
}

#[test]
fn a_discarded_submission_brings_its_task_back() {
    let mut s = working(&[10, 11], &[]);
    s.apply(Event::Submitted {
        now_ms: 2_000.0,
        queued: &[10],
    });
    s.apply(Event::Submitted {
        now_ms: 3_000.0,
        queued: &[10, 11],
    });
    assert_eq!(s.phase(), Phase::Syncing);
    assert!(!s.apply(Event::TaskReturned {
        now_ms: 4_000.0,
        queued: &[10, 11]
    }));
    assert_eq!(s.phase(), Phase::Syncing, "nothing came back");
    assert!(s.apply(Event::TaskReturned {
        now_ms: 4_000.0,
        queued: &[11]
    }));
    assert_eq!(s.phase(), Phase::Working);
    assert_eq!(s.current_task().unwrap().task_id, 10);
    assert_eq!(s.job_progress().as_deref(), Some("4 of 8 images done"));
}

#[test]
fn an_empty_batch_that_is_not_done_means_nothing_is_free_now() {
    let mut s = working(&[], &[]);
    assert_eq!(s.phase(), Phase::NothingFreeNow);
    assert!(s.apply(Event::LeaseWanted));
    assert_eq!(s.phase(), Phase::Leasing);
}

#[test]
fn a_failed_lease_shows_the_error_and_can_be_retried() {
    let mut s = Session::new(Some("nope".into()), "w1".into(), Words::default());
    s.apply(Event::Leased {
        answer: Err(server_error("no job named nope")),
        now_ms: 0.0,
        queued: &[],
    });
    assert_eq!(s.phase(), Phase::LeaseFailed);
    assert_eq!(s.error(), Some("no job named nope"));
    assert!(s.apply(Event::LeaseWanted));
    assert_eq!(s.error(), None);
    s.apply(Event::LeaseRetrying(&server_error("offline")));
    assert_eq!(s.phase(), Phase::Leasing);
    assert_eq!(s.error(), Some("offline"));
}

#[test]
fn the_draft_key_names_the_job_the_worker_and_the_task_on_screen() {
    let mut s = working(&[10, 11], &[]);
    assert_eq!(
        s.draft_key(),
        Some(DraftKey {
            job: "demo".into(),
            worker_id: "w1".into(),
            task_id: 10,
        })
    );
    s.apply(Event::Submitted {
        now_ms: 2_000.0,
        queued: &[10],
    });
    assert_eq!(s.draft_key().map(|k| k.task_id), Some(11));
    s.apply(Event::Submitted {
        now_ms: 3_000.0,
        queued: &[10, 11],
    });
    assert_eq!(s.draft_key(), None, "no task on screen, no draft");
}

#[test]
fn the_status_line_and_progress_speak_the_hosts_words() {
    let words = Words::new(vec![
        ("task_progress".into(), "Bild {n}/{total}".into()),
        ("saving".into(), "Speichern…".into()),
    ]);
    let mut s = Session::new(Some("demo".into()), "w1".into(), words);
    s.apply(Event::LeaseWanted);
    s.apply(Event::Leased {
        answer: Ok(batch(&[10], false)),
        now_ms: 0.0,
        queued: &[],
    });
    assert_eq!(s.task_progress().as_deref(), Some("Bild 1/1"));
    assert_eq!(
        s.job_progress().as_deref(),
        Some("3 of 8 images done"),
        "words the host left alone stay English"
    );
    s.apply(Event::Submitted {
        now_ms: 1.0,
        queued: &[10],
    });
    assert_eq!(s.status(), "Speichern…");
}

#[test]
fn an_invite_entered_again_and_news_from_the_editor_are_kept() {
    let mut s = working(&[10], &[]).with_invite(Some("old".into()));
    assert!(s.apply(Event::InviteEntered(Some("new".into()))));
    assert_eq!(s.invite(), Some("new"));
    assert!(s.apply(Event::Announced("Undid: move box 1".into())));
    assert_eq!(s.status(), "Undid: move box 1");
}
