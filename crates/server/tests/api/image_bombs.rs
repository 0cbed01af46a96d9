//! Huge images: decompression bombs and truncated files refused at import naming the file, with nothing stored.

use std::io::Cursor;

use crate::cli_support::{run_err, write_pngs};
use crate::helpers::{import_request, png_fixture, TestApp};

/// A real JPEG of noise-like content, `width`×`height`.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 + y * 3) as u8, (x * y) as u8, (x ^ y) as u8])
    });
    let mut bytes = Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

/// A complete 64×64 JPEG of a few kilobytes whose frame header claims 60000×40000 pixels (2.4 Gpx).
fn jpeg_bomb() -> Vec<u8> {
    let mut bytes = jpeg(64, 64);
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 7].copy_from_slice(&40_000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    bytes
}

/// A complete 1×1 PNG whose header claims 60000×40000 pixels.
fn png_bomb() -> Vec<u8> {
    let mut bytes = png_fixture(1, 1, 3);
    assert_eq!(&bytes[12..16], b"IHDR");
    bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&40_000u32.to_be_bytes());
    bytes
}

#[tokio::test]
async fn a_decompression_bomb_in_an_image_folder_is_refused_naming_the_file_and_nothing_is_stored()
{
    for (name, bomb) in [("zz-bomb.jpg", jpeg_bomb()), ("zz-bomb.png", png_bomb())] {
        assert!(bomb.len() < 5000, "a tiny file: {} bytes", bomb.len());
        let app = TestApp::spawn().await;
        app.create_job("birds", &["gull"], 2, 1, 5).await;
        let (before, files) = (app.row_counts().await, app.stored_files());
        let folder = app.image_folder("more", 3);
        std::fs::write(folder.join(name), &bomb).unwrap();

        let error = app
            .import(&import_request("birds", folder))
            .await
            .unwrap_err()
            .to_string();

        assert!(
            error.contains(name)
                && error.contains("60000 × 40000 pixels")
                && error.contains("more than the limit of 1074 Mpx"),
            "{error}"
        );
        assert_eq!(app.row_counts().await, before);
        assert_eq!(app.stored_files(), files);
    }
}

#[tokio::test]
async fn a_truncated_jpeg_in_an_image_folder_is_refused_naming_the_file_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    app.create_job("birds", &["gull"], 2, 1, 5).await;
    let (before, files) = (app.row_counts().await, app.stored_files());
    let folder = app.image_folder("more", 3);
    let whole = jpeg(300, 200);
    std::fs::write(folder.join("cut.jpg"), &whole[..whole.len() * 6 / 10]).unwrap();

    let error = app
        .import(&import_request("birds", folder))
        .await
        .unwrap_err()
        .to_string();

    assert!(
        error.contains("cut.jpg") && error.contains("truncated"),
        "{error}"
    );
    assert_eq!(app.row_counts().await, before);
    assert_eq!(app.stored_files(), files);
}

#[tokio::test]
async fn a_whole_jpeg_beside_the_bad_ones_imports() {
    let app = TestApp::spawn().await;
    let folder = app.dir.path().join("fine");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("whole.jpg"), jpeg(300, 200)).unwrap();
    let report = app.import(&import_request("birds", folder)).await.unwrap();
    assert_eq!(report.added, 1);
}

#[tokio::test]
async fn a_dataset_naming_a_bomb_or_a_truncated_image_is_refused_naming_the_file_and_nothing_is_stored(
) {
    let whole = jpeg(40, 30);
    let cut = whole[..whole.len() / 2].to_vec();
    for (name, bytes, width, height, reason) in [
        ("b.jpg", jpeg_bomb(), 60_000, 40_000, "more than the limit"),
        ("b.jpg", cut, 40, 30, "truncated"),
    ] {
        let app = TestApp::spawn().await;
        let (before, files) = (app.row_counts().await, app.stored_files());
        let root = app.dir.path().join("coco");
        write_pngs(&root, &[("a.png", 40, 30)]);
        std::fs::write(root.join(name), bytes).unwrap();
        let coco = format!(
            r#"{{"images": [{{"id": 1, "file_name": "a.png", "width": 40, "height": 30}},
                           {{"id": 2, "file_name": "{name}", "width": {width}, "height": {height}}}],
                "annotations": [], "categories": [{{"id": 1, "name": "cat"}}]}}"#
        );
        let file = root.join("instances.json");
        std::fs::write(&file, coco).unwrap();

        let error = run_err(
            &app,
            &["import", "--job", "pets", "--coco", file.to_str().unwrap()],
        );

        assert!(error.contains(name) && error.contains(reason), "{error}");
        assert_eq!(app.row_counts().await, before);
        assert_eq!(app.stored_files(), files);
    }
}
