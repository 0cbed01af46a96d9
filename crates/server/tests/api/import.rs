//! `crowdbox import` (the library function behind it): idempotent, EXIF-aware, all or nothing.

use axum::http::StatusCode;
use crowdbox_server::import::ImportRequest;

use crate::helpers::{import_request, jpeg_with_orientation, png_fixture, TestApp};

#[tokio::test]
async fn importing_the_same_folder_twice_adds_nothing_twice() {
    let app = TestApp::spawn().await;
    let folder = app.image_folder("photos", 3);

    let first = app
        .import(&import_request("birds", folder.clone()))
        .await
        .unwrap();
    let counts = app.row_counts().await;
    let files = app.stored_files();
    let second = app
        .import(&import_request("birds", folder.clone()))
        .await
        .unwrap();

    assert_eq!(
        (first.job_created, first.added, first.already_present),
        (true, 3, 0)
    );
    assert_eq!(
        (second.job_created, second.added, second.already_present),
        (false, 0, 3)
    );
    assert_eq!(
        second.to_string(),
        "job birds: 0 images added, 3 already present"
    );
    assert_eq!(app.row_counts().await, counts);
    assert_eq!(app.stored_files(), files);
    assert_eq!(files.len(), 3);

    std::fs::write(folder.join("image-04.png"), png_fixture(9, 9, 7)).unwrap();
    let third = app.import(&import_request("birds", folder)).await.unwrap();
    assert_eq!((third.added, third.already_present), (1, 3));
}

#[tokio::test]
async fn images_are_taken_by_extension_in_any_case_in_file_name_order() {
    let app = TestApp::spawn().await;
    let folder = app.dir.path().join("mixed");
    std::fs::create_dir_all(folder.join("nested.png")).unwrap();
    std::fs::write(folder.join("b.PNG"), png_fixture(5, 4, 1)).unwrap();
    std::fs::write(folder.join("a.jpeg"), jpeg_with_orientation(6, 4, 1)).unwrap();
    std::fs::write(folder.join("c.Jpg"), jpeg_with_orientation(7, 4, 1)).unwrap();
    std::fs::write(folder.join("notes.txt"), "not an image").unwrap();

    let report = app.import(&import_request("birds", folder)).await.unwrap();

    assert_eq!(report.added, 3);
    let rows: Vec<(i64, String, String)> = app
        .sql()
        .await
        .rows(
            "SELECT id, file_name, mime FROM images ORDER BY id",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        rows,
        [
            (1, "a.jpeg".to_owned(), "image/jpeg".to_owned()),
            (2, "b.PNG".to_owned(), "image/png".to_owned()),
            (3, "c.Jpg".to_owned(), "image/jpeg".to_owned())
        ]
    );
}

#[tokio::test]
async fn an_exif_orientation_6_jpeg_reports_its_displayed_size() {
    let app = TestApp::spawn().await;
    let folder = app.dir.path().join("camera");
    std::fs::create_dir_all(&folder).unwrap();
    let bytes = jpeg_with_orientation(40, 20, 6);
    std::fs::write(folder.join("portrait.jpg"), &bytes).unwrap();
    std::fs::write(folder.join("upright.jpg"), jpeg_with_orientation(40, 20, 1)).unwrap();

    app.import(&import_request("birds", folder)).await.unwrap();
    let batch = app.lease("birds", "worker-a").await;

    let sizes: Vec<_> = batch
        .tasks
        .iter()
        .map(|t| (t.image.file_name.as_str(), t.image.width, t.image.height))
        .collect();
    assert_eq!(sizes, [("portrait.jpg", 20, 40), ("upright.jpg", 40, 20)]);
    let served = app.get(&batch.tasks[0].image_url).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(
        served.body.as_ref(),
        bytes.as_slice(),
        "the original bytes, EXIF and all, are served"
    );
}

#[tokio::test]
async fn a_corrupt_image_fails_the_import_naming_it_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let folder = app.image_folder("photos", 2);
    std::fs::write(
        folder.join("broken.jpg"),
        b"\xFF\xD8 definitely not the rest of a JPEG",
    )
    .unwrap();
    let before = app.row_counts().await;

    let error = app
        .import(&import_request("birds", folder))
        .await
        .unwrap_err()
        .to_string();

    assert!(error.contains("broken.jpg"), "{error}");
    assert_eq!(
        app.row_counts().await,
        before,
        "not even the job is created"
    );
    assert!(app.stored_files().is_empty());
}

