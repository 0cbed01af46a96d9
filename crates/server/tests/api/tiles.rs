//! Tile pyramids: made at import for images above the threshold (and removed when an import fails), and each
//! tile served as a JPEG.

use crowdbox_server::import::ImportRequest;

use crate::cli_support::{database, failure, stdout, write_pngs};
use crate::helpers::{import_request, png_fixture, TestApp};

/// A folder with a 1100×800 PNG (0.88 Mpx) and a 40×30 one.
fn big_and_small(app: &TestApp) -> std::path::PathBuf {
    let folder = app.dir.path().join("mixed");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("big.png"), png_fixture(1100, 800, 9)).unwrap();
    std::fs::write(folder.join("small.png"), png_fixture(40, 30, 9)).unwrap();
    folder
}

#[tokio::test]
async fn an_image_above_the_threshold_gets_a_pyramid_in_the_store_and_its_task_describes_it() {
    let app = TestApp::spawn().await;
    let request = ImportRequest {
        pyramid_threshold_mpx: Some(0.5),
        ..import_request("birds", big_and_small(&app))
    };
    assert_eq!(app.import(&request).await.unwrap().added, 2);

    let batch = app.lease("birds", "worker-a").await;
    let tiles: Vec<(String, Option<serde_json::Value>)> = batch
        .tasks
        .iter()
        .map(|t| {
            let tiles = t.tiles.map(|p| serde_json::to_value(p).unwrap());
            (t.image.file_name.clone(), tiles)
        })
        .collect();
    // 1100 px halves to 550 and 275: three levels of 512 px tiles.
    assert_eq!(
        tiles,
        [
            (
                "big.png".to_owned(),
                Some(
                    serde_json::json!({"tile_size": 512, "levels": 3, "width": 1100,
                                        "height": 800, "format": "jpeg"})
                )
            ),
            ("small.png".to_owned(), None),
        ]
    );
    let files = app.stored_files();
    let tile_files: Vec<&String> = files.iter().filter(|f| f.starts_with("tiles/")).collect();
    // Level 0: 1 tile, level 1: 2×1, level 2: 3×2; and the description.
    assert_eq!(tile_files.len(), 1 + 2 + 6 + 1, "{tile_files:?}");
    assert!(
        tile_files.iter().any(|f| f.ends_with("/2/2/1.jpg")),
        "{tile_files:?}"
    );
}

#[tokio::test]
async fn images_at_or_below_the_threshold_get_no_pyramid() {
    let app = TestApp::spawn().await;
    app.import(&import_request("birds", big_and_small(&app)))
        .await
        .unwrap();
    let response = app
        .post_json(
            "/api/jobs/birds/batches",
            &serde_json::json!({ "worker_id": "worker-a" }),
        )
        .await;
    let batch: serde_json::Value = response.json();
    assert_eq!(batch["tasks"].as_array().unwrap().len(), 2);
    assert!(
        !response.text().contains("tiles"),
        "a task without a pyramid leaves `tiles` out: {}",
        response.text()
    );
    assert!(!app.stored_files().iter().any(|f| f.starts_with("tiles/")));
}

#[tokio::test]
async fn a_failed_import_removes_the_pyramids_it_made() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let (before, files) = (app.row_counts().await, app.stored_files());
    let request = ImportRequest {
        labels: Some(vec!["tern".into()]),
        pyramid_threshold_mpx: Some(0.5),
        ..import_request("birds", big_and_small(&app))
    };

    let error = app.import(&request).await.unwrap_err().to_string();

    assert!(error.contains("labels"), "{error}");
    assert_eq!(app.row_counts().await, before);
    assert_eq!(app.stored_files(), files);
    assert!(!app
        .store
        .join("tiles")
        .read_dir()
        .is_ok_and(|mut d| d.next().is_some()));
}

/// `crowdbox import --coco FILE` with the tiling threshold set through the environment (and the default log
/// level, which shows the pyramids' progress).
fn import_coco_with_threshold(
    app: &TestApp,
    file: &std::path::Path,
    mpx: &str,
) -> std::process::Output {
    crate::cli_support::command(&database(app))
        .args(["import", "--job", "pets", "--coco", file.to_str().unwrap()])
        .env("CROWDBOX_PYRAMID_THRESHOLD_MPX", mpx)
        .env_remove("RUST_LOG")
        .output()
        .expect("crowdbox runs")
}

