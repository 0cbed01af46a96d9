//! `POST /api/jobs/{job}/images`: multipart uploads of images or of a dataset, imported all or nothing.

use std::io::Write;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use crowdbox_core::coco::CocoDataset;
use crowdbox_core::owner::UploadReport;
use crowdbox_server::auth::OwnerToken;
use crowdbox_server::ServerConfig;

use crate::helpers::{png_fixture, TestApp, TestResponse, OWNER_TOKEN};

pub(crate) const BOUNDARY: &str = "crowdbox-test-boundary-7d1f";

/// One part of a multipart body: a text field, or a file with its name.
pub(crate) enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

pub(crate) fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        write!(body, "--{BOUNDARY}\r\n").unwrap();
        match part {
            Part::Text(name, value) => {
                write!(
                    body,
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .unwrap();
            }
            Part::File(name, file_name, bytes) => {
                write!(
                    body,
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .unwrap();
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    write!(body, "--{BOUNDARY}--\r\n").unwrap();
    body
}

async fn upload(app: &TestApp, job: &str, parts: &[Part<'_>]) -> TestResponse {
    let body = multipart(parts);
    let request = Request::post(format!("/api/jobs/{job}/images"))
        .header(header::AUTHORIZATION, format!("Bearer {OWNER_TOKEN}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap();
    app.request(request).await
}

fn png(index: u8, width: u32, height: u32) -> Vec<u8> {
    png_fixture(width, height, index)
}

async fn job(app: &TestApp) {
    let created = app
        .owner(
            axum::http::Method::POST,
            "/api/jobs",
            Some(
                &serde_json::json!({"name": "tools", "labels": ["hammer", "saw"], "batch_size": 5}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
}

/// Nothing is left of an upload's temporary folder.
fn no_upload_folders(app: &TestApp) {
    let database_dir = app.store.parent().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(database_dir)
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(".upload-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn refused(response: &TestResponse, status: StatusCode, code: &str, field: Option<&str>) {
    assert_eq!(response.status, status, "{}", response.text());
    let error = response.error();
    assert_eq!(error.code, code, "{}", error.message);
    assert_eq!(error.field.as_deref(), field, "{}", error.message);
}

#[tokio::test]
async fn image_parts_are_added_to_the_job_and_the_same_files_again_are_already_present() {
    let app = TestApp::spawn_owned().await;
    job(&app).await;
    let parts = [
        Part::File("images", "a.png", png(1, 40, 30)),
        Part::File("images", "photos/b.png", png(2, 20, 10)),
    ];
    let response = upload(&app, "tools", &parts).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    assert_eq!(
        response.json::<UploadReport>(),
        UploadReport {
            added: 2,
            already_present: 0,
            boxes_stored: 0,
            left_out: 0
        }
    );
    let batch = app.lease("tools", "w1").await;
    let mut names: Vec<_> = batch
        .tasks
        .iter()
        .map(|task| task.image.file_name.clone())
        .collect();
    names.sort();
    assert_eq!(names, ["a.png", "b.png"]);

    let again = upload(&app, "tools", &parts).await;
    assert_eq!(again.json::<UploadReport>().already_present, 2);
    assert_eq!(app.row_counts().await.images, 2);
    no_upload_folders(&app);
}

#[tokio::test]
async fn a_coco_dataset_with_its_images_becomes_pre_annotations_workers_see() {
    let app = TestApp::spawn_owned().await;
    job(&app).await;
    let coco = serde_json::json!({
        "images": [{"id": 7, "file_name": "a.png", "width": 40, "height": 30}],
        "annotations": [{"id": 1, "image_id": 7, "category_id": 2, "bbox": [10.735639, 4.5, 17.578141, 10.255747], "area": 1.0, "iscrowd": 0}],
        "categories": [{"id": 1, "name": "hammer"}, {"id": 2, "name": "saw"}]
    });
    let response = upload(
        &app,
        "tools",
        &[
            Part::Text("format", "coco"),
            Part::Text("as", "pre"),
            Part::File("dataset", "tools.json", serde_json::to_vec(&coco).unwrap()),
            Part::File("images", "a.png", png(1, 40, 30)),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let report: UploadReport = response.json();
    assert_eq!((report.added, report.boxes_stored), (1, 1));
    let batch = app.lease("tools", "w1").await;
    let given = &batch.tasks[0].initial_annotations;
    assert_eq!(given.len(), 1);
    assert_eq!(
        given[0].bbox.map(f64::to_bits),
        [10.735639, 4.5, 17.578141, 10.255747].map(f64::to_bits)
    );
    no_upload_folders(&app);
}

#[tokio::test]
async fn a_yolo_zip_imported_as_final_is_done_and_exports_its_boxes() {
    let app = TestApp::spawn_owned().await;
    job(&app).await;
    let mut zip_bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("yolo/classes.txt", options).unwrap();
        zip.write_all(b"hammer\nsaw\n").unwrap();
        zip.start_file("yolo/images/a.png", options).unwrap();
        zip.write_all(&png(1, 40, 30)).unwrap();
        zip.start_file("yolo/labels/a.txt", options).unwrap();
        zip.write_all(b"1 0.500000 0.500000 0.250000 0.200000\n")
            .unwrap();
        zip.finish().unwrap();
    }
    let response = upload(
        &app,
        "tools",
        &[
            Part::Text("format", "yolo"),
            Part::Text("as", "final"),
            Part::File("dataset", "yolo.zip", zip_bytes),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    assert_eq!(response.json::<UploadReport>().boxes_stored, 1);
    let coco: CocoDataset = app
        .owner(
            axum::http::Method::GET,
            "/api/jobs/tools/export?format=coco",
            None,
        )
        .await
        .json();
    assert_eq!(coco.annotations.len(), 1);
    assert_eq!(coco.annotations[0].bbox, [15.0, 12.0, 10.0, 6.0]);
    assert!(
        app.lease("tools", "w1").await.tasks.is_empty(),
        "final boxes make the image done"
    );
    no_upload_folders(&app);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_413_and_nothing_is_stored() {
    let app = TestApp::spawn_with(ServerConfig {
        owner_token: Some(OwnerToken::new(OWNER_TOKEN).unwrap()),
        max_upload_bytes: 4_000,
        ..ServerConfig::default()
    })
    .await;
    job(&app).await;
    let before = (app.row_counts().await, app.stored_files());
    let big_part = [Part::File("images", "big.png", vec![7; 5_000])];
    let declared = upload(&app, "tools", &big_part).await;
    refused(
        &declared,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        None,
    );
    // Without a Content-Length the limit is met while streaming.
    let streamed = app
        .request(
            Request::post("/api/jobs/tools/images")
                .header(header::AUTHORIZATION, format!("Bearer {OWNER_TOKEN}"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&big_part)))
                .unwrap(),
        )
        .await;
    refused(
        &streamed,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        None,
    );
    assert_eq!((app.row_counts().await, app.stored_files()), before);
    let small = upload(
        &app,
        "tools",
        &[Part::File("images", "a.png", png(1, 40, 30))],
    )
    .await;
    assert_eq!(small.status, StatusCode::CREATED, "{}", small.text());
    no_upload_folders(&app);
}

#[tokio::test]
async fn bad_uploads_are_refused_naming_the_part_and_nothing_is_stored() {
    let app = TestApp::spawn_owned().await;
    job(&app).await;
    upload(
        &app,
        "tools",
        &[Part::File("images", "kept.png", png(9, 30, 20))],
    )
    .await;
    let before = (app.row_counts().await, app.stored_files());
    let coco = serde_json::json!({
        "images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5], "area": 25.0, "iscrowd": 0}],
        "categories": [{"id": 1, "name": "drill"}]
    });
    let mut escaping = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut escaping));
        zip.start_file("../outside.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"cat\n").unwrap();
        zip.finish().unwrap();
    }
    let cases: Vec<(Vec<Part<'_>>, &str)> = vec![
        (
            vec![Part::File("dataset", "d.json", b"{}".to_vec())],
            "format",
        ),
        (
            vec![
                Part::Text("format", "pascal"),
                Part::File("dataset", "d.json", b"{}".to_vec()),
            ],
            "format",
        ),
        (vec![Part::Text("format", "coco")], "dataset"),
        (
            vec![
                Part::Text("as", "maybe"),
                Part::Text("format", "coco"),
                Part::File("dataset", "d.json", b"{}".to_vec()),
            ],
            "as",
        ),
        (
            vec![
                Part::File("images", "broken.png", b"not a png".to_vec()),
                Part::File("images", "a.png", png(1, 40, 30)),
            ],
            "images",
        ),
        (
            vec![
                Part::Text("format", "coco"),
                Part::Text("as", "pre"),
                Part::File("dataset", "d.json", serde_json::to_vec(&coco).unwrap()),
                Part::File("images", "a.png", png(1, 40, 30)),
            ],
            "dataset",
        ),
        (
            vec![
                Part::Text("format", "voc"),
                Part::Text("as", "pre"),
                Part::File("dataset", "voc.zip", b"PK not a zip".to_vec()),
            ],
            "dataset",
        ),
        (vec![Part::File("images", "..", png(1, 40, 30))], "images"),
        (vec![], "images"),
        (
            vec![
                Part::Text("format", "yolo"),
                Part::Text("as", "final"),
                Part::File("dataset", "yolo.zip", escaping),
            ],
            "dataset",
        ),
    ];
    for (parts, field) in cases {
        let response = upload(&app, "tools", &parts).await;
        refused(
            &response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some(field),
        );
        assert_eq!(
            (app.row_counts().await, app.stored_files()),
            before,
            "field {field}"
        );
    }
    let missing = upload(
        &app,
        "nothing",
        &[Part::File("images", "a.png", png(1, 40, 30))],
    )
    .await;
    refused(&missing, StatusCode::NOT_FOUND, "job_not_found", None);
    let json_body = app
        .owner(
            axum::http::Method::POST,
            "/api/jobs/tools/images",
            Some(&serde_json::json!({})),
        )
        .await;
    refused(
        &json_body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        Some("body"),
    );
    let anonymous = app
        .request(
            Request::post("/api/jobs/tools/images")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&[Part::File(
                    "images",
                    "a.png",
                    png(1, 40, 30),
                )])))
                .unwrap(),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!((app.row_counts().await, app.stored_files()), before);
    no_upload_folders(&app);
}
