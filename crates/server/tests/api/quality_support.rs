//! What the quality control tests share: a job with gold images, telling gold tasks apart (by the test's own
//! file names), submitting a batch, and reading the stats.

use axum::http::StatusCode;
use crowdbox_core::wire::{Task, TaskBatch};

use crate::cli_support::{run_ok, write_pngs};
use crate::helpers::{submission_for, TestApp};

pub const HAMMER: u64 = 1;
pub const SAW: u64 = 2;

/// Three gold images (40×30, 50×40, 60×50), each with one known hammer at (5, 5, 20, 15).
pub const GOLD_COCO: &str = r#"{"images": [{"id": 1, "file_name": "g1.png", "width": 40, "height": 30},
                                       {"id": 2, "file_name": "g2.png", "width": 50, "height": 40},
                                       {"id": 3, "file_name": "g3.png", "width": 60, "height": 50}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 5, 20, 15]},
                 {"id": 2, "image_id": 2, "category_id": 1, "bbox": [5, 5, 20, 15]},
                 {"id": 3, "image_id": 3, "category_id": 1, "bbox": [5, 5, 20, 15]}],
 "categories": [{"id": 1, "name": "hammer"}, {"id": 2, "name": "saw"}]}"#;

pub const KNOWN: [f64; 4] = [5.0, 5.0, 20.0, 15.0];

/// Job `tools` with `images` task images and the three gold images of [`GOLD_COCO`].
pub async fn job_with_gold(images: usize, workers_per_image: u32, batch_size: u32) -> TestApp {
    let app = TestApp::spawn().await;
    app.create_job(
        "tools",
        &["hammer", "saw"],
        images,
        workers_per_image,
        batch_size,
    )
    .await;
    let root = app.dir.path().join("gold");
    write_pngs(
        &root,
        &[("g1.png", 40, 30), ("g2.png", 50, 40), ("g3.png", 60, 50)],
    );
    let file = root.join("gold.json");
    std::fs::write(&file, GOLD_COCO).unwrap();
    assert_eq!(
        run_ok(
            &app,
            &[
                "import",
                "--job",
                "tools",
                "--coco",
                file.to_str().unwrap(),
                "--as",
                "gold"
            ]
        ),
        "job tools: 3 images added, 0 already present, 3 gold boxes stored\n"
    );
    app
}

pub fn is_gold(task: &Task) -> bool {
    task.image.file_name.starts_with('g')
}

pub fn gold_tasks(batch: &TaskBatch) -> Vec<&Task> {
    batch.tasks.iter().filter(|task| is_gold(task)).collect()
}

/// Submits every task of the batch, the job's own images first: `gold` boxes on gold tasks, `other` boxes on
/// the rest. Returns how many were stored before the worker was blocked (the rest are refused as blocked).
pub async fn submit_all(
    app: &TestApp,
    batch: &TaskBatch,
    worker: &str,
    gold: &[(u64, [f64; 4])],
    other: &[(u64, [f64; 4])],
) -> usize {
    let mut tasks: Vec<&Task> = batch.tasks.iter().collect();
    tasks.sort_by_key(|task| is_gold(task));
    let mut stored = 0;
    for task in tasks {
        let boxes = if is_gold(task) { gold } else { other };
        let submission = submission_for(
            batch,
            task,
            worker,
            &format!("{worker}-{}", task.task_id),
            boxes,
        );
        let response = app.submit("tools", &submission).await;
        if response.status == StatusCode::FORBIDDEN {
            assert_eq!(response.error().code, "worker_blocked");
            continue;
        }
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        stored += 1;
    }
    stored
}

/// Half of each batch gold, and blocking below a score of 0.4 after `min_gold_tasks` gold tasks.
pub fn half_gold_and_blocking_after(app: &TestApp, min_gold_tasks: u64) {
    let min_gold_tasks = min_gold_tasks.to_string();
    let args = [
        "job",
        "update",
        "--job",
        "tools",
        "--gold-rate",
        "0.5",
        "--block-below",
        "0.4",
    ];
    run_ok(
        app,
        &[&args[..], &["--min-gold-tasks", &min_gold_tasks]].concat(),
    );
}

pub fn stats(app: &TestApp) -> serde_json::Value {
    serde_json::from_str(&run_ok(app, &["stats", "--job", "tools", "--json"])).unwrap()
}

pub fn worker<'a>(stats: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    stats["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|worker| worker["worker_id"] == id)
        .unwrap_or_else(|| panic!("worker {id} in {stats}"))
}