#[tokio::test]
async fn a_dataset_import_tiles_images_above_the_threshold_from_the_environment() {
    let app = TestApp::spawn().await;
    let root = app.dir.path().join("coco");
    write_pngs(&root, &[("big.png", 1100, 800), ("small.png", 40, 30)]);
    let file = root.join("instances.json");
    std::fs::write(
        &file,
        r#"{"images": [{"id": 1, "file_name": "big.png", "width": 1100, "height": 800},
                       {"id": 2, "file_name": "small.png", "width": 40, "height": 30}],
            "annotations": [], "categories": [{"id": 1, "name": "cat"}]}"#,
    )
    .unwrap();
    let (before, files) = (app.row_counts().await, app.stored_files());
    let error = failure(&import_coco_with_threshold(&app, &file, "lots"));
    assert!(
        error.contains("CROWDBOX_PYRAMID_THRESHOLD_MPX") && error.contains("lots"),
        "{error}"
    );
    assert_eq!(
        (app.row_counts().await, app.stored_files()),
        (before, files)
    );

    let imported = import_coco_with_threshold(&app, &file, "0.5");
    stdout(&imported);
    let log = String::from_utf8_lossy(&imported.stderr);
    assert!(
        log.contains("making a tile pyramid") && log.contains("big.png"),
        "the import says which image it tiles: {log}"
    );
    assert!(log.contains("tile pyramid made"), "{log}");
    assert!(!log.contains("small.png"), "{log}");

    let batch = app.lease("pets", "worker-a").await;
    let tiles: Vec<Option<(u32, u32, u32, u32)>> = batch
        .tasks
        .iter()
        .map(|t| t.tiles.map(|p| (p.tile_size, p.levels, p.width, p.height)))
        .collect();
    assert_eq!(tiles, [Some((512, 3, 1100, 800)), None]);
    assert!(app
        .stored_files()
        .iter()
        .any(|f| f.starts_with("tiles/") && f.ends_with("/pyramid.json")));
}

/// Imports the 1100×800 PNG (tiled at a threshold of 0.5 Mpx) and the 40×30 one; returns their image ids.
async fn tiled_job(app: &TestApp) -> (u64, u64) {
    let request = ImportRequest {
        pyramid_threshold_mpx: Some(0.5),
        ..import_request("birds", big_and_small(app))
    };
    app.import(&request).await.unwrap();
    let batch = app.lease("birds", "worker-a").await;
    let id_of = |name: &str| {
        batch
            .tasks
            .iter()
            .find(|t| t.image.file_name == name)
            .unwrap()
            .task_id
    };
    (id_of("big.png"), id_of("small.png"))
}

#[tokio::test]
async fn a_tile_is_served_as_a_jpeg_cached_for_good_with_an_etag() {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};

    let app = TestApp::spawn().await;
    let (big, _) = tiled_job(&app).await;
    // The finest level's bottom-right tile: what is left of 1100×800 after 2×1 full tiles.
    let response = app.get(&format!("/api/images/{big}/tiles/2/2/1")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let header_of = |name| response.headers.get(name).unwrap().to_str().unwrap();
    assert_eq!(header_of(header::CONTENT_TYPE), "image/jpeg");
    assert_eq!(
        header_of(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let tile =
        image::load_from_memory_with_format(&response.body, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((tile.width(), tile.height()), (1100 - 1024, 800 - 512));
    let overview = app.get(&format!("/api/images/{big}/tiles/0/0/0")).await;
    assert_eq!(overview.status, StatusCode::OK);
    let overview = image::load_from_memory(&overview.body).unwrap();
    assert_eq!((overview.width(), overview.height()), (275, 200));

    let etag = header_of(header::ETAG).to_owned();
    let other = app.get(&format!("/api/images/{big}/tiles/2/1/1")).await;
    assert_ne!(
        other.headers.get(header::ETAG).unwrap().to_str().unwrap(),
        etag,
        "each tile has its own validator"
    );
    let cached = app
        .request(
            Request::get(format!("/api/images/{big}/tiles/2/2/1"))
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
}

#[tokio::test]
async fn a_tile_out_of_range_not_a_number_or_a_traversal_attempt_is_a_json_404() {
    use axum::http::StatusCode;

    let app = TestApp::spawn().await;
    let (big, small) = tiled_job(&app).await;
    let cases = [
        // Level 2 has 3×2 tiles, level 0 one; there is no level 3.
        (format!("/api/images/{big}/tiles/3/0/0"), "tile_not_found"),
        (format!("/api/images/{big}/tiles/2/3/0"), "tile_not_found"),
        (format!("/api/images/{big}/tiles/2/0/2"), "tile_not_found"),
        (format!("/api/images/{big}/tiles/0/1/0"), "tile_not_found"),
        (
            format!("/api/images/{big}/tiles/4294967296/0/0"),
            "tile_not_found",
        ),
        (format!("/api/images/{big}/tiles/a/0/0"), "tile_not_found"),
        (format!("/api/images/{big}/tiles/-1/0/0"), "tile_not_found"),
        (format!("/api/images/{big}/tiles/01/0/0"), "tile_not_found"),
        (
            format!("/api/images/{big}/tiles/0/0/0.jpg"),
            "tile_not_found",
        ),
        (
            format!("/api/images/{big}/tiles/..%2F..%2F..%2Fetc/0/0"),
            "tile_not_found",
        ),
        (
            format!("/api/images/{big}/tiles/0/0/..%2F..%2Fpyramid.json"),
            "tile_not_found",
        ),
        (format!("/api/images/{big}/tiles/0/../0/0"), "not_found"),
        // The small image has no pyramid; image 999 does not exist.
        (format!("/api/images/{small}/tiles/0/0/0"), "tile_not_found"),
        ("/api/images/999/tiles/0/0/0".to_owned(), "image_not_found"),
        ("/api/images/x/tiles/0/0/0".to_owned(), "image_not_found"),
    ];
    for (uri, code) in cases {
        let response = app.get(&uri).await;
        assert_eq!(
            response.status,
            StatusCode::NOT_FOUND,
            "{uri}: {}",
            response.text()
        );
        assert_eq!(response.error().code, code, "{uri}");
    }
}
