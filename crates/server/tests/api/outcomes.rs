//! What a submission says beyond its boxes (issue 3): typed outcomes, the per-box change record, verify jobs'
//! verdicts, and the job settings and example images a batch carries.

use crowdbox_core::editor::{BoxChange, ChangeKind};
use crowdbox_core::wire::{ExampleKind, Outcome, TaskMode, Verdict};

use crate::cli_support::{coco_check, run_err, run_ok, unusable_example_files, write_pngs};
use crate::helpers::{png_fixture, submission_for, TestApp};

const COCO: &str = r#"{"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30},
                                  {"id": 2, "file_name": "b.png", "width": 20, "height": 10}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 8]},
                 {"id": 2, "image_id": 1, "category_id": 2, "bbox": [20, 10, 10, 10]}],
 "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}]}"#;

/// Job `name` (mode `mode`, labels cat and dog) with two images; image a.png comes with two given boxes.
async fn job_with_given_boxes(app: &TestApp, name: &str, mode: &str) {
    let root = app.dir.path().join(name);
    write_pngs(&root, &[("a.png", 40, 30), ("b.png", 20, 10)]);
    let file = root.join("instances.json");
    std::fs::write(&file, COCO).unwrap();
    let good = root.join("good.png");
    std::fs::write(&good, png_fixture(12, 9, 200)).unwrap();
    run_ok(
        app,
        &[
            "job",
            "create",
            "--name",
            name,
            "--labels",
            "cat,dog",
            "--mode",
            mode,
            "--allow-carry-forward",
            "--good-example",
            good.to_str().unwrap(),
            "--bad-example",
            "https://example.org/bad.jpg",
        ],
    );
    let coco = file.to_str().unwrap();
    run_ok(
        app,
        &["import", "--job", name, "--coco", coco, "--as", "pre"],
    );
}

fn export_coco(app: &TestApp, job: &str) -> serde_json::Value {
    let out = app.dir.path().join(format!("{job}.json"));
    let out = out.to_str().unwrap();
    run_ok(
        app,
        &["export", "--job", job, "--format", "coco", "--output", out],
    );
    coco_check(std::path::Path::new(out));
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[tokio::test]
async fn a_batch_carries_the_jobs_mode_carry_forward_and_example_images() {
    let app = TestApp::spawn().await;
    job_with_given_boxes(&app, "check", "verify").await;
    let batch = app.lease("check", "worker-a").await;
    assert_eq!(batch.mode, TaskMode::Verify);
    assert!(batch.allow_carry_forward);
    let kinds: Vec<ExampleKind> = batch.examples.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [ExampleKind::Good, ExampleKind::Bad]);
    assert_eq!(batch.examples[0].url, "/api/jobs/check/examples/0");
    assert_eq!(batch.examples[1].url, "https://example.org/bad.jpg");

    let served = app.get(&batch.examples[0].url).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "image/png");
    assert_eq!(served.body, png_fixture(12, 9, 200));
    let missing = app.get("/api/jobs/check/examples/1").await;
    assert_eq!(missing.status, 404, "a URL example is not served");
    assert_eq!(missing.error().code, "example_not_found");
    assert_eq!(app.get("/api/jobs/check/examples/x").await.status, 404);
    assert_eq!(
        app.get("/api/jobs/nope/examples/0").await.error().code,
        "job_not_found"
    );
}

#[tokio::test]
async fn a_missing_or_broken_example_file_refuses_the_job_and_names_the_file() {
    let app = TestApp::spawn().await;
    for (path, says) in unusable_example_files(&app) {
        let error = run_err(
            &app,
            &[
                "job",
                "create",
                "--name",
                "x",
                "--labels",
                "a",
                "--good-example",
                &path,
            ],
        );
        assert!(error.contains(says) && error.contains(&path), "{error}");
    }
    assert!(run_ok(&app, &["job", "list"])
        .lines()
        .all(|l| !l.starts_with("x ")));
}

