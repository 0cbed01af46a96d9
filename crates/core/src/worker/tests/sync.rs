//! The outbox's rules on the volunteer's side, with made-up server answers.

use crate::outbox::{AttemptOutcome, OutboxEntry, RetryPolicy};
use crate::wire::{CocoResult, Receipt, Submission};
use crate::worker::{outbox_storage_key, outcome_of, ApiError, Refused, SyncCounts, SyncState};

const URL: &str = "/api/jobs/demo/submissions";

fn submission(id: &str, task_id: u64) -> Submission {
    Submission {
        submission_id: id.into(),
        worker_id: "w1".into(),
        task_id,
        duration_ms: Some(1234),
        outcome: Default::default(),
        note: None,
        changes: Vec::new(),
        verdicts: Vec::new(),
        result: CocoResult {
            images: vec![],
            annotations: vec![],
            categories: vec![],
        },
    }
}

fn receipt(id: &str) -> Result<Receipt, ApiError> {
    Ok(Receipt {
        submission_id: id.into(),
        task_id: 1,
        annotations_stored: 0,
        stored_at: 0,
    })
}

fn refusal(status: Option<u16>, code: &str, message: &str) -> Result<Receipt, ApiError> {
    Err(ApiError {
        status,
        code: (!code.is_empty())
            .then(|| serde_json::from_value(serde_json::Value::from(code)).unwrap()),
        message: message.into(),
    })
}

fn queued(ids: &[(&str, u64)]) -> SyncState {
    let mut s = SyncState::default();
    for (id, task) in ids {
        s.enqueue(&submission(id, *task), URL, 1_000).unwrap();
    }
    s
}

fn entry<'a>(s: &'a SyncState, id: &str) -> &'a OutboxEntry {
    s.outbox
        .entries
        .iter()
        .find(|e| e.submission_id == id)
        .unwrap()
}

#[test]
fn a_queued_submission_is_sent_as_the_same_bytes_until_stored() {
    let policy = RetryPolicy::default();
    let mut s = queued(&[("a", 10)]);
    let body = entry(&s, "a").body.clone();
    assert_eq!(
        serde_json::from_str::<Submission>(&body).unwrap(),
        submission("a", 10)
    );
    assert_eq!(s.queued_tasks(), vec![10]);
    assert!(s.holds_unstored(&[10]));
    s.record_answer("a", &refusal(None, "", "offline"), &policy, 1_000, 0.5);
    s.record_answer(
        "a",
        &refusal(Some(503), "timeout", "busy"),
        &policy,
        2_000,
        0.5,
    );
    assert_eq!(s.counts().waiting, 1);
    assert_eq!(s.outbox.due(2_000).count(), 0, "backs off");
    assert_eq!(
        entry(&s, "a").body,
        body,
        "a retry sends the very same body"
    );
    s.record_answer("a", &receipt("a"), &policy, 9_000, 0.5);
    s.record_answer("a", &receipt("a"), &policy, 9_500, 0.5);
    assert_eq!(
        s.counts(),
        SyncCounts {
            saved: 1,
            ..SyncCounts::default()
        },
        "a repeated receipt is counted once"
    );
    assert!(!s.holds_unstored(&[10]));
    assert_eq!(
        s.queued_tasks(),
        vec![10],
        "a stored task is not boxed again"
    );
}

#[test]
fn answers_map_to_outcomes_the_retry_policy_understands() {
    assert_eq!(outcome_of(&receipt("a")), AttemptOutcome::Status(200));
    assert_eq!(
        outcome_of(&refusal(None, "", "offline")),
        AttemptOutcome::NetworkError
    );
    assert_eq!(
        outcome_of(&refusal(Some(409), "task_already_submitted", "x")),
        AttemptOutcome::Status(200),
        "the server already holds this volunteer's result"
    );
    assert_eq!(
        outcome_of(&refusal(Some(409), "submission_id_reused", "x")),
        AttemptOutcome::Status(409)
    );
    assert_eq!(
        outcome_of(&refusal(Some(429), "rate_limited", "x")),
        AttemptOutcome::Status(429)
    );
}

#[test]
fn a_refused_submission_is_kept_with_the_message_until_the_volunteer_decides() {
    let policy = RetryPolicy::default();
    let mut s = queued(&[("a", 10), ("b", 11)]);
    let bbox = "bbox is outside the image (field: result.annotations[0].bbox)";
    s.record_answer(
        "a",
        &refusal(Some(422), "invalid_field", bbox),
        &policy,
        2_000,
        0.0,
    );
    assert_eq!(s.counts().rejected, 1);
    assert_eq!(s.counts().waiting, 1);
    assert_eq!(
        s.refused(),
        vec![Refused {
            submission_id: "a".into(),
            task_id: Some(10),
            status: 422,
            message: bbox.into(),
        }]
    );
    assert!(
        s.holds_unstored(&[10]),
        "a refused task blocks the next batch"
    );
    assert_eq!(s.outbox.due(1_000_000).count(), 1, "only b is sent again");

    s.retry("a", 3_000);
    assert_eq!(s.outbox.due(3_000).count(), 2);
    s.record_answer(
        "a",
        &refusal(Some(422), "invalid_field", bbox),
        &policy,
        3_100,
        0.0,
    );
    assert_eq!(
        s.discard("b"),
        None,
        "only refused entries can be discarded"
    );
    let back = s.discard("a").expect("the refused content is handed back");
    assert_eq!(back.task_id, 10);
    assert!(back.result.annotations.is_empty());
    assert_eq!(s.queued_tasks(), vec![11]);
    assert!(s.refused().is_empty());
}

#[test]
fn an_expired_invite_waits_and_is_sent_after_reauthentication() {
    let policy = RetryPolicy::default();
    let mut s = queued(&[("a", 10)]);
    s.record_answer(
        "a",
        &refusal(Some(401), "invite_required", "invite please"),
        &policy,
        2_000,
        0.0,
    );
    assert_eq!(s.counts().needs_auth, 1);
    assert_eq!(s.counts().summary(), "1 waiting for your invite · 0 saved");
    assert_eq!(s.outbox.due(i64::MAX).count(), 0);
    assert_eq!(s.outbox.unsent(), 1, "the tab warns before closing");
    s.outbox.resume_after_auth(3_000);
    assert_eq!(s.outbox.due(3_000).count(), 1);
}

#[test]
fn the_summary_names_what_waits_and_what_is_saved() {
    let c = SyncCounts {
        waiting: 2,
        needs_auth: 0,
        rejected: 1,
        saved: 14,
    };
    assert_eq!(c.summary(), "2 waiting to send · 1 not accepted · 14 saved");
    assert_eq!(SyncCounts::default().summary(), "0 saved");
}

#[test]
fn stored_submissions_of_earlier_batches_are_forgotten_but_unstored_ones_never() {
    let policy = RetryPolicy::default();
    let mut s = queued(&[("a", 10), ("b", 11), ("c", 12)]);
    s.record_answer("a", &receipt("a"), &policy, 2_000, 0.0);
    s.record_answer("b", &receipt("b"), &policy, 2_000, 0.0);
    s.forget_stored_except(&[11, 20]);
    assert_eq!(s.queued_tasks(), vec![11, 12]);
    assert_eq!(s.saved, 2);
}

#[test]
fn outbox_keys_keep_jobs_and_workers_apart() {
    assert_eq!(
        outbox_storage_key("demo", "w1"),
        "crowdbox.outbox.4.w1.demo"
    );
    assert_ne!(
        outbox_storage_key("outbox-test", "w1"),
        outbox_storage_key("outbox-test.w1", "")
    );
}
