//! `crowdbox export` in every format, per worker and consolidated, on a job with three workers per image.

use axum::http::StatusCode;
use crowdbox_server::export::{
    load_job_dataset, render, ConsolidationMethod, DatasetOptions, ExportFormat, Rendered,
};

use crate::cli_support::{assert_golden, coco_check, export, run_err, run_ok};
use crate::helpers::{submission_for, TestApp, START_MS};

/// One submission's boxes: (category id, bbox).
type Boxes<'a> = &'a [(u64, [f64; 4])];

/// Two images (40×30, 44×32), three workers. Image 1: all three draw the cat, two of them the dog. Image 2: one
/// worker draws a spurious dog.
pub async fn three_worker_job() -> TestApp {
    let app = TestApp::spawn().await;
    app.create_job("tri", &["cat", "dog"], 2, 3, 5).await;
    let drawn: [(&str, [Boxes; 2]); 3] = [
        (
            "worker-a",
            [
                &[(1, [2.0, 2.0, 10.0, 8.0]), (2, [20.0, 5.0, 15.0, 20.0])],
                &[],
            ],
        ),
        (
            "worker-b",
            [&[(1, [2.5, 2.0, 10.0, 8.0])], &[(2, [0.0, 0.0, 5.0, 5.0])]],
        ),
        (
            "worker-c",
            [
                &[(1, [1.5, 2.5, 10.0, 7.5]), (2, [21.0, 5.0, 14.0, 20.0])],
                &[],
            ],
        ),
    ];
    for (worker, boxes) in drawn {
        let batch = app.lease("tri", worker).await;
        for (task, boxes) in batch.tasks.iter().zip(boxes) {
            let id = format!("{worker}-{}", task.task_id);
            let submission = submission_for(&batch, task, worker, &id, boxes);
            let response = app.submit("tri", &submission).await;
            assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        }
    }
    app
}

/// The job in `format`; consolidation weighs every worker the same unless `weighted` (the golden files of
/// equal weights are those of before weights existed).
async fn rendered_with(
    app: &TestApp,
    format: ExportFormat,
    method: Option<ConsolidationMethod>,
    weighted: bool,
) -> String {
    let options = DatasetOptions {
        include_gold: false,
        unweighted: !weighted,
    };
    let job = load_job_dataset(&app.db, "tri", method, options)
        .await
        .unwrap();
    match render(&job, format, START_MS).unwrap() {
        Rendered::File(bytes) => String::from_utf8(bytes).unwrap(),
        Rendered::Folder(files) => files
            .iter()
            .map(|file| format!("== {}\n{}", file.path, file.contents))
            .collect(),
    }
}

async fn rendered(
    app: &TestApp,
    format: ExportFormat,
    method: Option<ConsolidationMethod>,
) -> String {
    rendered_with(app, format, method, false).await
}

#[tokio::test]
async fn every_format_of_a_three_worker_job_matches_its_golden_file() {
    let app = three_worker_job().await;
    let consolidated = Some(ConsolidationMethod::Groundtruth);
    assert_golden(
        "tri_workers.coco.json",
        &rendered(&app, ExportFormat::Coco, None).await,
    );
    assert_golden(
        "tri_consolidated.coco.json",
        &rendered(&app, ExportFormat::Coco, consolidated).await,
    );
    // Weighted by the workers' agreement scores, the edges move towards the workers who agree most.
    assert_golden(
        "tri_consolidated_weighted.coco.json",
        &rendered_with(&app, ExportFormat::Coco, consolidated, true).await,
    );
    assert_golden(
        "tri_consolidated.manifest",
        &rendered(&app, ExportFormat::Groundtruth, consolidated).await,
    );
    assert_golden(
        "tri_workers.voc.txt",
        &rendered(&app, ExportFormat::Voc, None).await,
    );
    assert_golden(
        "tri_consolidated.yolo.txt",
        &rendered(&app, ExportFormat::Yolo, consolidated).await,
    );
}

