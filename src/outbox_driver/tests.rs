//! The outbox's storage in the browser's localStorage (its rules are tested natively in core).

use super::*;
use crowdbox_core::wire::{CocoResult, Submission};
use crowdbox_core::worker::outbox_storage_key;
use wasm_bindgen_test::wasm_bindgen_test as test;

fn queued(ids: &[(&str, u64)]) -> SyncState {
    let mut s = SyncState::default();
    for (id, task) in ids {
        let submission = Submission {
            submission_id: (*id).into(),
            worker_id: "w1".into(),
            task_id: *task,
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
        };
        s.enqueue(&submission, "/api/jobs/demo/submissions", 1_000)
            .unwrap();
    }
    s
}

#[test]
fn the_outbox_survives_a_reload_through_local_storage_and_bad_text_is_kept_aside() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let key = outbox_storage_key("outbox-test", "w1");
    let mut s = queued(&[("a", 10)]);
    s.saved = 3;
    save(&storage, &key, &s).unwrap();
    assert_eq!(load(&storage, &key), s);

    storage.set_item(&key, "{broken").unwrap();
    assert_eq!(load(&storage, &key), SyncState::default());
    assert_eq!(
        storage
            .get_item(&format!("{key}.unreadable"))
            .unwrap()
            .as_deref(),
        Some("{broken")
    );
    storage.remove_item(&key).unwrap();
    storage.remove_item(&format!("{key}.unreadable")).unwrap();
}
