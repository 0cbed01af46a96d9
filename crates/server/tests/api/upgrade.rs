//! Today's server opens a database made by the release at commit f78db8f (`tests/fixtures/release-f78db8f`,
//! made by its `make_fixture.py`), migrates it, and loses nothing: every export is what that release exported,
//! and leasing and submitting go on where they stopped.

use std::path::{Path, PathBuf};

use axum::http::StatusCode;

use crate::cli_support::{crowdbox, stdout};
use crate::helpers::{submission_for, TestApp};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-f78db8f")
}

/// Drops what depends on the day of the export (COCO's `info.year` and `info.date_created`, Ground Truth's
/// `creation-date`).
pub fn undated(mut value: serde_json::Value) -> serde_json::Value {
    match &mut value {
        serde_json::Value::Object(map) => {
            for key in ["year", "date_created", "creation-date"] {
                map.remove(key);
            }
            for (_, inner) in map.iter_mut() {
                *inner = undated(inner.take());
            }
        }
        serde_json::Value::Array(items) => {
            for item in items.iter_mut() {
                *item = undated(item.take());
            }
        }
        _ => {}
    }
    value
}

pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| undated(serde_json::from_str(line).unwrap()))
        .collect()
}

#[tokio::test]
async fn a_database_of_the_last_release_opens_and_exports_exactly_what_it_did() {
    let app = TestApp::spawn_on_copy_of(&fixture().join("data")).await;
    let expected = fixture().join("expected");
    for job in ["tools", "pets", "closed"] {
        for (file, extra) in [
            (format!("{job}.coco.json"), &[][..]),
            (
                format!("{job}.consolidated.coco.json"),
                &["--consolidated"][..],
            ),
        ] {
            let mut args = vec!["export", "--job", job];
            args.extend_from_slice(extra);
            let now: serde_json::Value =
                serde_json::from_str(&stdout(&crowdbox(&app.storage, &args))).unwrap();
            let then: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(expected.join(&file)).unwrap())
                    .unwrap();
            assert_eq!(undated(now), undated(then), "{file}");
        }
        let now = stdout(&crowdbox(
            &app.storage,
            &["export", "--job", job, "--format", "groundtruth"],
        ));
        let then = std::fs::read_to_string(expected.join(format!("{job}.manifest"))).unwrap();
        assert_eq!(json_lines(&now), json_lines(&then), "{job}.manifest");
    }
    assert_eq!(
        stdout(&crowdbox(&app.storage, &["job", "list"])),
        std::fs::read_to_string(expected.join("jobs.txt")).unwrap()
    );
}

#[tokio::test]
async fn work_goes_on_in_an_upgraded_database() {
    let app = TestApp::spawn_on_copy_of(&fixture().join("data")).await;
    // w3's lease from the old server has run out long ago (the test clock is years later): the three images
    // nobody has finished are free.
    let batch = app.lease("tools", "w4").await;
    assert_eq!(batch.tasks.len(), 3);
    assert_eq!((batch.images_total, batch.images_done), (6, 3));
    for task in &batch.tasks {
        let submission = submission_for(&batch, task, "w4", &format!("w4-{}", task.task_id), &[]);
        assert_eq!(
            app.submit("tools", &submission).await.status,
            StatusCode::CREATED
        );
    }
    let response = app
        .post_json(
            "/api/jobs/closed/batches",
            &serde_json::json!({ "worker_id": "w1" }),
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNAUTHORIZED,
        "the closed job still wants an invite"
    );
    let stats: serde_json::Value = serde_json::from_str(&stdout(&crowdbox(
        &app.storage,
        &["stats", "--job", "tools", "--json"],
    )))
    .unwrap();
    assert_eq!(
        stats["images_done"], 3,
        "one more worker each: still short of two"
    );
    assert_eq!(stats["worker_count"], 3);
}