#[tokio::test]
async fn consolidation_keeps_the_objects_a_majority_drew_with_confidences() {
    let app = three_worker_job().await;
    let out = app.dir.path().join("consolidated.manifest");
    let args = [
        "export",
        "--job",
        "tri",
        "--format",
        "groundtruth",
        "--consolidated",
    ];
    run_ok(
        &app,
        &[&args[..], &["--output", out.to_str().unwrap()]].concat(),
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "both images, also the one left without boxes"
    );
    let first = &lines[0]["tri"]["annotations"];
    let classes: Vec<u64> = first
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["class_id"].as_u64().unwrap())
        .collect();
    assert_eq!(classes, [0, 1], "the cat (3 of 3) and the dog (2 of 3)");
    let confidences = lines[0]["tri-metadata"]["objects"].as_array().unwrap();
    let cat = confidences[0]["confidence"].as_f64().unwrap();
    let dog = confidences[1]["confidence"].as_f64().unwrap();
    assert!(cat > 0.8 && cat <= 1.0 && dog < cat, "cat {cat}, dog {dog}");
    assert_eq!(
        lines[1]["tri"]["annotations"].as_array().unwrap().len(),
        0,
        "1 of 3 is no majority"
    );
    assert_eq!(
        lines[1]["tri-metadata"]["type"],
        "groundtruth/object-detection"
    );

    let coco = app.dir.path().join("consolidated.json");
    run_ok(
        &app,
        &[
            "export",
            "--job",
            "tri",
            "--consolidated",
            "--method",
            "cvat",
            "--output",
            coco.to_str().unwrap(),
        ],
    );
    let read = coco_check(&coco);
    let annotations = read["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), 2);
    let drawn_cats = [
        "[2.0,2.0,10.0,8.0]",
        "[2.5,2.0,10.0,8.0]",
        "[1.5,2.5,10.0,7.5]",
    ];
    assert!(
        drawn_cats.contains(&annotations[0]["bbox"].to_string().as_str()),
        "CVAT style keeps a box somebody drew: {}",
        annotations[0]["bbox"]
    );
    assert!((read["ap_against_itself"].as_f64().unwrap() - 1.0).abs() < 1e-9);
}

#[tokio::test]
async fn per_worker_exports_list_every_box_and_folder_formats_need_an_output_folder() {
    let app = three_worker_job().await;
    let coco = app.dir.path().join("all.json");
    run_ok(
        &app,
        &["export", "--job", "tri", "--output", coco.to_str().unwrap()],
    );
    let read = coco_check(&coco);
    assert_eq!(read["annotations"].as_array().unwrap().len(), 6);
    assert_eq!(read["images"].as_array().unwrap().len(), 2);

    let error = run_err(&app, &["export", "--job", "tri", "--format", "voc"]);
    assert!(error.contains("--output DIR"), "{error}");
    let voc = app.dir.path().join("voc");
    export(&app, "tri", "voc", &voc, &[]);
    let xml = std::fs::read_to_string(voc.join("Annotations/image-02.xml")).unwrap();
    assert!(
        xml.contains("<width>44</width>") && xml.contains("<name>dog</name>"),
        "{xml}"
    );

    let yolo = app.dir.path().join("yolo");
    export(&app, "tri", "yolo", &yolo, &[]);
    let labels = std::fs::read_to_string(yolo.join("labels/image-01.txt")).unwrap();
    for value in labels.split_whitespace().filter(|v| v.contains('.')) {
        let value: f64 = value.parse().unwrap();
        assert!(
            (0.0..=1.0).contains(&value),
            "YOLO values stay in [0, 1]: {labels}"
        );
    }
    assert_eq!(labels.lines().count(), 5);
}

#[tokio::test]
async fn stored_floats_come_back_out_of_the_export_bit_for_bit() {
    let app = TestApp::spawn().await;
    app.create_job("floats", &["cat"], 1, 1, 5).await;
    let batch = app.lease("floats", "worker-a").await;
    let awkward = [
        [0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 1e-7],
        [12.345_678_901_234_567, 5e-324, 7.000_000_000_000_001, 0.3],
        [39.999_999_999_999_99, 29.5, 1e-9, 0.000_123_456_789],
    ];
    let boxes: Vec<(u64, [f64; 4])> = awkward.iter().map(|bbox| (1, *bbox)).collect();
    let submission = submission_for(&batch, &batch.tasks[0], "worker-a", "s-1", &boxes);
    let response = app.submit("floats", &submission).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let stored: Vec<(f64, f64, f64, f64)> = app
        .sql()
        .await
        .rows(
            "SELECT x, y, w, h FROM annotations ORDER BY id",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .unwrap();
    // Read as exports read (before the exporters clip, which is arithmetic of its own).
    let job = load_job_dataset(&app.db, "floats", None, Default::default())
        .await
        .unwrap();
    let exported: Vec<[f64; 4]> = job.dataset.images[0]
        .boxes
        .iter()
        .map(|b| [b.rect.x, b.rect.y, b.rect.w, b.rect.h])
        .collect();
    let expected: Vec<[f64; 4]> = stored.iter().map(|&(x, y, w, h)| [x, y, w, h]).collect();
    assert_eq!(exported.len(), 3);
    for (got, want) in exported.iter().zip(&expected) {
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.to_bits(), w.to_bits(), "{got:?} vs {want:?}");
        }
    }
}