#[tokio::test]
async fn a_file_that_is_another_image_type_is_refused_by_name() {
    let app = TestApp::spawn().await;
    let folder = app.dir.path().join("gif");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("anim.png"),
        b"GIF89a\x03\x00\x02\x00\x00\x00\x00;",
    )
    .unwrap();

    let error = app
        .import(&import_request("birds", folder))
        .await
        .unwrap_err()
        .to_string();

    assert!(
        error.contains("anim.png") && error.contains("JPEG, PNG and WebP"),
        "{error}"
    );
}

#[tokio::test]
async fn a_failed_import_into_an_existing_job_leaves_it_as_it_was() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let (before, files) = (app.row_counts().await, app.stored_files());
    let folder = app.image_folder("more", 4);
    std::fs::write(folder.join("zz-broken.png"), b"\x89PNG\r\n\x1a\n").unwrap();

    let error = app
        .import(&import_request("birds", folder))
        .await
        .unwrap_err()
        .to_string();

    assert!(error.contains("zz-broken.png"), "{error}");
    assert_eq!(app.row_counts().await, before);
    assert_eq!(app.stored_files(), files);
}

#[tokio::test]
async fn a_new_job_needs_labels() {
    let app = TestApp::spawn().await;
    let folder = app.image_folder("photos", 1);
    let error = app
        .import(&ImportRequest {
            labels: None,
            ..import_request("birds", folder)
        })
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("--labels"), "{error}");
    assert_eq!(app.row_counts().await.jobs, 0);
}

#[tokio::test]
async fn labels_of_an_existing_job_cannot_change() {
    let app = TestApp::spawn().await;
    let folder = app.image_folder("photos", 1);
    app.import(&import_request("birds", folder.clone()))
        .await
        .unwrap();

    let other = ImportRequest {
        labels: Some(vec!["tern".into()]),
        ..import_request("birds", folder.clone())
    };
    let error = app.import(&other).await.unwrap_err().to_string();
    assert!(error.contains("gull") && error.contains("tern"), "{error}");

    let same = app.import(&import_request("birds", folder)).await;
    assert!(same.is_ok(), "repeating the same labels is fine");
}

#[tokio::test]
async fn bad_labels_and_zero_settings_are_refused_with_the_flag_named() {
    let app = TestApp::spawn().await;
    let folder = app.image_folder("photos", 1);
    let cases = [
        (
            ImportRequest {
                labels: Some(vec!["gull".into(), " ".into()]),
                ..import_request("birds", folder.clone())
            },
            "empty label",
        ),
        (
            ImportRequest {
                labels: Some(vec!["gull".into(), "gull".into()]),
                ..import_request("birds", folder.clone())
            },
            "twice",
        ),
        (
            ImportRequest {
                batch_size: Some(0),
                ..import_request("birds", folder.clone())
            },
            "--batch-size",
        ),
        (
            ImportRequest {
                workers_per_image: Some(0),
                ..import_request("birds", folder.clone())
            },
            "--workers-per-image",
        ),
    ];
    for (bad, expected) in cases {
        let error = app.import(&bad).await.unwrap_err().to_string();
        assert!(error.contains(expected), "{expected}: {error}");
    }
    assert_eq!(app.row_counts().await.jobs, 0);
}

#[tokio::test]
async fn settings_of_an_existing_job_can_be_updated_by_importing_again() {
    let app = TestApp::spawn().await;
    let folder = app.image_folder("photos", 3);
    app.import(&import_request("birds", folder.clone()))
        .await
        .unwrap();

    let update = ImportRequest {
        batch_size: Some(2),
        instructions: Some("New text".into()),
        ..import_request("birds", folder)
    };
    let report = app.import(&update).await.unwrap();

    assert_eq!(report.settings_changed, ["instructions", "batch_size"]);
    let batch = app.lease("birds", "worker-a").await;
    assert_eq!(
        (batch.tasks.len(), batch.instructions.as_str()),
        (2, "New text")
    );
}

#[tokio::test]
async fn an_empty_folder_is_an_error_that_names_it() {
    let app = TestApp::spawn().await;
    let folder = app.dir.path().join("empty");
    std::fs::create_dir_all(&folder).unwrap();
    let error = app
        .import(&import_request("birds", folder))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("found no") && error.contains("empty"),
        "{error}"
    );
}
