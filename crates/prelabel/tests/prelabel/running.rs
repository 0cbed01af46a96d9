//! Runs over image files: chunks in order, classes mapped and dropped, progress, stopping and resuming.

use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crowdbox_prelabel::{
    run, Chunk, ClassMap, Detector, DetectorOptions, ImageInput, ImageOutcome, RunOptions,
};

use crate::models::{load, yolov8_model};

/// A detector that finds one class-1 box in every image, and a class map that maps class 1 ("person") to the
/// job's label 0 and class 0 ("car") nowhere.
fn detector_and_map() -> (Detector, ClassMap) {
    let detector = load(
        &yolov8_model(&[("names", "{0: 'car', 1: 'person'}")]),
        &DetectorOptions::default(),
    );
    let map = ClassMap::new(
        detector.class_names(),
        &["person".to_owned(), "dog".to_owned()],
        &[],
    )
    .unwrap();
    (detector, map)
}

/// `count` PNG files of assorted sizes in `dir`.
fn images(dir: &Path, count: u64) -> Vec<ImageInput> {
    (1..=count)
        .map(|id| {
            let (width, height) = (320 + 40 * id as u32, 240 + 10 * id as u32);
            let path = dir.join(format!("{id}.png"));
            image::RgbImage::from_pixel(width, height, image::Rgb([90, 120, 150]))
                .save(&path)
                .unwrap();
            ImageInput {
                id,
                path,
                width,
                height,
            }
        })
        .collect()
}

fn options(chunk_size: usize) -> RunOptions {
    RunOptions {
        chunk_size,
        threads: 2,
    }
}

fn run_all(
    detector: &Detector,
    map: &ClassMap,
    images: &[ImageInput],
    cancel: &AtomicBool,
) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    run(
        detector,
        map,
        images,
        &options(3),
        cancel,
        |_| {},
        |chunk| {
            chunks.push(chunk);
            Ok::<(), Infallible>(())
        },
    )
    .unwrap();
    chunks
}

#[test]
fn every_image_comes_back_once_in_chunks_in_input_order_with_its_boxes_mapped_to_job_labels() {
    let dir = tempfile::tempdir().unwrap();
    let images = images(dir.path(), 10);
    let (detector, map) = detector_and_map();
    let mut progress = Vec::new();
    let mut chunks = Vec::new();
    let summary = run(
        &detector,
        &map,
        &images,
        &options(3),
        &AtomicBool::new(false),
        |p| progress.push(p.done),
        |c| {
            chunks.push(c);
            Ok::<(), Infallible>(())
        },
    )
    .unwrap();
    let sizes: Vec<usize> = chunks.iter().map(|c| c.images.len()).collect();
    assert_eq!(sizes, vec![3, 3, 3, 1]);
    let ids: Vec<u64> = chunks
        .iter()
        .flat_map(|c| c.images.iter().map(|i| i.id))
        .collect();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    assert_eq!(progress, (1..=10).collect::<Vec<_>>());
    for outcome in chunks.iter().flat_map(|c| &c.images) {
        let prelabels = outcome.prelabels.as_ref().unwrap();
        assert_eq!(prelabels.len(), 1);
        assert_eq!((prelabels[0].label, prelabels[0].score), (0, 0.9));
        let image = &images[outcome.id as usize - 1];
        // The box is centred in the input, so it is centred in the image whatever its size (to within the
        // rounding of the padding to whole input pixels).
        let center = prelabels[0].rect.center();
        let input_pixel = 1.0 / (640.0 / f64::from(image.width.max(image.height)));
        assert!((center.x - f64::from(image.width) / 2.0).abs() <= input_pixel);
        assert!((center.y - f64::from(image.height) / 2.0).abs() <= input_pixel);
    }
    assert_eq!(
        (
            summary.images_done,
            summary.boxes,
            summary.chunks,
            summary.cancelled
        ),
        (10, 10, 4, false)
    );
}

