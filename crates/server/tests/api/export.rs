//! COCO export: a golden file for a small job, and the rules the format depends on.

use std::path::PathBuf;

use axum::http::StatusCode;
use crowdbox_server::export::export_coco;

use crate::helpers::{submission_for, TestApp, START_MS};

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(name)
}

/// Three images; two workers per image; boxes on the first two, none on the third; one box clipped.
async fn small_job() -> TestApp {
    let app = TestApp::spawn().await;
    app.create_job("golden", &["cat", "dog"], 3, 2, 5).await;
    for worker in ["worker-a", "worker-b"] {
        let batch = app.lease("golden", worker).await;
        let boxes: [&[(u64, [f64; 4])]; 3] = match worker {
            "worker-a" => [
                &[(1, [1.5, 2.0, 10.0, 8.25]), (2, [20.0, 0.0, 20.0, 30.0])],
                &[(2, [0.0, 0.0, 44.0, 32.0])],
                &[],
            ],
            _ => [
                &[(1, [2.0, 2.0, 9.5, 8.0])],
                &[(1, [-0.5, 3.0, 10.0, 10.0])],
                &[],
            ],
        };
        for (task, boxes) in batch.tasks.iter().zip(boxes) {
            let id = format!("{worker}-{}", task.task_id);
            let response = app
                .submit("golden", &submission_for(&batch, task, worker, &id, boxes))
                .await;
            assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        }
    }
    app
}

#[tokio::test]
async fn the_coco_export_of_a_small_job_matches_the_golden_file() {
    let app = small_job().await;

    let dataset = export_coco(&app.db, "golden", START_MS).await.unwrap();
    let actual = serde_json::to_string_pretty(&dataset).unwrap() + "\n";

    let path = golden_path("coco_export_small_job.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).expect("the golden file exists (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(
        actual,
        expected,
        "the export differs from {}; check and rerun with UPDATE_GOLDEN=1",
        path.display()
    );
}

#[tokio::test]
async fn the_export_lists_every_image_and_numbers_boxes_from_one() {
    let app = small_job().await;

    let dataset = export_coco(&app.db, "golden", START_MS).await.unwrap();

    assert_eq!(
        dataset
            .images
            .iter()
            .map(|image| image.id)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(
        dataset.annotations.iter().map(|a| a.id).collect::<Vec<_>>(),
        (1..=5).collect::<Vec<u64>>()
    );
    assert!(dataset
        .annotations
        .windows(2)
        .all(|pair| pair[0].image_id <= pair[1].image_id));
    assert!(dataset
        .annotations
        .iter()
        .all(|a| a.iscrowd == 0 && a.area == a.bbox[2] * a.bbox[3]));
    assert!(!dataset.licenses.is_empty());
    assert!(dataset
        .images
        .iter()
        .all(|image| image.license == Some(dataset.licenses[0].id)));
    assert!(dataset
        .categories
        .iter()
        .all(|category| category.supercategory == "golden"));
    assert_eq!(dataset.info.date_created, "2025-06-15");
}

#[tokio::test]
async fn exporting_an_unknown_job_names_the_known_ones() {
    let app = small_job().await;
    let error = export_coco(&app.db, "gold", START_MS)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("\"gold\"") && error.contains("known jobs: golden"),
        "{error}"
    );
}

#[tokio::test]
async fn a_job_exports_only_its_own_boxes_whether_it_holds_most_of_the_database_or_not() {
    let app = TestApp::spawn().await;
    // "big" holds 5 of the 7 images (its rows are read in one pass over the tables), "small" 2 (read through
    // the image index).
    for (job, images) in [("small", 2), ("big", 5)] {
        app.create_job(job, &["cat"], images, 1, 5).await;
        let batch = app.lease(job, "w").await;
        for task in &batch.tasks {
            let id = format!("{job}-{}", task.task_id);
            let submission = submission_for(&batch, task, "w", &id, &[(1, [1.0, 1.0, 3.0, 3.0])]);
            assert_eq!(
                app.submit(job, &submission).await.status,
                StatusCode::CREATED
            );
        }
    }
    for (job, images) in [("small", 2), ("big", 5)] {
        let dataset = export_coco(&app.db, job, START_MS).await.unwrap();
        let image_ids: Vec<u64> = dataset.images.iter().map(|image| image.id).collect();
        assert_eq!(image_ids.len(), images, "{job}");
        assert_eq!(
            dataset.annotations.len(),
            images,
            "{job}: one box per image"
        );
        assert!(
            dataset
                .annotations
                .iter()
                .all(|annotation| image_ids.contains(&annotation.image_id)),
            "{job}: every box belongs to one of its images"
        );
    }
}
