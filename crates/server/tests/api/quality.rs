//! Quality control: gold images mixed into batches and scored, worker scores and blocking, weighted
//! consolidation, and the settings' checks.

use std::collections::HashSet;

use axum::http::StatusCode;
use crowdbox_core::wire::Task;

use crate::cli_support::{coco_check, run_err, run_ok, write_pngs};
use crate::quality_support::{
    gold_tasks, half_gold_and_blocking_after, is_gold, job_with_gold, stats, submit_all, worker,
    HAMMER, KNOWN, SAW,
};

#[tokio::test]
async fn gold_images_are_mixed_in_look_like_other_tasks_and_stay_out_of_the_progress() {
    let app = job_with_gold(8, 1, 5).await;
    let batch = app.lease("tools", "w1").await;
    assert_eq!(batch.tasks.len(), 5);
    let gold = gold_tasks(&batch);
    assert_eq!(
        gold.len(),
        1,
        "a first batch of 5 at rate 0.1 holds one gold task"
    );
    assert_eq!(
        (batch.images_total, batch.images_done),
        (8, 0),
        "gold images are not part of the job's progress"
    );
    // Nothing on the wire tells a gold task apart: the same fields, no initial boxes.
    let keys = |task: &Task| -> Vec<String> {
        let value = serde_json::to_value(task).unwrap();
        value.as_object().unwrap().keys().cloned().collect()
    };
    let plain = batch.tasks.iter().find(|task| !is_gold(task)).unwrap();
    assert_eq!(keys(gold[0]), keys(plain));
    assert!(gold[0].initial_annotations.is_empty());
}

