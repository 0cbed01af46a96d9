//! Drafts in the browser's real localStorage.

use super::*;
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::geometry::ImageSize;
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
fn boxes_handed_back_by_a_refused_submission_become_a_draft_with_the_last_label_active() {
    let boxes = vec![
        DraftBox {
            bbox: [3.0, 4.0, 5.0, 6.0],
            category_id: 2,
            origin: None,
        },
        DraftBox {
            bbox: [30.0, 40.0, 5.0, 6.0],
            category_id: 3,
            origin: None,
        },
    ];
    let draft = Draft::of_boxes(boxes, "again".into());
    assert_eq!(draft.submission_id, "again");
    let restored = draft.restore(&editor());
    assert_eq!(restored.annotations().len(), 2);
    assert_eq!(
        restored.annotations()[0].rect.to_coco(),
        [3.0, 4.0, 5.0, 6.0]
    );
    assert_eq!(restored.annotations()[0].category_id, 2);
    assert_eq!(restored.active_category(), 3);
}

#[test]
fn a_corrupted_draft_is_ignored_rather_than_breaking_the_task() {
    let k = key("drafts-d", 9);
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(&k.storage_key(), "{not json").unwrap();
    assert_eq!(LocalDrafts.load(&k), None);
    LocalDrafts.remove(&k);
}

#[test]
fn a_draft_kept_through_local_storage_keeps_what_became_of_the_given_boxes_and_the_verdicts() {
    let given = || {
        let mut e = editor();
        e.load_given_boxes([
            (1, ImageRect::from_coco([10.0, 10.0, 50.0, 50.0]), 1),
            (2, ImageRect::from_coco([100.0, 100.0, 50.0, 50.0]), 2),
        ]);
        e
    };
    let mut edited = given();
    edited.select(Some(2));
    edited.delete_selected();
    edited.load_boxes([(ImageRect::from_coco([300.0, 300.0, 20.0, 20.0]), 3)]);
    let store = LocalDrafts;
    let k = key("origins", 1);
    store
        .save(&k, &Draft::of_editor(&edited, "o-1".into()))
        .unwrap();
    let restored = store.load(&k).expect("saved").restore(&given());
    assert_eq!(restored.changes(), edited.changes());
    store.remove(&k);

    let mut judged = given();
    judged.set_read_only(true);
    judged.set_verdict(2, false);
    judged.set_verdict_reason(2, "blurred");
    let k = key("verdicts", 1);
    store
        .save(&k, &Draft::of_editor(&judged, "v-1".into()))
        .unwrap();
    let mut fresh = given();
    fresh.set_read_only(true);
    let restored = store.load(&k).expect("saved").restore(&fresh);
    assert_eq!(restored.verdict(2), Some((false, "blurred")));
    assert!(restored.is_read_only());
    store.remove(&k);
}