#[test]
fn boxes_of_classes_that_map_to_no_label_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let images = images(dir.path(), 4);
    let detector = load(
        &yolov8_model(&[("names", "{0: 'car', 1: 'person'}")]),
        &DetectorOptions::default(),
    );
    let map = ClassMap::new(detector.class_names(), &["car".to_owned()], &[]).unwrap();
    let mut outcomes: Vec<ImageOutcome> = Vec::new();
    let summary = run(
        &detector,
        &map,
        &images,
        &options(3),
        &AtomicBool::new(false),
        |_| {},
        |c| {
            outcomes.extend(c.images);
            Ok::<(), Infallible>(())
        },
    )
    .unwrap();
    assert!(outcomes
        .iter()
        .all(|o| o.prelabels.as_ref().unwrap().is_empty() && o.dropped["person"] == 1));
    assert_eq!((summary.boxes, summary.dropped["person"]), (0, 4));
}

#[test]
fn a_stop_ends_the_run_after_a_whole_chunk_and_a_second_run_over_the_rest_gives_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let images = images(dir.path(), 10);
    let (detector, map) = detector_and_map();
    let uninterrupted: Vec<ImageOutcome> =
        run_all(&detector, &map, &images, &AtomicBool::new(false))
            .into_iter()
            .flat_map(|c| c.images)
            .collect();

    // Ctrl+C arrives while the second chunk runs: that chunk is finished and handed over, then the run stops.
    let cancel = AtomicBool::new(false);
    let mut stored: Vec<ImageOutcome> = Vec::new();
    let summary = run(
        &detector,
        &map,
        &images,
        &options(3),
        &cancel,
        |p| {
            if p.done == 4 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
        |chunk| {
            stored.extend(chunk.images);
            Ok::<(), Infallible>(())
        },
    )
    .unwrap();
    assert!(summary.cancelled);
    assert_eq!(
        (summary.images_done, summary.chunks, stored.len()),
        (6, 2, 6)
    );

    // Resume: the images not stored yet.
    let rest: Vec<ImageInput> = images
        .iter()
        .filter(|i| !stored.iter().any(|s| s.id == i.id))
        .cloned()
        .collect();
    assert_eq!(rest.len(), 4);
    stored.extend(
        run_all(&detector, &map, &rest, &AtomicBool::new(false))
            .into_iter()
            .flat_map(|c| c.images),
    );
    assert_eq!(stored, uninterrupted);
}

#[test]
fn a_stop_before_the_start_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let images = images(dir.path(), 2);
    let (detector, map) = detector_and_map();
    let chunks = run_all(&detector, &map, &images, &AtomicBool::new(true));
    assert!(chunks.is_empty());
}

#[test]
fn a_storage_error_stops_the_run_and_is_returned() {
    let dir = tempfile::tempdir().unwrap();
    let images = images(dir.path(), 9);
    let (detector, map) = detector_and_map();
    let mut calls = 0;
    let error = run(
        &detector,
        &map,
        &images,
        &options(3),
        &AtomicBool::new(false),
        |_| {},
        |chunk| {
            calls += 1;
            if chunk.index == 1 {
                Err("disk full")
            } else {
                Ok(())
            }
        },
    )
    .unwrap_err();
    assert_eq!((error, calls), ("disk full", 2));
}

#[test]
fn an_unreadable_or_resized_image_fails_alone_with_a_reason_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut images = images(dir.path(), 3);
    std::fs::write(&images[0].path, b"not a png").unwrap();
    images[1].width += 1;
    let (detector, map) = detector_and_map();
    let outcomes: Vec<ImageOutcome> = run_all(&detector, &map, &images, &AtomicBool::new(false))
        .into_iter()
        .flat_map(|c| c.images)
        .collect();
    let first = outcomes[0].prelabels.as_ref().unwrap_err();
    assert!(first.contains("1.png"), "{first}");
    let second = outcomes[1].prelabels.as_ref().unwrap_err();
    assert!(
        second.contains("2.png decodes to 400×260 pixels, but the job has it as 401×260"),
        "{second}"
    );
    assert!(outcomes[2].prelabels.is_ok());
}