#[tokio::test]
async fn a_gold_submission_is_scored_and_no_worker_gets_a_gold_image_twice() {
    let app = job_with_gold(12, 1, 4).await;
    run_ok(
        &app,
        &["job", "update", "--job", "tools", "--gold-rate", "0.5"],
    );
    let mut seen_gold = HashSet::new();
    loop {
        let batch = app.lease("tools", "w1").await;
        if batch.tasks.is_empty() {
            break;
        }
        for task in gold_tasks(&batch) {
            assert!(
                seen_gold.insert(task.task_id),
                "gold task {} given twice",
                task.task_id
            );
        }
        submit_all(
            &app,
            &batch,
            "w1",
            &[(HAMMER, KNOWN)],
            &[(SAW, [1.0, 1.0, 5.0, 5.0])],
        )
        .await;
    }
    assert_eq!(seen_gold.len(), 3, "every gold image once");

    let stats = stats(&app);
    let w1 = worker(&stats, "w1");
    assert_eq!(w1["tasks"], 12, "tasks are the job's own images");
    assert_eq!(w1["gold_tasks"], 3);
    assert_eq!(w1["gold_mean_iou"], 1.0);
    assert_eq!(
        (w1["gold_recall"].as_f64(), w1["gold_precision"].as_f64()),
        (Some(1.0), Some(1.0))
    );
    assert!(w1["score"].as_f64().unwrap() > 0.8, "{w1}");
    assert_eq!(w1["blocked"], false);
    assert_eq!(stats["images_total"], 12);

    // Gold images are left out of exports unless asked for, and then carry their known boxes.
    let out = app.dir.path().join("out.json");
    run_ok(
        &app,
        &[
            "export",
            "--job",
            "tools",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    let coco = coco_check(&out);
    assert_eq!(coco["images"].as_array().unwrap().len(), 12);
    run_ok(
        &app,
        &[
            "export",
            "--job",
            "tools",
            "--include-gold",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    let coco = coco_check(&out);
    assert_eq!(coco["images"].as_array().unwrap().len(), 15);
    let gold_boxes = coco["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["category_id"] == HAMMER)
        .count();
    assert_eq!(gold_boxes, 3, "the known boxes, not the worker's answers");
}

#[tokio::test]
async fn a_worker_who_keeps_missing_gold_boxes_is_blocked_and_their_images_go_back_to_the_pool() {
    let app = job_with_gold(6, 1, 4).await;
    half_gold_and_blocking_after(&app, 2);
    // The first batch of 4 holds 2 gold tasks: both answered with a box far from the known one.
    let batch = app.lease("tools", "bad").await;
    assert_eq!(gold_tasks(&batch).len(), 2, "{batch:?}");
    let stored = submit_all(
        &app,
        &batch,
        "bad",
        &[(SAW, [30.0, 20.0, 5.0, 5.0])],
        &[(HAMMER, [1.0, 1.0, 4.0, 4.0])],
    )
    .await;
    assert_eq!(
        stored, 4,
        "blocked by the second gold task, after it was stored"
    );

    let refused = app
        .post_json(
            "/api/jobs/tools/batches",
            &serde_json::json!({ "worker_id": "bad" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let error = refused.error();
    assert_eq!(error.code, "worker_blocked");
    assert!(error.message.contains("bad"), "{}", error.message);

    let stats = stats(&app);
    let bad = worker(&stats, "bad");
    assert_eq!(bad["blocked"], true);
    assert_eq!(bad["gold_tasks"], 2);
    assert_eq!(bad["gold_recall"], 0.0);
    assert_eq!(
        stats["images_done"], 0,
        "the two images the blocked worker finished no longer count as done"
    );
    // Another worker gets those images again.
    let good = app.lease("tools", "good").await;
    let theirs: HashSet<u64> = batch
        .tasks
        .iter()
        .filter(|t| !is_gold(t))
        .map(|t| t.task_id)
        .collect();
    assert!(
        good.tasks.iter().any(|task| theirs.contains(&task.task_id)),
        "an image the blocked worker had finished is offered again"
    );
}

#[tokio::test]
async fn consolidation_weighs_workers_by_score_and_leaves_blocked_workers_out() {
    let app = job_with_gold(1, 3, 4).await;
    half_gold_and_blocking_after(&app, 1);
    // The careful workers find the hammer on gold and on the task image; the sloppy one draws a saw everywhere.
    for (worker, gold, other) in [
        (
            "careful-1",
            (HAMMER, KNOWN),
            (HAMMER, [2.0, 2.0, 10.0, 8.0]),
        ),
        (
            "careful-2",
            (HAMMER, KNOWN),
            (HAMMER, [2.0, 2.0, 10.0, 8.0]),
        ),
        (
            "sloppy",
            (SAW, [30.0, 20.0, 4.0, 4.0]),
            (SAW, [12.0, 1.0, 6.0, 6.0]),
        ),
    ] {
        let batch = app.lease("tools", worker).await;
        submit_all(&app, &batch, worker, &[gold], &[other]).await;
    }
    let out = app.dir.path().join("consolidated.json");
    for extra in [&[][..], &["--unweighted"][..]] {
        let mut args = vec![
            "export",
            "--job",
            "tools",
            "--consolidated",
            "--output",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run_ok(&app, &args);
        let coco = coco_check(&out);
        let labels: Vec<u64> = coco["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["category_id"].as_u64().unwrap())
            .collect();
        assert_eq!(
            labels,
            [HAMMER],
            "{extra:?}: the blocked worker's saw never counts"
        );
    }
    assert_eq!(worker(&stats(&app), "sloppy")["blocked"], true);
}

#[tokio::test]
async fn bad_quality_settings_and_bad_gold_boxes_are_refused_naming_them_and_nothing_changes() {
    let app = job_with_gold(2, 3, 2).await;
    let before = run_ok(&app, &["job", "show", "tools"]);
    let error = run_err(
        &app,
        &["job", "update", "--job", "tools", "--gold-rate", "0.7"],
    );
    assert!(
        error.contains("--gold-rate") && error.contains("0.7"),
        "{error}"
    );
    let error = run_err(
        &app,
        &[
            "job",
            "update",
            "--job",
            "tools",
            "--min-workers-per-image",
            "4",
        ],
    );
    assert!(error.contains("--min-workers-per-image"), "{error}");
    let error = run_err(
        &app,
        &["job", "update", "--job", "tools", "--block-below", "2"],
    );
    assert!(error.contains("--block-below"), "{error}");
    assert_eq!(run_ok(&app, &["job", "show", "tools"]), before);
    let error = run_err(
        &app,
        &[
            "job",
            "create",
            "--name",
            "other",
            "--labels",
            "a",
            "--gold-rate",
            "0.9",
        ],
    );
    assert!(error.contains("--gold-rate"), "{error}");

    let root = app.dir.path().join("bad-gold");
    write_pngs(&root, &[("g9.png", 44, 33)]);
    let file = root.join("gold.json");
    std::fs::write(
        &file,
        r#"{"images": [{"id": 1, "file_name": "g9.png", "width": 44, "height": 33}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [100, 100, 5, 5]}],
            "categories": [{"id": 1, "name": "hammer"}]}"#,
    )
    .unwrap();
    let counts = app.row_counts().await;
    let error = run_err(
        &app,
        &[
            "import",
            "--job",
            "tools",
            "--coco",
            file.to_str().unwrap(),
            "--as",
            "gold",
        ],
    );
    assert!(
        error.contains("g9.png") && error.contains("box 1"),
        "{error}"
    );
    assert_eq!(app.row_counts().await, counts, "nothing stored");
}