#[tokio::test]
async fn typed_outcomes_are_stored_and_counted_per_image_in_the_exports() {
    let app = TestApp::spawn().await;
    job_with_given_boxes(&app, "tools", "draw").await;
    let batch = app.lease("tools", "worker-a").await;
    let (a, b) = (&batch.tasks[0], &batch.tasks[1]);

    let mut unreadable = submission_for(&batch, b, "worker-a", "s-b", &[]);
    unreadable.outcome = Outcome::ImageUnreadable;
    unreadable.note = Some("all black".into());
    assert_eq!(app.submit("tools", &unreadable).await.status, 201);
    let mut unsure = submission_for(&batch, a, "worker-a", "s-a", &[(1, [1.0, 2.0, 10.0, 8.0])]);
    unsure.outcome = Outcome::Unsure;
    unsure.changes = vec![
        BoxChange {
            origin: Some(1),
            annotation: Some(1),
            kind: ChangeKind::Kept,
        },
        BoxChange {
            origin: Some(2),
            annotation: None,
            kind: ChangeKind::Deleted,
        },
    ];
    assert_eq!(app.submit("tools", &unsure).await.status, 201);
    assert_eq!(
        app.submit("tools", &unsure).await.status,
        200,
        "a replay with the new fields is still a replay"
    );

    let coco = export_coco(&app, "tools");
    let outcomes_of = |file: &str| {
        coco["images"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["file_name"] == file)
            .unwrap()["outcomes"]
            .clone()
    };
    assert_eq!(outcomes_of("a.png"), serde_json::json!({"unsure": 1}));
    assert_eq!(
        outcomes_of("b.png"),
        serde_json::json!({"image_unreadable": 1})
    );

    let manifest = app.dir.path().join("tools.manifest");
    let manifest = manifest.to_str().unwrap();
    run_ok(
        &app,
        &[
            "export",
            "--job",
            "tools",
            "--format",
            "groundtruth",
            "--output",
            manifest,
        ],
    );
    let text = std::fs::read_to_string(manifest).unwrap();
    assert!(
        text.contains(r#""outcomes":{"image_unreadable":1}"#),
        "{text}"
    );

    let stored = sqlite_rows(
        &app,
        "SELECT outcome || '|' || coalesce(note, '') || '|' || coalesce(changes, '') FROM submissions ORDER BY submission_id",
    );
    assert_eq!(
        stored,
        [
            r#"unsure||[{"origin":1,"annotation":1,"kind":"kept"},{"origin":2,"annotation":null,"kind":"deleted"}]"#,
            "image_unreadable|all black|",
        ]
    );
}

#[tokio::test]
async fn a_result_without_boxes_and_without_an_outcome_is_stored_as_nothing_to_label() {
    let app = TestApp::spawn().await;
    app.create_job("empty", &["cat"], 1, 1, 1).await;
    let batch = app.lease("empty", "worker-a").await;
    let submission = submission_for(&batch, &batch.tasks[0], "worker-a", "s-1", &[]);
    assert_eq!(app.submit("empty", &submission).await.status, 201);
    assert_eq!(
        sqlite_rows(&app, "SELECT outcome FROM submissions"),
        ["nothing_to_label"]
    );
}

#[tokio::test]
async fn outcomes_and_records_that_contradict_the_task_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    job_with_given_boxes(&app, "tools", "adjust").await;
    let batch = app.lease("tools", "worker-a").await;
    let (a, b) = (&batch.tasks[0], &batch.tasks[1]);
    let before = app.row_counts().await;

    let mut boxes_but_nothing =
        submission_for(&batch, a, "worker-a", "s-1", &[(1, [1.0, 2.0, 5.0, 5.0])]);
    boxes_but_nothing.outcome = Outcome::NothingToLabel;
    let mut unknown_origin =
        submission_for(&batch, a, "worker-a", "s-2", &[(1, [1.0, 2.0, 5.0, 5.0])]);
    unknown_origin.changes = vec![BoxChange {
        origin: Some(3),
        annotation: Some(1),
        kind: ChangeKind::Moved,
    }];
    let mut verdict_without_given = submission_for(&batch, b, "worker-a", "s-3", &[]);
    verdict_without_given.verdicts = vec![Verdict {
        origin: 1,
        accepted: true,
        reason: None,
    }];
    for (submission, field, says) in [
        (&boxes_but_nothing, "outcome", "means no boxes"),
        (&unknown_origin, "changes[0].origin", "1..=2"),
        (
            &verdict_without_given,
            "verdicts[0].origin",
            "without boxes",
        ),
    ] {
        let response = app.submit("tools", submission).await;
        assert_eq!(response.status, 422, "{}", response.text());
        let error = response.error();
        assert_eq!(error.field.as_deref(), Some(field));
        assert!(error.message.contains(says), "{}", error.message);
    }
    let raw = serde_json::json!({"submission_id": "s-4", "worker_id": "worker-a", "task_id": a.task_id,
        "result": {"images": [a.image], "annotations": [], "categories": []}, "outcome": "maybe"});
    let response = app.post_json("/api/jobs/tools/submissions", &raw).await;
    assert_eq!(response.status, 422, "{}", response.text());
    assert!(
        response.error().message.contains("maybe"),
        "{}",
        response.text()
    );
    assert_eq!(app.row_counts().await, before);
}

#[tokio::test]
async fn a_verify_submission_stores_its_verdicts_and_exports_the_accepted_boxes() {
    let app = TestApp::spawn().await;
    job_with_given_boxes(&app, "check", "verify").await;
    let batch = app.lease("check", "worker-a").await;
    let a = &batch.tasks[0];
    assert_eq!(a.initial_annotations.len(), 2);
    let mut verified = submission_for(&batch, a, "worker-a", "s-1", &[(1, [1.0, 2.0, 10.0, 8.0])]);
    verified.verdicts = vec![
        Verdict {
            origin: 1,
            accepted: true,
            reason: None,
        },
        Verdict {
            origin: 2,
            accepted: false,
            reason: Some("that is a cat".into()),
        },
    ];
    assert_eq!(app.submit("check", &verified).await.status, 201);
    assert_eq!(
        sqlite_rows(&app, "SELECT verdicts FROM submissions"),
        [
            r#"[{"origin":1,"accepted":true},{"origin":2,"accepted":false,"reason":"that is a cat"}]"#
        ]
    );
    let coco = export_coco(&app, "check");
    let boxes: Vec<&serde_json::Value> = coco["annotations"].as_array().unwrap().iter().collect();
    assert_eq!(boxes.len(), 1);
    assert_eq!(boxes[0]["bbox"], serde_json::json!([1.0, 2.0, 10.0, 8.0]));
}

/// One text column of `query`'s rows, read on a connection of its own.
fn sqlite_rows(app: &TestApp, query: &str) -> Vec<String> {
    app.db.open_conn().unwrap().column(query, &[]).unwrap()
}
