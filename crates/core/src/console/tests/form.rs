use std::collections::BTreeMap;

use crate::console::form::*;
use crate::owner::{JobOverview, JobPatch, LeaseOrder};
use crate::quality::JobQuality;
use crate::wire::TaskMode;

/// A job as the API lists it, for editing (also the examples' tests, `form_examples.rs`).
pub(super) fn job() -> JobOverview {
    JobOverview {
        name: "birds".into(),
        labels: vec!["gull".into(), "tern".into()],
        mode: TaskMode::Draw,
        instructions: "Box every bird.".into(),
        workers_per_image: 2,
        batch_size: 5,
        lease_seconds: 600,
        allow_carry_forward: false,
        requires_invite: false,
        label_targets: BTreeMap::new(),
        quality: Default::default(),
        order: Default::default(),
        examples: Vec::new(),
        images_total: 0,
        images_done: 0,
        images_in_progress: 0,
        images_waiting: 0,
        submissions: 0,
    }
}

#[test]
fn a_filled_form_becomes_the_new_job_and_empty_numbers_leave_the_servers_defaults() {
    let form = JobForm {
        name: " birds ".into(),
        labels: "gull, tern\n\nheron\n".into(),
        instructions: "  Box every bird.  ".into(),
        mode: TaskMode::Adjust,
        workers_per_image: "3".into(),
        good_examples: "https://example.org/good.jpg\n".into(),
        ..JobForm::default()
    };
    let new = form.new_job().unwrap();
    assert_eq!(new.name, "birds");
    assert_eq!(new.labels, ["gull", "tern", "heron"]);
    assert_eq!(new.instructions.as_deref(), Some("Box every bird."));
    assert_eq!(
        (new.workers_per_image, new.batch_size, new.lease_seconds),
        (Some(3), None, None)
    );
    assert_eq!(new.mode, Some(TaskMode::Adjust));
    assert_eq!(new.good_examples, ["https://example.org/good.jpg"]);
}

#[test]
fn a_wrong_field_is_named_with_what_is_wrong() {
    let base = JobForm {
        name: "birds".into(),
        labels: "gull".into(),
        ..JobForm::default()
    };
    let field_of = |form: JobForm| form.new_job().unwrap_err();
    assert_eq!(
        field_of(JobForm {
            name: " ".into(),
            ..base.clone()
        })
        .field,
        "name"
    );
    assert_eq!(
        field_of(JobForm {
            name: "a/b".into(),
            ..base.clone()
        })
        .field,
        "name"
    );
    let twice = field_of(JobForm {
        labels: "gull,tern,gull".into(),
        ..base.clone()
    });
    assert_eq!(
        (twice.field, twice.message.as_str()),
        ("labels", "the label \"gull\" is there twice")
    );
    assert_eq!(
        field_of(JobForm {
            labels: " , ".into(),
            ..base.clone()
        })
        .field,
        "labels"
    );
    let zero = field_of(JobForm {
        batch_size: "0".into(),
        ..base.clone()
    });
    assert_eq!(zero.field, "batch_size");
    assert!(zero.message.contains("\"0\""), "{}", zero.message);
    assert_eq!(
        field_of(JobForm {
            lease_seconds: "ten".into(),
            ..base.clone()
        })
        .field,
        "lease_seconds"
    );
    assert_eq!(
        field_of(JobForm {
            bad_examples: "/etc/passwd".into(),
            ..base
        })
        .field,
        "bad_examples"
    );
}

#[test]
fn editing_sends_only_the_settings_that_changed() {
    let job = job();
    let unchanged = JobForm::of(&job);
    assert_eq!(unchanged.patch(&job).unwrap(), JobPatch::default());
    let edited = JobForm {
        instructions: "Box every bird, even far ones.".into(),
        batch_size: "10".into(),
        mode: TaskMode::Verify,
        ..JobForm::of(&job)
    };
    assert_eq!(
        edited.patch(&job).unwrap(),
        JobPatch {
            instructions: Some("Box every bird, even far ones.".into()),
            batch_size: Some(10),
            mode: Some(TaskMode::Verify),
            ..JobPatch::default()
        }
    );
    let emptied = JobForm {
        workers_per_image: String::new(),
        ..JobForm::of(&job)
    };
    assert_eq!(emptied.patch(&job).unwrap_err().field, "workers_per_image");
}

#[test]
fn the_quality_settings_and_the_order_go_into_the_new_job_and_empty_ones_keep_the_servers_defaults()
{
    let base = JobForm {
        name: "birds".into(),
        labels: "gull".into(),
        ..JobForm::default()
    };
    let plain = base.new_job().unwrap();
    assert_eq!(
        (plain.gold_rate, plain.block_below, plain.min_gold_tasks),
        (None, None, None)
    );
    assert_eq!(
        (plain.min_workers_per_image, plain.agreement_iou),
        (None, None)
    );
    assert_eq!((plain.finish_first, plain.order), (None, None));
    let quality = JobForm {
        workers_per_image: "4".into(),
        gold_rate: " 0.25 ".into(),
        block_below: ".6".into(),
        min_gold_tasks: "3".into(),
        min_workers_per_image: "2".into(),
        agreement_iou: "0.8".into(),
        finish_first: true,
        order: LeaseOrder::UncertainFirst,
        ..base
    }
    .new_job()
    .unwrap();
    assert_eq!(quality.gold_rate, Some(0.25));
    assert_eq!(quality.block_below, Some(0.6));
    assert_eq!(quality.min_gold_tasks, Some(3));
    assert_eq!(quality.min_workers_per_image, Some(2));
    assert_eq!(quality.agreement_iou, Some(0.8));
    assert_eq!(quality.finish_first, Some(true));
    assert_eq!(quality.order, Some(LeaseOrder::UncertainFirst));
}

