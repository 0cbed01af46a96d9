//! `crowdbox job create | list | show` (and the `jobs` alias), from flags and from TOML and JSON job files.

use crate::cli_support::{run_err, run_ok};
use crate::helpers::TestApp;

#[tokio::test]
async fn a_job_created_from_flags_is_listed_and_shown_with_every_setting() {
    let app = TestApp::spawn().await;
    let good = app.dir.path().join("good.png");
    std::fs::write(&good, crate::helpers::png_fixture(8, 6, 9)).unwrap();
    let good = good.to_str().unwrap();
    let created = run_ok(
        &app,
        &[
            "job",
            "create",
            "--name",
            "tools",
            "--labels",
            "driller,hammer",
            "--workers-per-image",
            "5",
            "--batch-size",
            "10",
            "--lease-seconds",
            "600",
            "--mode",
            "adjust",
            "--allow-carry-forward",
            "--instructions",
            "Box every tool.",
            "--good-example",
            good,
            "--bad-example",
            "https://example.org/bad.jpg",
        ],
    );
    assert_eq!(
        created,
        "job tools: created with labels driller, hammer (5 workers per image, mode adjust)\n"
    );

    let shown: serde_json::Value =
        serde_json::from_str(&run_ok(&app, &["job", "show", "tools", "--json"])).unwrap();
    assert_eq!(
        shown,
        serde_json::json!({
            "name": "tools", "labels": ["driller", "hammer"], "instructions": "Box every tool.",
            "workers_per_image": 5, "batch_size": 10, "lease_seconds": 600, "mode": "adjust",
            "allow_carry_forward": true,
            "examples": [
                {"kind": "good", "src": good, "mime": "image/png",
                 "store_path": shown["examples"][0]["store_path"].clone()},
                {"kind": "bad", "src": "https://example.org/bad.jpg"}
            ],
            "images_total": 0, "images_done": 0, "pre_annotated_images": 0, "gold_images": 0,
            "lease_order": "id",
            "quality": {"gold_rate": 0.1, "block_below": null, "min_gold_tasks": 5,
                        "min_workers_per_image": null, "agreement_iou": 0.7, "finish_first": false}
        })
    );
    let text = run_ok(&app, &["job", "show", "tools"]);
    assert!(
        text.contains("task time limit: 600 s") && text.contains("bad example: https://"),
        "{text}"
    );

    for list in [&["job", "list"][..], &["jobs"][..]] {
        let listing = run_ok(&app, list);
        let row = listing
            .lines()
            .find(|line| line.starts_with("tools"))
            .expect("listed");
        assert_eq!(
            row.split_whitespace().collect::<Vec<_>>(),
            ["tools", "0", "0", "0", "5", "adjust"]
        );
    }
    let again = run_err(&app, &["job", "create", "--name", "tools", "--labels", "x"]);
    assert!(again.contains("job tools already exists"), "{again}");
}

#[tokio::test]
async fn job_files_in_toml_and_json_create_the_same_kind_of_job() {
    let app = TestApp::spawn().await;
    let dir = app.dir.path();
    std::fs::write(dir.join("instructions.md"), "Box *every* tool.\n").unwrap();
    std::fs::write(
        dir.join("job.toml"),
        "name = \"from-toml\"\nlabels = [\"saw\", \"drill\"]\ninstructions_file = \"instructions.md\"\n\
         workers_per_image = 3\nmode = \"verify\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("job.json"),
        r#"{"name": "from-json", "labels": ["saw"], "batch_size": 2}"#,
    )
    .unwrap();
    run_ok(
        &app,
        &[
            "job",
            "create",
            "--file",
            dir.join("job.toml").to_str().unwrap(),
        ],
    );
    run_ok(
        &app,
        &[
            "job",
            "create",
            "--file",
            dir.join("job.json").to_str().unwrap(),
        ],
    );

    let toml: serde_json::Value =
        serde_json::from_str(&run_ok(&app, &["job", "show", "from-toml", "--json"])).unwrap();
    assert_eq!(toml["instructions"], "Box *every* tool.\n");
    assert_eq!(
        (toml["workers_per_image"].as_i64(), toml["mode"].as_str()),
        (Some(3), Some("verify"))
    );
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&app, &["job", "show", "from-json", "--json"])).unwrap();
    assert_eq!(
        (json["batch_size"].as_i64(), json["lease_seconds"].as_i64()),
        (Some(2), Some(1800))
    );

    std::fs::write(
        dir.join("typo.toml"),
        "name = \"t\"\nlabels = [\"a\"]\nworkers = 3\n",
    )
    .unwrap();
    let error = run_err(
        &app,
        &[
            "job",
            "create",
            "--file",
            dir.join("typo.toml").to_str().unwrap(),
        ],
    );
    assert!(
        error.contains("typo.toml") && error.contains("workers"),
        "{error}"
    );
    assert!(
        error.contains("line 3"),
        "TOML errors name the line: {error}"
    );
    let missing = run_err(&app, &["job", "show", "nope"]);
    assert!(missing.contains("from-json, from-toml"), "{missing}");
}
