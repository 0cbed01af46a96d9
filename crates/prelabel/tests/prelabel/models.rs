//! Each supported output layout, decoded from a real model run and mapped back to image pixels.

use std::path::Path;

use crowdbox_core::geometry::ImageRect;
use crowdbox_prelabel::{ClassNamesSource, Detection, Detector, DetectorOptions, OutputLayout};
use image::RgbImage;

use crate::onnx_graph::{constant_output_model, constant_outputs_model, FLOAT, INT64};

pub fn load(bytes: &[u8], options: &DetectorOptions) -> Detector {
    Detector::from_bytes(Path::new("test.onnx"), bytes, options).expect("the test model loads")
}

fn assert_rect(actual: &ImageRect, expected: [f64; 4]) {
    let a = actual.to_coco();
    assert!(
        a.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-3),
        "{a:?} != {expected:?}"
    );
}

/// Anchors in a raw output (more than attributes per row, as in every real model: the layout is read from which
/// dimension is larger); rows past the given ones are zeros.
const ANCHORS: usize = 8;

/// Rows (one per anchor) written attributes-first, as YOLOv8 outputs them.
fn attributes_first(rows: &[[f32; 6]]) -> Vec<f32> {
    let mut rows = rows.to_vec();
    rows.resize(ANCHORS, [0.0; 6]);
    (0..6)
        .flat_map(|a| rows.iter().map(move |r| r[a]))
        .collect()
}

/// Three YOLOv8 anchors of 2 classes in a 640×640 input: a box of class 1, a weaker overlapping one of the same
/// class (suppressed by NMS), and one below the score threshold.
pub fn yolov8_model(metadata: &[(&str, &str)]) -> Vec<u8> {
    let rows = [
        [320.0, 320.0, 64.0, 32.0, 0.1, 0.9],
        [322.0, 320.0, 64.0, 32.0, 0.1, 0.8],
        [100.0, 500.0, 20.0, 20.0, 0.2, 0.1],
    ];
    constant_output_model(
        Some((640, 640)),
        &[1, 6, ANCHORS as i64],
        attributes_first(&rows),
        metadata,
    )
}

#[test]
fn a_yolov8_model_gives_boxes_in_natural_image_pixels_after_nms() {
    let detector = load(&yolov8_model(&[]), &DetectorOptions::default());
    assert!(matches!(detector.layout(), OutputLayout::Raw(r) if !r.objectness && r.classes == 2));
    // 1280×720 in 640×640: scale 0.5, 140 rows of padding above.
    let detections = detector.detect(&RgbImage::new(1280, 720)).unwrap();
    assert_eq!(detections.len(), 1, "{detections:?}");
    let Detection { rect, score, class } = &detections[0];
    assert_rect(rect, [576.0, 328.0, 128.0, 64.0]);
    assert_eq!((*score, *class), (0.9, 1));
}

#[test]
fn the_same_model_output_maps_to_each_image_size() {
    let detector = load(&yolov8_model(&[]), &DetectorOptions::default());
    // 320×640 in 640×640: scale 1, 160 columns of padding on the left.
    let detections = detector.detect(&RgbImage::new(320, 640)).unwrap();
    assert_rect(&detections[0].rect, [128.0, 304.0, 64.0, 32.0]);
}

#[test]
fn a_lower_min_score_and_iou_threshold_change_what_is_kept() {
    let mut options = DetectorOptions::default();
    options.decode.min_score = 0.15;
    options.decode.iou_nms = 0.99;
    let detector = load(&yolov8_model(&[]), &options);
    assert_eq!(detector.detect(&RgbImage::new(640, 640)).unwrap().len(), 3);
}

#[test]
fn a_yolov5_model_with_a_dynamic_input_runs_at_the_asked_size_with_objectness() {
    // [1, N, 5 + 2] rows: cx, cy, w, h, objectness, class 0, class 1.
    let mut rows: Vec<f32> = vec![
        160.0, 160.0, 32.0, 32.0, 0.5, 0.2, 0.9, // 0.45, class 1
        60.0, 60.0, 10.0, 10.0, 0.3, 0.9, 0.1, // 0.27, class 0
        250.0, 250.0, 10.0, 10.0, 0.9, 0.2, 0.2, // 0.18: dropped
    ];
    rows.resize(7 * ANCHORS, 0.0);
    let bytes = constant_output_model(None, &[1, ANCHORS as i64, 7], rows, &[]);
    let options = DetectorOptions {
        input_size: Some(320),
        ..Default::default()
    };
    let detector = load(&bytes, &options);
    assert_eq!(detector.input_size(), (320, 320));
    assert!(matches!(detector.layout(), OutputLayout::Raw(r) if r.objectness && r.classes == 2));
    let detections = detector.detect(&RgbImage::new(640, 640)).unwrap();
    let found: Vec<(usize, f32)> = detections
        .iter()
        .map(|d| (d.class, (d.score * 100.0).round()))
        .collect();
    assert_eq!(found, vec![(1, 45.0), (0, 27.0)]);
    assert_rect(&detections[0].rect, [288.0, 288.0, 64.0, 64.0]);
}

