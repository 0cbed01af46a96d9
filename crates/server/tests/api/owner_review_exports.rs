//! What the exports give after the owner's review: a correction in every format, one worker's boxes alone, and an
//! Open Images export that imports back.

use axum::http::{Method, StatusCode};
use crowdbox_core::coco::CocoDataset;
use serde_json::json;

use crate::helpers::TestApp;
use crate::owner_review_support::{review, reviewed_job, HAMMER, SAW};

async fn export_bytes(app: &TestApp, query: &str) -> Vec<u8> {
    let response = app
        .owner(
            Method::GET,
            &format!("/api/jobs/tools/export?{query}"),
            None,
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{query}: {}",
        response.text()
    );
    response.body.to_vec()
}

/// The text of every file in a zip, by path.
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).unwrap();
            (file.name().to_owned(), text)
        })
        .collect()
}

#[tokio::test]
async fn a_correction_is_what_every_export_format_gives_for_the_image() {
    let (app, [_, disputed, _]) = reviewed_job().await;
    let corrected =
        json!({"action": "correct", "boxes": [{"label": "saw", "bbox": [11.0, 8.0, 22.0, 16.0]}]});
    assert_eq!(
        review(&app, disputed, corrected).await.status,
        StatusCode::OK
    );
    let file_stem = "image-02";

    let coco: CocoDataset =
        serde_json::from_slice(&export_bytes(&app, "format=coco").await).unwrap();
    let boxes: Vec<_> = coco
        .annotations
        .iter()
        .filter(|a| a.image_id == disputed)
        .map(|a| a.bbox)
        .collect();
    assert_eq!(boxes, vec![[11.0, 8.0, 22.0, 16.0]]);

    let manifest = String::from_utf8(export_bytes(&app, "format=groundtruth").await).unwrap();
    let line = manifest
        .lines()
        .find(|line| line.contains(file_stem))
        .unwrap();
    let record: serde_json::Value = serde_json::from_str(line).unwrap();
    let annotations = &record["tools"]["annotations"];
    assert_eq!(annotations.as_array().unwrap().len(), 1, "{line}");
    assert_eq!(
        (
            annotations[0]["left"].as_f64(),
            annotations[0]["width"].as_f64()
        ),
        (Some(11.0), Some(22.0))
    );

    let csv = String::from_utf8(export_bytes(&app, "format=openimages").await).unwrap();
    let rows: Vec<&str> = csv
        .lines()
        .filter(|line| line.starts_with(file_stem))
        .collect();
    assert_eq!(
        rows,
        vec!["image-02,crowdbox,saw,1,0.25,0.75,0.25,0.75,-1,-1,0,-1,-1"]
    );

    let voc = unzip(&export_bytes(&app, "format=voc").await);
    let xml = &voc[&format!("Annotations/{file_stem}.xml")];
    assert_eq!(xml.matches("<object>").count(), 1, "{xml}");
    assert!(
        xml.contains("<name>saw</name>")
            && xml.contains("<xmin>12</xmin>")
            && xml.contains("<xmax>33</xmax>"),
        "VOC corners are 1-based: {xml}"
    );

    let yolo = unzip(&export_bytes(&app, "format=yolo").await);
    assert_eq!(yolo["classes.txt"], "hammer\nsaw\n");
    assert_eq!(
        yolo[&format!("labels/{file_stem}.txt")],
        "1 0.500000 0.500000 0.500000 0.500000\n"
    );
}

#[tokio::test]
async fn a_per_worker_export_gives_only_what_that_worker_drew() {
    let (app, [agreed, disputed, _]) = reviewed_job().await;
    assert_eq!(
        review(&app, agreed, json!({"action": "accept"}))
            .await
            .status,
        StatusCode::OK
    );
    let coco: CocoDataset =
        serde_json::from_slice(&export_bytes(&app, "format=coco&worker=w2").await).unwrap();
    let boxes: Vec<(u64, u64, [f64; 4])> = coco
        .annotations
        .iter()
        .map(|a| (a.image_id, a.category_id, a.bbox))
        .collect();
    assert_eq!(
        boxes,
        vec![
            (agreed, HAMMER, [4.0, 4.0, 20.0, 16.0]),
            (disputed, SAW, [25.0, 15.0, 12.0, 12.0])
        ]
    );
    assert_eq!(coco.images.len(), 3, "every image of the job is listed");

    for (query, field) in [
        ("format=coco&worker=nobody", "worker"),
        ("format=coco&worker=w2&consolidated=true", "worker"),
        ("format=pascal", "format"),
    ] {
        let response = app
            .owner(
                Method::GET,
                &format!("/api/jobs/tools/export?{query}"),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(response.error().field.as_deref(), Some(field), "{query}");
    }
}

#[tokio::test]
async fn an_open_images_export_from_the_command_line_imports_back_to_the_same_boxes() {
    let (app, _) = reviewed_job().await;
    let out = app.dir.path().join("boxes.csv");
    crate::cli_support::export(&app, "tools", "openimages", &out, &["--worker", "w1"]);
    let images = app.image_folder("tools-images", 3);
    let output = crate::cli_support::run_ok(
        &app,
        &[
            "import",
            "--job",
            "copy",
            "--openimages",
            out.to_str().unwrap(),
            "--image-dir",
            images.to_str().unwrap(),
            "--as",
            "final",
        ],
    );
    assert!(output.is_empty() || output.contains("copy"), "{output}");
    let copy: CocoDataset = app
        .owner(Method::GET, "/api/jobs/copy/export?format=coco", None)
        .await
        .json();
    let mut boxes: Vec<[f64; 4]> = copy.annotations.iter().map(|a| a.bbox).collect();
    boxes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let want = [[2.0, 2.0, 10.0, 10.0], [4.0, 4.0, 20.0, 16.0]];
    assert_eq!(boxes.len(), 2);
    for (got, want) in boxes.iter().zip(want) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?} against {want:?}");
        }
    }
}