/// A change to the form.
type Change = fn(&mut JobForm);

#[test]
fn a_quality_setting_that_does_not_fit_is_named_by_its_field() {
    let base = JobForm {
        name: "birds".into(),
        labels: "gull".into(),
        workers_per_image: "3".into(),
        ..JobForm::default()
    };
    let cases: [(Change, &str, &str); 7] = [
        (|f| f.gold_rate = "0.6".into(), "gold_rate", "0.6"),
        (
            |f| f.gold_rate = "a tenth".into(),
            "gold_rate",
            "\"a tenth\"",
        ),
        (|f| f.block_below = "1.5".into(), "block_below", "1.5"),
        (|f| f.min_gold_tasks = "0".into(), "min_gold_tasks", "\"0\""),
        // More agreeing workers than the job's workers per image.
        (
            |f| f.min_workers_per_image = "4".into(),
            "min_workers_per_image",
            "4",
        ),
        (|f| f.agreement_iou = "0".into(), "agreement_iou", "0"),
        (|f| f.agreement_iou = "NaN".into(), "agreement_iou", "NaN"),
    ];
    for (change, field, shown) in cases {
        let mut form = base.clone();
        change(&mut form);
        let error = form.new_job().unwrap_err();
        assert_eq!(error.field, field, "{form:?}");
        assert!(error.message.contains(shown), "{}", error.message);
        // Editing a job refuses it the same way.
        let mut edited = JobForm::of(&job());
        change(&mut edited);
        edited.workers_per_image = "3".into();
        assert_eq!(edited.patch(&job()).unwrap_err().field, field, "{edited:?}");
    }
    // Without workers per image the form leaves the most to the server's default (the server checks it).
    let adaptive = JobForm {
        workers_per_image: String::new(),
        min_workers_per_image: "4".into(),
        ..base
    };
    assert_eq!(adaptive.new_job().unwrap().min_workers_per_image, Some(4));
}

#[test]
fn editing_quality_sends_what_changed_and_emptying_blocking_or_adaptive_sends_null() {
    let mut job = job();
    job.workers_per_image = 3;
    job.quality = JobQuality {
        gold_rate: 0.2,
        block_below: Some(0.5),
        min_gold_tasks: 4,
        min_workers_per_image: Some(2),
        agreement_iou: 0.75,
        finish_first: true,
    };
    let form = JobForm::of(&job);
    assert_eq!(
        (form.gold_rate.as_str(), form.block_below.as_str()),
        ("0.2", "0.5")
    );
    assert_eq!(
        (
            form.min_gold_tasks.as_str(),
            form.min_workers_per_image.as_str()
        ),
        ("4", "2")
    );
    assert_eq!(form.agreement_iou, "0.75");
    assert_eq!(form.patch(&job).unwrap(), JobPatch::default());
    let off = JobForm {
        block_below: " ".into(),
        min_workers_per_image: String::new(),
        ..form.clone()
    };
    let patch = off.patch(&job).unwrap();
    assert_eq!(
        patch,
        JobPatch {
            block_below: Some(None),
            min_workers_per_image: Some(None),
            ..JobPatch::default()
        }
    );
    // `null` is what the API reads as "turn it off".
    let json = serde_json::to_value(&patch).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"block_below": null, "min_workers_per_image": null})
    );
    let changed = JobForm {
        gold_rate: "0.3".into(),
        block_below: "0.7".into(),
        min_gold_tasks: "6".into(),
        agreement_iou: "0.9".into(),
        finish_first: false,
        order: LeaseOrder::UncertainFirst,
        ..form.clone()
    };
    assert_eq!(
        changed.patch(&job).unwrap(),
        JobPatch {
            gold_rate: Some(0.3),
            block_below: Some(Some(0.7)),
            min_gold_tasks: Some(6),
            agreement_iou: Some(0.9),
            finish_first: Some(false),
            order: Some(LeaseOrder::UncertainFirst),
            ..JobPatch::default()
        }
    );
    // Lowering workers per image below the adaptive minimum is refused on the adaptive field.
    let fewer = JobForm {
        workers_per_image: "1".into(),
        ..form.clone()
    };
    assert_eq!(
        fewer.patch(&job).unwrap_err().field,
        "min_workers_per_image"
    );
    let emptied = JobForm {
        gold_rate: String::new(),
        ..form
    };
    assert_eq!(emptied.patch(&job).unwrap_err().field, "gold_rate");
}

#[test]
fn a_servers_refusal_is_shown_at_the_field_it_names() {
    let at = |field: Option<&str>| FormError::from_server(field, "no").field;
    assert_eq!(at(Some("gold_rate")), "gold_rate");
    assert_eq!(at(Some("good_examples[1]")), "good_examples");
    assert_eq!(at(Some("min_workers_per_image")), "min_workers_per_image");
    assert_eq!(at(Some("settled_margin")), "");
    assert_eq!(at(None), "");
    assert_eq!(
        FormError::from_server(Some("name"), "taken").message,
        "taken"
    );
}
