//! Drafts in the browser's real localStorage (what a draft holds and restores is tested natively in core).

use super::*;
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::geometry::{ImageRect, ImageSize};
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn categories() -> Vec<CocoCategory> {
    ["driller", "hammer", "saw"]
        .iter()
        .zip(1..)
        .map(|(name, id)| CocoCategory {
            id,
            name: (*name).into(),
            supercategory: "tool".into(),
        })
        .collect()
}

fn editor() -> Editor {
    Editor::new(ImageSize::new(640.0, 480.0), categories())
}

fn key(job: &str, task_id: u64) -> DraftKey {
    DraftKey {
        job: job.into(),
        worker_id: "w-drafts".into(),
        task_id,
    }
}

#[test]
fn a_saved_draft_restores_the_same_boxes_and_label_into_a_new_editor() {
    let mut drawn = editor();
    drawn.load_boxes([
        (ImageRect::from_coco([10.5, 20.25, 100.0, 50.0]), 2),
        (ImageRect::from_coco([300.0, 200.0, 40.0, 30.0]), 3),
    ]);
    drawn.set_active_category(3);
    let store = LocalDrafts;
    let k = key("drafts-a", 7);
    store
        .save(&k, &Draft::of_editor(&drawn, "sub-1".into()))
        .unwrap();

    let loaded = store.load(&k).expect("the draft is in localStorage");
    assert_eq!(loaded.submission_id, "sub-1");
    let restored = loaded.restore(&editor());
    assert_eq!(restored.annotations(), drawn.annotations());
    assert_eq!(restored.active_category(), 3);
    assert!(
        !restored.can_undo(),
        "a restored draft is the starting point"
    );
    store.remove(&k);
    assert_eq!(store.load(&k), None);
}

#[test]
fn drafts_of_other_tasks_jobs_and_workers_are_kept_apart() {
    let store = LocalDrafts;
    let mut one_box = editor();
    one_box.load_boxes([(ImageRect::from_coco([1.0, 1.0, 5.0, 5.0]), 1)]);
    let a = key("drafts-b", 1);
    let b = key("drafts-b", 2);
    let c = key("drafts-b.1", 2);
    let other_worker = DraftKey {
        worker_id: "someone-else".into(),
        ..a.clone()
    };
    store
        .save(&a, &Draft::of_editor(&one_box, "a".into()))
        .unwrap();
    store
        .save(&b, &Draft::of_editor(&editor(), "b".into()))
        .unwrap();
    store
        .save(&c, &Draft::of_editor(&editor(), "c".into()))
        .unwrap();
    assert_eq!(store.load(&a).unwrap().boxes.len(), 1);
    assert_eq!(store.load(&b).unwrap().submission_id, "b");
    assert_eq!(store.load(&other_worker), None);
    assert_ne!(a.storage_key(), c.storage_key());

    store.prune("drafts-b", "w-drafts", &[2]);
    assert_eq!(
        store.load(&a),
        None,
        "a lease that went away loses its draft"
    );
    assert_eq!(store.load(&b).unwrap().submission_id, "b");
    assert_eq!(
        store.load(&c).unwrap().submission_id,
        "c",
        "another job's drafts stay"
    );
    store.remove(&b);
    store.remove(&c);
}

#[test]
fn a_task_without_a_draft_gets_a_fresh_id_and_a_drafted_task_keeps_its_own() {
    let store = LocalDrafts;
    let k = key("drafts-c", 3);
    store.remove(&k);
    let fresh = submission_id_for(&store, &k);
    assert_eq!(fresh.len(), 36);
    assert_ne!(fresh, submission_id_for(&store, &k));
    store
        .save(&k, &Draft::of_editor(&editor(), "kept".into()))
        .unwrap();
    assert_eq!(submission_id_for(&store, &k), "kept");
    store.remove(&k);
}

#[test]
fn a_corrupted_draft_is_ignored_rather_than_breaking_the_task() {
    let k = key("drafts-d", 9);
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(&k.storage_key(), "{not json").unwrap();
    assert_eq!(LocalDrafts.load(&k), None);
    LocalDrafts.remove(&k);
}
