use std::collections::BTreeMap;

use crate::console::form::*;
use crate::owner::{JobOverview, JobPatch};
use crate::wire::TaskMode;

fn job() -> JobOverview {
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
