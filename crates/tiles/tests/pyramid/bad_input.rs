//! Bad input refused naming the file, with nothing written.

use super::helpers::*;
use crowdbox_tiles::{make_pyramid, PyramidOptions, TileErrorKind};
use image::ImageFormat;

#[test]
fn a_jpeg_cut_short_is_refused_naming_the_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = jpeg_bytes(&picture(600, 600));
    let source = dir.path().join("cut.jpg");
    std::fs::write(&source, &jpeg[..jpeg.len() * 6 / 10]).unwrap();
    let error = make_pyramid(&source, &dir.path().join("cut"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::Truncated), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("cut.jpg") && message.contains("truncated"),
        "{message}"
    );
    assert_only(dir.path(), &["cut.jpg"]);
}

#[test]
fn a_jpeg_whose_header_claims_more_rows_than_its_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tall.jpg");
    std::fs::write(&source, jpeg_claiming_height(&picture(600, 300), 2400)).unwrap();
    let error = make_pyramid(&source, &dir.path().join("tall"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::Truncated), "{error}");
    assert!(error.to_string().contains("tall.jpg"));
    assert_only(dir.path(), &["tall.jpg"]);
}

#[test]
fn a_png_whose_header_claims_more_rows_than_its_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("short.png");
    std::fs::write(&source, png_claiming(16, 4000)).unwrap();
    let error =
        make_pyramid(&source, &dir.path().join("short"), &options(128), |_| {}).unwrap_err();
    assert!(
        matches!(
            error.kind,
            TileErrorKind::Truncated | TileErrorKind::Corrupt(_)
        ),
        "{error}"
    );
    assert!(error.to_string().contains("short.png"), "{error}");
    assert_only(dir.path(), &["short.png"]);
}

#[test]
fn a_decompression_bomb_is_refused_by_its_header_before_any_pixel_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let png = png_claiming(50_000, 40_000); // 2 Gpx in a file of a few hundred bytes
    assert!(png.len() < 2000);
    let png_path = dir.path().join("bomb.png");
    std::fs::write(&png_path, png).unwrap();
    let jpeg_path = dir.path().join("bomb.jpg");
    let mut jpeg = jpeg_claiming_height(&picture(64, 64), 60_000);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    std::fs::write(&jpeg_path, jpeg).unwrap();
    for (source, name) in [(&png_path, "bomb.png"), (&jpeg_path, "bomb.jpg")] {
        let checked =
            crowdbox_tiles::checked_image_size(source, crowdbox_tiles::DEFAULT_MAX_PIXELS)
                .unwrap_err();
        assert!(
            matches!(checked.kind, TileErrorKind::TooManyPixels { .. }),
            "{checked}"
        );
        let started = std::time::Instant::now();
        let error = make_pyramid(
            source,
            &dir.path().join("bomb"),
            &PyramidOptions::default(),
            |_| {},
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error.kind, TileErrorKind::TooManyPixels { .. }),
            "{message}"
        );
        assert!(
            message.contains(name) && message.contains("more than the limit of 1074 Mpx"),
            "{message}"
        );
        assert!(
            started.elapsed().as_secs() < 5,
            "refused on the header, not after decoding"
        );
    }
    assert_only(dir.path(), &["bomb.jpg", "bomb.png"]);
}

#[test]
fn a_file_that_is_not_an_image_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("notes.jpg");
    std::fs::write(&source, b"these are not pixels").unwrap();
    let error =
        make_pyramid(&source, &dir.path().join("notes"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::NotAnImage), "{error}");
    assert!(error.to_string().contains("notes.jpg"));
    let missing = make_pyramid(
        &dir.path().join("gone.png"),
        &dir.path().join("gone"),
        &options(128),
        |_| {},
    )
    .unwrap_err();
    assert!(matches!(missing.kind, TileErrorKind::Read(_)), "{missing}");
    assert_only(dir.path(), &["notes.jpg"]);
}

#[test]
fn an_existing_destination_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(dir.path(), "a.jpg", &picture(300, 300), ImageFormat::Jpeg);
    let dest = dir.path().join("a.tiles");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("keep.txt"), b"mine").unwrap();
    let error = make_pyramid(&source, &dest, &options(128), |_| {}).unwrap_err();
    assert!(
        matches!(error.kind, TileErrorKind::DestinationExists),
        "{error}"
    );
    assert!(error.to_string().contains("a.tiles"));
    assert_eq!(std::fs::read(dest.join("keep.txt")).unwrap(), b"mine");
    assert_only(dir.path(), &["a.jpg", "a.tiles"]);
}

#[test]
fn options_that_cannot_make_a_pyramid_are_refused_before_reading_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(dir.path(), "a.jpg", &picture(300, 300), ImageFormat::Jpeg);
    for (options, why) in [
        (options(255), "tile size 255 px is odd"),
        (options(32), "tile size 32 px is outside"),
        (
            PyramidOptions {
                quality: 0,
                ..PyramidOptions::default()
            },
            "quality 0",
        ),
    ] {
        let error =
            make_pyramid(&source, &dir.path().join("a.tiles"), &options, |_| {}).unwrap_err();
        assert!(matches!(error.kind, TileErrorKind::Options(_)), "{error}");
        assert!(error.to_string().contains(why), "{error}");
    }
    assert_only(dir.path(), &["a.jpg"]);
}

#[test]
fn the_size_limit_is_the_callers_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_image(dir.path(), "a.jpg", &picture(300, 200), ImageFormat::Jpeg);
    let strict = PyramidOptions {
        max_pixels: 300 * 200 - 1,
        ..options(128)
    };
    let error = make_pyramid(&source, &dir.path().join("a.tiles"), &strict, |_| {}).unwrap_err();
    assert!(
        matches!(
            error.kind,
            TileErrorKind::TooManyPixels {
                width: 300,
                height: 200,
                ..
            }
        ),
        "{error}"
    );
    let exact = PyramidOptions {
        max_pixels: 300 * 200,
        ..options(128)
    };
    make_pyramid(&source, &dir.path().join("a.tiles"), &exact, |_| {}).unwrap();
}

#[test]
fn a_cmyk_jpeg_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("print.jpg");
    libjpeg_file(&source, &picture(300, 200), false, true);
    let error =
        make_pyramid(&source, &dir.path().join("print"), &options(128), |_| {}).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("print.jpg") && message.contains("CMYK"),
        "{message}"
    );
    assert_only(dir.path(), &["print.jpg"]);
}

#[test]
fn a_progressive_jpeg_whose_header_claims_more_rows_than_its_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tall-progressive.jpg");
    libjpeg_file(&source, &picture(400, 300), true, false);
    let mut jpeg = std::fs::read(&source).unwrap();
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC2])
        .expect("a progressive JPEG has SOF2");
    jpeg[sof + 5..sof + 7].copy_from_slice(&1200u16.to_be_bytes());
    std::fs::write(&source, jpeg).unwrap();
    let error = make_pyramid(&source, &dir.path().join("tall"), &options(128), |_| {}).unwrap_err();
    assert!(matches!(error.kind, TileErrorKind::Truncated), "{error}");
    assert_only(dir.path(), &["tall-progressive.jpg"]);
}
