//! Shared by the `formats_*` tests: the small hand-checkable dataset behind the golden files, what each format
//! keeps of it, and golden-file comparison.
#![allow(dead_code)]

use std::path::PathBuf;

use crowdbox_core::formats::{clip_to_image, Dataset, DatasetBox, DatasetImage};
use crowdbox_core::geometry::ImageRect;

/// Three images: two boxes well inside, a box hanging over the bottom-right corner (exporters clip it to
/// 100×100), a crowd box, boxes with and without confidence, and an image without boxes.
pub fn sample_dataset() -> Dataset {
    let mut workshop = DatasetImage::new("workshop.jpg", 640, 480);
    workshop.boxes.push(DatasetBox {
        confidence: Some(0.9),
        ..boxed("driller", 100.0, 50.0, 200.0, 150.0)
    });
    workshop.boxes.push(boxed("hammer", 10.0, 20.0, 30.0, 40.0));
    let mut yard = DatasetImage::new("yard.jpg", 800, 600);
    yard.boxes.push(DatasetBox {
        confidence: Some(0.6),
        ..boxed("wheelbarrow", 700.0, 500.0, 200.0, 150.0)
    });
    yard.boxes.push(DatasetBox {
        iscrowd: true,
        ..boxed("hammer", 0.0, 0.0, 50.0, 60.0)
    });
    let empty = DatasetImage::new("empty.jpg", 320, 240);
    Dataset {
        images: vec![workshop, yard, empty],
        labels: vec!["driller".into(), "hammer".into(), "wheelbarrow".into()],
    }
}

pub fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
    DatasetBox::new(label, ImageRect::new(x, y, w, h))
}

/// What a format keeps of a box's confidence.
#[derive(Clone, Copy)]
pub enum Confidence {
    Dropped,
    Kept,
    /// Kept, and written as 1 when the box had none (Ground Truth requires one per box).
    KeptOrOne,
}

/// The dataset as an exporter writes it and its importer reads it back: boxes clipped to their image (and left
/// out when wholly outside), and only what the format can say about crowds and confidence.
pub fn as_exported(dataset: &Dataset, keeps_crowd: bool, confidence: Confidence) -> Dataset {
    let mut expected = dataset.clone();
    for image in &mut expected.images {
        let bounds = DatasetImage::new("", image.width, image.height);
        image
            .boxes
            .retain_mut(|b| match clip_to_image(&b.rect, &bounds) {
                Some(rect) => {
                    b.rect = rect;
                    b.iscrowd &= keeps_crowd;
                    b.confidence = match confidence {
                        Confidence::Dropped => None,
                        Confidence::Kept => b.confidence,
                        Confidence::KeptOrOne => Some(b.confidence.unwrap_or(1.0)),
                    };
                    true
                }
                None => false,
            });
    }
    expected
}

/// Whether two datasets are equal with box coordinates within `tolerance` pixels.
pub fn assert_same_dataset(actual: &Dataset, expected: &Dataset, tolerance: f64) {
    assert_eq!(actual.labels, expected.labels, "labels");
    assert_eq!(actual.images.len(), expected.images.len(), "image count");
    for (a, e) in actual.images.iter().zip(&expected.images) {
        assert_eq!(
            (&a.file_name, a.width, a.height),
            (&e.file_name, e.width, e.height),
            "image"
        );
        assert_eq!(a.boxes.len(), e.boxes.len(), "boxes of {}", e.file_name);
        for (ab, eb) in a.boxes.iter().zip(&e.boxes) {
            let (ar, er) = (ab.rect, eb.rect);
            let close = [ar.x - er.x, ar.y - er.y, ar.w - er.w, ar.h - er.h]
                .iter()
                .all(|d| d.abs() <= tolerance);
            assert!(
                close,
                "{}: {ar:?} is not within {tolerance} px of {er:?}",
                e.file_name
            );
            assert_eq!(
                (&ab.label, ab.iscrowd, ab.confidence),
                (&eb.label, eb.iscrowd, eb.confidence),
                "{}",
                e.file_name
            );
        }
    }
}

pub fn golden_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(relative)
}

pub fn read_golden(relative: &str) -> String {
    let path = golden_path(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Compares `actual` with the golden file. `UPDATE_GOLDEN=1` rewrites the file instead: review the diff by hand.
pub fn assert_golden(relative: &str, actual: &str) {
    let path = golden_path(relative);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden files live in a directory"))
            .expect("create dir");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = read_golden(relative);
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e);
        panic!(
            "{} differs from the export (first differing line: {line:?}).\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}
