//! Drafts' shape and keys: what a saved draft restores into a fresh editor, and which task a key names.

use crate::coco::CocoCategory;
use crate::editor::Editor;
use crate::geometry::{ImageRect, ImageSize};
use crate::worker::{Draft, DraftBox, DraftKey};

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

fn key(job: &str, worker_id: &str, task_id: u64) -> DraftKey {
    DraftKey {
        job: job.into(),
        worker_id: worker_id.into(),
        task_id,
    }
}

/// A draft as it comes back from storage: written as JSON and read again.
fn stored(draft: &Draft) -> Draft {
    serde_json::from_str(&serde_json::to_string(draft).unwrap()).unwrap()
}

#[test]
fn a_stored_draft_restores_the_same_boxes_and_label_into_a_new_editor() {
    let mut drawn = editor();
    drawn.load_boxes([
        (ImageRect::from_coco([10.5, 20.25, 100.0, 50.0]), 2),
        (ImageRect::from_coco([300.0, 200.0, 40.0, 30.0]), 3),
    ]);
    drawn.set_active_category(3);
    let loaded = stored(&Draft::of_editor(&drawn, "sub-1".into()));
    assert_eq!(loaded.submission_id, "sub-1");
    let restored = loaded.restore(&editor());
    assert_eq!(restored.annotations(), drawn.annotations());
    assert_eq!(restored.active_category(), 3);
    assert!(
        !restored.can_undo(),
        "a restored draft is the starting point"
    );
}

#[test]
fn a_draft_whose_label_the_job_no_longer_has_keeps_the_editors_label() {
    let mut draft = Draft::of_editor(&editor(), "x".into());
    draft.active_category = 99;
    assert_eq!(
        draft.restore(&editor()).active_category(),
        editor().active_category()
    );
}

#[test]
fn draft_keys_of_other_tasks_jobs_and_workers_are_kept_apart() {
    let a = key("drafts-b", "w", 1);
    let b = key("drafts-b", "w", 2);
    let c = key("drafts-b.1", "w", 2);
    let other_worker = key("drafts-b", "someone-else", 1);
    let keys = [&a, &b, &c, &other_worker].map(DraftKey::storage_key);
    for (i, k) in keys.iter().enumerate() {
        assert!(!keys[..i].contains(k), "{k} is made twice");
    }
    assert_eq!(
        DraftKey::task_in(&a.storage_key(), "drafts-b", "w"),
        Some(1)
    );
    assert_eq!(
        DraftKey::task_in(&b.storage_key(), "drafts-b", "w"),
        Some(2)
    );
    assert_eq!(
        DraftKey::task_in(&c.storage_key(), "drafts-b", "w"),
        None,
        "another job's draft is not this job's"
    );
    assert_eq!(
        DraftKey::task_in(&other_worker.storage_key(), "drafts-b", "w"),
        None
    );
    assert_eq!(
        DraftKey::task_in("crowdbox.outbox.8.w.drafts-b", "drafts-b", "w"),
        None
    );
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
fn a_stored_draft_keeps_what_became_of_the_given_boxes_and_the_verdicts() {
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
    let restored = stored(&Draft::of_editor(&edited, "o-1".into())).restore(&given());
    assert_eq!(restored.changes(), edited.changes());

    let mut judged = given();
    judged.set_read_only(true);
    judged.set_verdict(2, false);
    judged.set_verdict_reason(2, "blurred");
    let mut fresh = given();
    fresh.set_read_only(true);
    let restored = stored(&Draft::of_editor(&judged, "v-1".into())).restore(&fresh);
    assert_eq!(restored.verdict(2), Some((false, "blurred")));
    assert!(restored.is_read_only());
}