/// A JPEG of `width`×`height` stored pixels with an EXIF orientation tag spliced in after SOI, as cameras write it.
fn jpeg_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 80, 20]))
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let jpeg = jpeg.into_inner();
    // Big-endian TIFF header, then IFD0 with one entry: Orientation (0x0112), SHORT, count 1.
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);
    let length = u16::try_from(payload.len() + 2).unwrap();
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn a_photo_with_an_exif_quarter_turn_is_run_upright_at_its_displayed_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rotated.jpg");
    std::fs::write(&path, jpeg_with_orientation(400, 200, 6)).unwrap();
    // As the server stores it: the displayed size, 200 wide and 400 tall.
    let image = ImageInput {
        id: 1,
        path,
        width: 200,
        height: 400,
    };
    assert_eq!(
        crowdbox_prelabel::read_image(&image).unwrap().dimensions(),
        (200, 400)
    );
    let (detector, map) = detector_and_map();
    let outcomes = run_all(&detector, &map, &[image], &AtomicBool::new(false));
    let rect = outcomes[0].images[0].prelabels.as_ref().unwrap()[0].rect;
    // The model's box is centred and 64×32 of 640 input pixels: in the upright 200×400 image, scale 1.6.
    assert!(
        (rect.center().x - 100.0).abs() <= 1.0 && (rect.center().y - 200.0).abs() <= 1.0,
        "{rect:?}"
    );
    assert!(
        (rect.w - 40.0).abs() < 1e-6 && (rect.h - 20.0).abs() < 1e-6,
        "{rect:?}"
    );
}

#[test]
fn a_large_jpeg_is_decoded_at_a_reduced_scale_that_still_covers_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.jpg");
    image::RgbImage::from_pixel(2000, 1000, image::Rgb([10, 200, 30]))
        .save(&path)
        .unwrap();
    let image = ImageInput {
        id: 1,
        path,
        width: 2000,
        height: 1000,
    };
    // Letterboxed to 640 it is 640×320: half scale (1000×500) covers that, a quarter (500×250) would not.
    let pixels = crowdbox_prelabel::read_image_for_input(&image, (640, 320)).unwrap();
    assert_eq!(pixels.dimensions(), (1000, 500));
    let (detector, map) = detector_and_map();
    let outcomes = run_all(&detector, &map, &[image], &AtomicBool::new(false));
    let rect = outcomes[0].images[0].prelabels.as_ref().unwrap()[0].rect;
    // Still in natural pixels: 64×32 input pixels at scale 640 / 2000, centred.
    assert!(
        (rect.w - 200.0).abs() < 1e-6 && (rect.h - 100.0).abs() < 1e-6,
        "{rect:?}"
    );
    assert!(
        (rect.center().x - 1000.0).abs() <= 4.0 && (rect.center().y - 500.0).abs() <= 4.0,
        "{rect:?}"
    );
}

#[test]
fn a_large_photo_with_an_exif_quarter_turn_is_scaled_and_turned_upright() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rotated-large.jpg");
    std::fs::write(&path, jpeg_with_orientation(4000, 2000, 6)).unwrap();
    let image = ImageInput {
        id: 1,
        path,
        width: 2000,
        height: 4000,
    };
    let pixels = crowdbox_prelabel::read_image_for_input(&image, (320, 640)).unwrap();
    assert_eq!(pixels.dimensions(), (500, 1000));
    let wrong = ImageInput {
        width: 4000,
        height: 2000,
        ..image.clone()
    };
    let error = crowdbox_prelabel::read_image_for_input(&wrong, (640, 320)).unwrap_err();
    assert!(
        error.contains("decodes to 2000×4000 pixels, but the job has it as 4000×2000"),
        "{error}"
    );
}

#[test]
fn a_grey_jpeg_is_read_as_rgb() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grey.jpg");
    image::GrayImage::from_pixel(64, 48, image::Luma([77]))
        .save(&path)
        .unwrap();
    let image = ImageInput {
        id: 1,
        path,
        width: 64,
        height: 48,
    };
    let pixels = crowdbox_prelabel::read_image_for_input(&image, (640, 480)).unwrap();
    assert_eq!(pixels.dimensions(), (64, 48));
    let image::Rgb([r, g, b]) = *pixels.get_pixel(10, 10);
    assert!(
        r == g && g == b && (i32::from(r) - 77).abs() <= 2,
        "{r} {g} {b}"
    );
}
