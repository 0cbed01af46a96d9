//! Pre-labelling at its edges: the model's scores in exports (CLI and owner API), Ctrl+C keeping whole chunks
//! and a second run finishing the rest, and images behind URLs skipped with a count.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use axum::http::{Method, StatusCode};

use crate::cli_support::{coco_check, command, crowdbox, database, failure, stdout};
use crate::helpers::{png_fixture, TestApp};
use crate::prelabel::{detector_model, setup, Setup};
use crowdbox_server::db::Conn;
use crowdbox_server::Storage;

fn assert_near(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-6, "{actual} != {expected}");
}

/// `crowdbox export --pre-annotations` of job `street` in `format` to the file `name`; returns its path.
fn export_pre_annotations(s: &Setup, format: &str, name: &str) -> String {
    let path = s.path(name);
    stdout(&s.run(&[
        "export",
        "--job",
        "street",
        "--pre-annotations",
        "--format",
        format,
        "--output",
        &path,
    ]));
    path
}

#[test]
fn pre_annotation_exports_carry_the_models_scores_where_the_format_has_them() {
    let s = setup();
    stdout(&s.run(&["prelabel", "--job", "street", "--model", &s.model()]));

    let coco = export_pre_annotations(&s, "coco", "pre.coco.json");
    let read = coco_check(std::path::Path::new(&coco));
    let annotations = read["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), 4, "two boxes on each of two images");
    for annotation in annotations {
        let expected = match annotation["category_id"].as_u64() {
            Some(1) => 0.9_f32,
            Some(2) => 0.6_f32,
            other => panic!("unexpected category {other:?}"),
        };
        assert_near(annotation["score"].as_f64().unwrap(), f64::from(expected));
    }
    let car = annotations.iter().find(|a| a["category_id"] == 1).unwrap();
    let bbox: Vec<f64> = car["bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for (actual, expected) in bbox.iter().zip([288.0, 304.0, 64.0, 32.0]) {
        assert!((actual - expected).abs() < 1e-3, "{bbox:?}");
    }

    let manifest = export_pre_annotations(&s, "groundtruth", "pre.manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut confidences = Vec::new();
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        for object in record["street-metadata"]["objects"].as_array().unwrap() {
            confidences.push(object["confidence"].as_f64().unwrap());
        }
    }
    confidences.sort_by(f64::total_cmp);
    assert_eq!(confidences.len(), 4, "{text}");
    for (actual, expected) in confidences.iter().zip([0.6_f32, 0.6, 0.9, 0.9]) {
        assert_near(*actual, f64::from(expected));
    }

    let csv = export_pre_annotations(&s, "openimages", "pre.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    for row in rows {
        let expected = if row[2] == "car" { 0.9_f32 } else { 0.6 };
        assert_near(row[3].parse().unwrap(), f64::from(expected));
    }

    let plain = s.path("plain.coco.json");
    stdout(&s.run(&["export", "--job", "street", "--output", &plain]));
    assert!(
        coco_check(std::path::Path::new(&plain))["annotations"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the job's own export holds the volunteers' boxes, not the model's"
    );
    let mixed = s.run(&[
        "export",
        "--job",
        "street",
        "--pre-annotations",
        "--consolidated",
    ]);
    assert!(
        failure(&mixed).contains("--consolidated"),
        "{}",
        failure(&mixed)
    );
}

#[tokio::test]
async fn the_owner_api_exports_pre_annotations_with_scores_and_refuses_mixing_them() {
    let app = TestApp::spawn_owned().await;
    app.create_job("street", &["car", "person"], 2, 1, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("detector.onnx");
    std::fs::write(&model, detector_model()).unwrap();
    stdout(&crowdbox(
        &database(&app),
        &[
            "prelabel",
            "--job",
            "street",
            "--model",
            model.to_str().unwrap(),
        ],
    ));

    let response = app
        .owner(
            Method::GET,
            "/api/jobs/street/export?pre_annotations=true",
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let coco: serde_json::Value = response.json();
    let scores: Vec<f64> = coco["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), 4, "{coco}");
    assert!(scores.iter().all(|s| *s > 0.5 && *s < 1.0), "{scores:?}");

    for (query, field) in [
        ("pre_annotations=true&consolidated=true", "consolidated"),
        ("pre_annotations=true&worker=w1", "worker"),
        ("pre_annotations=true&include_gold=true", "include_gold"),
    ] {
        let response = app
            .owner(
                Method::GET,
                &format!("/api/jobs/street/export?{query}"),
                None,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            response.text()
        );
        assert_eq!(response.error().field.as_deref(), Some(field), "{query}");
    }
}

/// Counts images with and without pre-annotations.
fn labelled_images(storage: &Storage) -> (i64, i64) {
    Conn::open(&storage.database)
        .unwrap()
        .one(
            "SELECT CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM pre_annotations p WHERE p.image_id = i.id)
                              THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM pre_annotations p WHERE p.image_id = i.id)
                              THEN 0 ELSE 1 END) AS BIGINT)
             FROM images i",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
}

#[test]
fn ctrl_c_stops_after_a_whole_chunk_and_a_second_run_finishes_the_rest() {
    let s = setup();
    let folder = s.root.join("many");
    std::fs::create_dir_all(&folder).unwrap();
    // Distinct shades: import keeps one copy of identical files.
    for index in 0..100_u32 {
        let shade = u8::try_from(index).unwrap();
        std::fs::write(
            folder.join(format!("m{index:03}.png")),
            png_fixture(640, 480, shade),
        )
        .unwrap();
    }
    stdout(&s.run(&[
        "import",
        "--job",
        "street",
        "--images",
        folder.to_str().unwrap(),
    ]));
    let total = 102;

    let mut child = command(&s.storage)
        .env_remove("RUST_LOG")
        .args(["prelabel", "--job", "street", "--model", &s.model()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first progress report comes after the first chunk; Ctrl+C then lands mid-run.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    loop {
        let mut chunk = Vec::new();
        let read = stderr.read_until(b'\r', &mut chunk).unwrap();
        assert!(
            read > 0,
            "prelabel ended before reporting progress: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&chunk);
        if String::from_utf8_lossy(&seen).contains("images/s") {
            break;
        }
    }
    let pid = i32::try_from(child.id()).unwrap();
    assert!(Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap()
        .success());
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut stderr, &mut rest).unwrap();
    seen.extend_from_slice(&rest);
    let output = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&seen);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("stopping after the running chunk"), "{said}");

    let (done, left) = labelled_images(&s.storage);
    assert!(left > 0, "the run stopped early: {said}");
    eprintln!("Ctrl+C kept {done} of {total} images");
    assert_eq!(done + left, total);
    assert_eq!(done % 16, 0, "whole chunks of 16 only: {done} images kept");
    let first = s.pre_annotations();
    assert_eq!(
        first.len() as i64,
        2 * done,
        "every kept image has both its boxes"
    );

    let again = stdout(&s.run(&["prelabel", "--job", "street", "--model", &s.model()]));
    assert!(
        again.starts_with(&format!("job street: {left} images pre-labelled")),
        "{again}"
    );
    assert_eq!(labelled_images(&s.storage), (total, 0));
    let second = s.pre_annotations();
    for kept in &first {
        assert!(
            second.contains(kept),
            "the first run's boxes stay: {kept:?}"
        );
    }
}

#[test]
fn images_behind_urls_are_skipped_with_a_count_and_get_no_pre_labels() {
    let s = setup();
    let manifest = s.root.join("remote.manifest");
    std::fs::write(
        &manifest,
        "{\"source-ref\": \"https://example.org/x.jpg\", \"width\": 640, \"height\": 480}\n",
    )
    .unwrap();
    stdout(&s.run(&[
        "import",
        "--job",
        "street",
        "--manifest",
        manifest.to_str().unwrap(),
    ]));
    let out = stdout(&s.run(&["prelabel", "--job", "street", "--model", &s.model()]));
    assert!(
        out.starts_with(
            "job street: 2 images pre-labelled, 4 boxes stored, 1 images behind URLs skipped"
        ),
        "{out}"
    );
    let files: Vec<String> = s.pre_annotations().into_iter().map(|row| row.0).collect();
    assert!(
        files.iter().all(|file| file == "a.png" || file == "b.png"),
        "{files:?}"
    );
}
