//! The job form's example images (`console::form::examples`).

use super::form::job;
use crate::console::form::*;
use crate::owner::{ExampleFile, ExampleSrc, JobExample, JobOverview, JobPatch};
use crate::wire::ExampleKind;

const HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn example(kind: ExampleKind, src: &str, url: &str) -> JobExample {
    JobExample {
        kind,
        src: src.into(),
        url: url.into(),
    }
}

#[test]
fn an_example_src_is_an_http_url_or_a_stored_files_sha256() {
    assert_eq!(
        ExampleSrc::parse("https://e.org/a.jpg"),
        Ok(ExampleSrc::Url("https://e.org/a.jpg"))
    );
    assert_eq!(
        ExampleSrc::parse(&format!("sha256:{HASH}")),
        Ok(ExampleSrc::Stored(HASH))
    );
    for wrong in [
        "/etc/passwd",
        "good.png",
        "sha256:abc",
        "sha256:../../../../etc/passwd",
        &format!("sha256:{}", HASH.to_uppercase()),
    ] {
        let error = ExampleSrc::parse(wrong).unwrap_err();
        assert!(error.contains(&format!("{wrong:?}")), "{error}");
    }
}

#[test]
fn adding_and_removing_examples_patches_each_kind_that_changed_and_only_those() {
    let stored = format!("sha256:{HASH}");
    let job = JobOverview {
        examples: vec![
            example(ExampleKind::Good, &stored, "/api/jobs/birds/examples/0"),
            example(
                ExampleKind::Bad,
                "https://e.org/bad.jpg",
                "https://e.org/bad.jpg",
            ),
        ],
        ..job()
    };
    let mut form = JobForm::of(&job);
    assert_eq!(form.examples, job.examples);
    assert_eq!(form.patch(&job).unwrap(), JobPatch::default());

    // A new good one by address: the good list is sent whole, the bad one not at all.
    form.add_example_url(ExampleKind::Good, " https://e.org/gull.jpg ")
        .unwrap();
    assert_eq!(
        form.patch(&job).unwrap(),
        JobPatch {
            good_examples: Some(vec![stored.clone(), "https://e.org/gull.jpg".into()]),
            ..JobPatch::default()
        }
    );
    // The same image again is not a second example.
    form.add_example_url(ExampleKind::Good, "https://e.org/gull.jpg")
        .unwrap();
    assert_eq!(form.examples.len(), 3);

    // An uploaded file shows from its local preview and is sent by its sha256.
    let other = "f".repeat(64);
    let file = ExampleFile {
        src: format!("sha256:{other}"),
        mime: "image/png".into(),
        width: 4,
        height: 3,
    };
    form.add_example_file(ExampleKind::Bad, &file, "blob:preview".into());
    assert_eq!(form.examples[3].url, "blob:preview");
    form.remove_example(0);
    form.remove_example(99);
    let patch = form.patch(&job).unwrap();
    assert_eq!(
        patch,
        JobPatch {
            good_examples: Some(vec!["https://e.org/gull.jpg".into()]),
            bad_examples: Some(vec![
                "https://e.org/bad.jpg".into(),
                format!("sha256:{other}")
            ]),
            ..JobPatch::default()
        }
    );

    // Removing every bad one sends an empty list, which the API reads as "none".
    let mut cleared = JobForm::of(&job);
    cleared.remove_example(1);
    let json = serde_json::to_value(cleared.patch(&job).unwrap()).unwrap();
    assert_eq!(json, serde_json::json!({"bad_examples": []}));
}

#[test]
fn an_example_address_that_is_no_http_url_is_refused_at_its_kinds_field() {
    let mut form = JobForm::of(&job());
    let wrong = form
        .add_example_url(ExampleKind::Bad, "file:///etc/passwd")
        .unwrap_err();
    assert_eq!(wrong.field, "bad_examples");
    assert!(
        wrong.message.contains("file:///etc/passwd"),
        "{}",
        wrong.message
    );
    assert_eq!(
        form.add_example_url(ExampleKind::Good, "  ")
            .unwrap_err()
            .field,
        "good_examples"
    );
    assert!(form.examples.is_empty(), "nothing was added");
    assert_eq!(
        FormError::from_server(Some("good_examples[2]"), "no").field,
        "good_examples"
    );
}

#[test]
fn each_example_is_called_by_its_kind_and_its_place_among_that_kind() {
    let examples = [
        example(ExampleKind::Good, "https://e.org/1.jpg", ""),
        example(ExampleKind::Bad, "https://e.org/2.jpg", ""),
        example(ExampleKind::Good, "https://e.org/3.jpg", ""),
    ];
    let titles: Vec<String> = (0..4).map(|i| example_title(&examples, i)).collect();
    assert_eq!(
        titles,
        ["Good example 1", "Bad example 1", "Good example 2", ""]
    );
}