#[test]
fn a_model_exported_with_nms_gives_its_rows_and_names_from_its_metadata() {
    // [1, D, 6]: x1, y1, x2, y2, score, class; the last row is padding (score 0).
    let rows: Vec<f32> = vec![
        0.0, 140.0, 64.0, 172.0, 0.8, 2.0, //
        600.0, 400.0, 700.0, 500.0, 0.5,
        0.0, // reaches past the right edge and into the bottom padding
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let bytes = constant_output_model(
        Some((640, 640)),
        &[1, 3, 6],
        rows,
        &[("names", "{0: 'car', 1: 'bus', 2: 'person'}")],
    );
    let detector = load(&bytes, &DetectorOptions::default());
    assert_eq!(detector.layout(), &OutputLayout::NmsRows);
    assert_eq!(detector.class_names(), ["car", "bus", "person"]);
    assert_eq!(detector.class_names_source(), &ClassNamesSource::Metadata);
    let detections = detector.detect(&RgbImage::new(1280, 720)).unwrap();
    assert_eq!(detections.len(), 2);
    assert_rect(&detections[0].rect, [0.0, 0.0, 128.0, 64.0]);
    assert_rect(&detections[1].rect, [1200.0, 520.0, 80.0, 200.0]);
}

#[test]
fn a_model_with_separate_nms_outputs_reads_only_the_valid_rows() {
    let bytes = constant_outputs_model(
        Some((640, 640)),
        &[
            ("num_dets", &[1, 1], INT64, vec![1.0]),
            (
                "det_boxes",
                &[1, 2, 4],
                FLOAT,
                vec![10.0, 10.0, 30.0, 50.0, 0.0, 0.0, 9.0, 9.0],
            ),
            ("det_scores", &[1, 2], FLOAT, vec![0.7, 0.95]),
            ("det_classes", &[1, 2], INT64, vec![4.0, 1.0]),
        ],
        &[],
    );
    let detector = load(&bytes, &DetectorOptions::default());
    assert_eq!(
        detector.layout(),
        &OutputLayout::NmsSeparate {
            boxes: 1,
            scores: 2,
            classes: 3,
            count: Some(0)
        }
    );
    let detections = detector.detect(&RgbImage::new(640, 640)).unwrap();
    assert_eq!(detections.len(), 1);
    assert_eq!((detections[0].class, detections[0].score), (4, 0.7));
    assert_rect(&detections[0].rect, [10.0, 10.0, 20.0, 40.0]);
}

#[test]
fn given_class_names_take_the_place_of_the_metadata_names() {
    let bytes = yolov8_model(&[("names", "{0: 'a', 1: 'b'}")]);
    let names = vec!["cat".to_owned(), "dog".to_owned()];
    let detector = load(
        &bytes,
        &DetectorOptions {
            class_names: Some(names.clone()),
            ..Default::default()
        },
    );
    assert_eq!(detector.class_names(), names);
    assert_eq!(detector.class_names_source(), &ClassNamesSource::Given);
}

#[test]
fn the_yolov8n_architecture_model_loads_as_raw_yolov8_predictions_and_runs() {
    // 96×96 input: 12² + 6² + 3² = 189 anchors (small, so the test is quick in a debug build).
    let (bytes, parameters) = crate::yolov8n::yolov8n(96, 80, 1);
    // Ultralytics reports 3,157,200 parameters for YOLOv8n with its 80 classes.
    assert!((3_100_000..3_200_000).contains(&parameters), "{parameters}");
    let detector = load(&bytes, &DetectorOptions::default());
    assert_eq!(
        detector.layout(),
        &OutputLayout::Raw(crowdbox_prelabel::layout::RawLayout {
            attributes_first: true,
            objectness: false,
            classes: 80,
            anchors: 189
        })
    );
    let detections = detector
        .detect(&RgbImage::from_pixel(200, 100, image::Rgb([40, 90, 200])))
        .unwrap();
    assert!(detections
        .iter()
        .all(|d| d.rect.is_finite() && d.rect.right() <= 200.0 && d.rect.bottom() <= 100.0));
}
