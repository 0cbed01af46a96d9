//! `crowdbox job update`: changing a job's settings after it was created.

use crate::cli_support::{run_err, run_ok, unusable_example_files, update_job};
use crate::helpers::{submission_for, TestApp};

fn shown(app: &TestApp, job: &str) -> serde_json::Value {
    serde_json::from_str(&run_ok(app, &["job", "show", job, "--json"])).unwrap()
}

#[tokio::test]
async fn changing_workers_per_image_recomputes_progress_and_leasing_follows_at_once() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 2, 5).await;
    let batch = app.lease("birds", "alice").await;
    for task in &batch.tasks {
        let id = format!("alice-{}", task.task_id);
        let submission = submission_for(&batch, task, "alice", &id, &[]);
        assert_eq!(app.submit("birds", &submission).await.status.as_u16(), 201);
    }
    assert_eq!(
        shown(&app, "birds")["images_done"],
        0,
        "each image wants a second worker"
    );

    let output = update_job(&app, "birds", &["--workers-per-image", "1"]);
    assert_eq!(output, "job birds: changed workers_per_image\n");
    assert_eq!(shown(&app, "birds")["images_done"], 2);
    let bob = app.lease("birds", "bob").await;
    assert!(
        bob.tasks.is_empty() && bob.job_done,
        "one worker per image: all done"
    );

    update_job(&app, "birds", &["--workers-per-image", "3"]);
    assert_eq!(shown(&app, "birds")["images_done"], 0);
    let bob = app.lease("birds", "bob").await;
    assert_eq!(bob.tasks.len(), 2, "the images are open again");
    assert_eq!((bob.images_total, bob.images_done), (2, 0));
}

#[tokio::test]
async fn every_setting_can_be_changed_and_job_show_reports_it() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull", "tern"], 1, 1, 5).await;
    let instructions = app.dir.path().join("instructions.md");
    std::fs::write(&instructions, "Box the gulls, not the terns' shadows.").unwrap();
    let output = update_job(
        &app,
        "birds",
        &[
            "--batch-size",
            "12",
            "--lease-seconds",
            "90",
            "--mode",
            "verify",
            "--allow-carry-forward",
            "true",
            "--instructions-file",
            instructions.to_str().unwrap(),
        ],
    );
    assert_eq!(
        output,
        "job birds: changed instructions, mode, batch_size, lease_seconds, allow_carry_forward\n"
    );
    let job = shown(&app, "birds");
    assert_eq!(job["batch_size"], 12);
    assert_eq!(job["lease_seconds"], 90);
    assert_eq!(job["mode"], "verify");
    assert_eq!(job["allow_carry_forward"], true);
    assert_eq!(
        job["instructions"],
        "Box the gulls, not the terns' shadows."
    );
    assert_eq!(job["labels"], serde_json::json!(["gull", "tern"]));
    let batch = app.lease("birds", "w").await;
    assert_eq!(batch.instructions, "Box the gulls, not the terns' shadows.");

    let again = update_job(&app, "birds", &["--batch-size", "12"]);
    assert_eq!(
        again,
        "job birds: unchanged (the settings already had these values)\n"
    );
    update_job(&app, "birds", &["--allow-carry-forward", "false"]);
    assert_eq!(shown(&app, "birds")["allow_carry_forward"], false);
}

#[tokio::test]
async fn an_invalid_update_names_the_problem_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 2, 5).await;
    let before = shown(&app, "birds");
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--job",
                "birds",
                "--workers-per-image",
                "0",
                "--batch-size",
                "3",
            ],
            "--workers-per-image must be at least 1, not 0",
        ),
        (
            &["--job", "birds", "--lease-seconds", "0"],
            "--lease-seconds must be at least 1",
        ),
        (&["--job", "birds"], "nothing to change"),
        (
            &["--job", "geese", "--batch-size", "3"],
            "there is no job called \"geese\"; known jobs: birds",
        ),
        (
            &["--job", "birds", "--allow-carry-forward", "maybe"],
            "--allow-carry-forward",
        ),
    ];
    for (flags, expected) in cases {
        let args: Vec<&str> = ["job", "update"].iter().chain(flags).copied().collect();
        let error = run_err(&app, &args);
        assert!(error.contains(expected), "{flags:?}: {error}");
    }
    assert_eq!(shown(&app, "birds"), before);
}

#[tokio::test]
async fn good_and_bad_examples_are_replaced_by_kind_and_cleared_and_volunteers_see_them() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 1).await;
    let dir = app.dir.path();
    let good = dir.join("good.png");
    std::fs::write(&good, crate::helpers::png_fixture(7, 5, 3)).unwrap();
    let good = good.to_str().unwrap();
    let output = update_job(
        &app,
        "birds",
        &[
            "--good-example",
            good,
            "--bad-example",
            "https://example.org/bad.jpg",
        ],
    );
    assert_eq!(output, "job birds: changed examples\n");
    let kinds = |app: &TestApp| -> Vec<(String, String)> {
        shown(app, "birds")["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_owned(),
                    e["src"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        kinds(&app),
        [
            ("good".to_owned(), good.to_owned()),
            ("bad".to_owned(), "https://example.org/bad.jpg".to_owned())
        ]
    );
    let batch = app.lease("birds", "w1").await;
    assert_eq!(batch.examples[0].url, "/api/jobs/birds/examples/0");
    assert_eq!(
        app.get(&batch.examples[0].url).await.body,
        crate::helpers::png_fixture(7, 5, 3)
    );

    // A new bad example replaces the bad one and keeps the good one.
    update_job(
        &app,
        "birds",
        &["--bad-example", "https://example.org/worse.jpg"],
    );
    assert_eq!(
        kinds(&app),
        [
            ("good".to_owned(), good.to_owned()),
            ("bad".to_owned(), "https://example.org/worse.jpg".to_owned())
        ]
    );

    // A file that is missing or no image is named, and nothing changes (the batch size neither).
    for (path, says) in unusable_example_files(&app) {
        let error = run_err(
            &app,
            &[
                "job",
                "update",
                "--job",
                "birds",
                "--batch-size",
                "4",
                "--good-example",
                &path,
            ],
        );
        assert!(error.contains(says) && error.contains(&path), "{error}");
    }
    assert_eq!(shown(&app, "birds")["batch_size"], 1);
    assert_eq!(kinds(&app).len(), 2);

    // --clear-examples with --good-example leaves only that; alone it removes them all.
    update_job(
        &app,
        "birds",
        &[
            "--clear-examples",
            "--good-example",
            "https://example.org/only.jpg",
        ],
    );
    assert_eq!(
        kinds(&app),
        [("good".to_owned(), "https://example.org/only.jpg".to_owned())]
    );
    update_job(&app, "birds", &["--clear-examples"]);
    assert!(kinds(&app).is_empty());
    assert!(app.lease("birds", "w2").await.examples.is_empty());
    let unchanged = update_job(&app, "birds", &["--clear-examples"]);
    assert_eq!(
        unchanged,
        "job birds: unchanged (the settings already had these values)\n"
    );
}
