//! YOLO label files: golden files, values kept within [0, 1], round trips, class files, errors.

mod formats_common;

use crowdbox_core::formats::{
    export_yolo, export_yolo_labels, import_yolo, import_yolo_labels, parse_yolo_class_names,
    Dataset, DatasetBox, DatasetImage, PixelSize, YoloLabelFile,
};
use formats_common::{
    as_exported, assert_golden, assert_same_dataset, boxed, read_golden, sample_dataset, Confidence,
};

#[test]
fn the_sample_exports_to_the_golden_yolo_files() {
    let files = export_yolo(&sample_dataset()).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "classes.txt",
            "labels/workshop.txt",
            "labels/yard.txt",
            "labels/empty.txt"
        ]
    );
    for file in &files {
        assert_golden(&format!("yolo/{}", file.path), &file.contents);
    }
}

#[test]
fn every_exported_value_stays_within_zero_and_one() {
    let mut image = DatasetImage::new("a.jpg", 97, 13);
    for (x, y, w, h) in [
        (-50.0, -5.0, 100.0, 10.0),
        (90.0, 10.0, 1e6, 1e6),
        (0.0, 0.0, 97.0, 13.0),
        (-1e-9, 12.5, 0.5, 0.5),
    ] {
        image.boxes.push(boxed("cat", x, y, w, h));
    }
    let text = export_yolo_labels(&image, |_| 0);
    assert_eq!(text.lines().count(), 4);
    for line in text.lines() {
        for value in line.split(' ').skip(1) {
            let value: f64 = value.parse().unwrap();
            assert!((0.0..=1.0).contains(&value), "{line}");
        }
    }
    assert!(
        text.lines()
            .any(|line| line == "0 0.500000 0.500000 1.000000 1.000000"),
        "{text}"
    );
}

#[test]
fn export_then_import_gives_back_the_clipped_dataset_to_a_thousandth_of_a_pixel() {
    let dataset = sample_dataset();
    let files = export_yolo(&dataset).unwrap();
    let class_names = parse_yolo_class_names(&files[0].contents).unwrap();
    let label_files = files[1..]
        .iter()
        .zip(&dataset.images)
        .map(|(file, image)| YoloLabelFile {
            image_file_name: &image.file_name,
            size: PixelSize::new(image.width, image.height),
            labels: &file.contents,
        });
    let back = import_yolo(&class_names, label_files).unwrap();
    assert_same_dataset(
        &back,
        &as_exported(&dataset, false, Confidence::Dropped),
        1e-3,
    );
}

#[test]
fn a_label_file_is_read_with_confidences_and_tiny_overshoots_clipped() {
    let class_names = parse_yolo_class_names(&read_golden("import/yolo/obj.names")).unwrap();
    assert_eq!(class_names, ["driller", "hammer", "wheelbarrow"]);
    let labels = read_golden("import/yolo/bench_01.txt");
    let file = YoloLabelFile {
        image_file_name: "bench_01.jpg",
        size: PixelSize::new(200, 100),
        labels: &labels,
    };
    let dataset = import_yolo(&class_names, [file]).unwrap();
    let mut expected_image = DatasetImage::new("bench_01.jpg", 200, 100);
    expected_image.boxes = vec![
        boxed("driller", 75.0, 25.0, 50.0, 50.0),
        DatasetBox {
            confidence: Some(0.85),
            ..boxed("wheelbarrow", 0.0, 0.0, 40.0, 40.0)
        },
        // 0.95 ± 0.1000001 / 2 reaches a hair past the right edge: clipped to it.
        boxed("hammer", 180.0, 90.0, 20.0, 10.0),
    ];
    let expected = Dataset {
        images: vec![expected_image],
        labels: class_names.clone(),
    };
    assert_same_dataset(&dataset, &expected, 1e-3);
    assert!(dataset.images[0].boxes[2].rect.right() <= 200.0);
}

fn label_error(labels: &str) -> (Option<String>, Option<String>, String) {
    let names = vec!["cat".to_string(), "dog".to_string()];
    let file = YoloLabelFile {
        image_file_name: "a.jpg",
        size: PixelSize::new(100, 100),
        labels,
    };
    let error = import_yolo_labels(&file, &names).unwrap_err();
    (error.location, error.field, error.message)
}

#[test]
fn label_file_errors_name_the_line_and_the_value() {
    let (location, field, message) = label_error("0 0.5 0.5 0.1 0.1\n\n7 0.5 0.5 0.1 0.1\n");
    assert_eq!(location.as_deref(), Some("line 3 of the labels of `a.jpg`"));
    assert_eq!(field.as_deref(), Some("class"));
    assert!(message.contains("has 2 names"), "{message}");
    assert_eq!(label_error("0 0.5 0.5 0.1").2, "expected `class cx cy w h` (and optionally a confidence), found 4 values in `0 0.5 0.5 0.1`");
    assert_eq!(label_error("0 0.5 abc 0.1 0.1").1.as_deref(), Some("cy"));
    assert_eq!(label_error("x 0.5 0.5 0.1 0.1").1.as_deref(), Some("class"));
    // Pixel coordinates by mistake, and negative sizes.
    assert!(label_error("0 320 240 50 60").2.contains("not a fraction"));
    assert_eq!(label_error("0 0.5 0.5 -0.1 0.1").1.as_deref(), Some("w"));
    assert_eq!(
        label_error("0 0.5 0.5 0.1 0.1 1.5").1.as_deref(),
        Some("confidence")
    );
    let empty_image = YoloLabelFile {
        image_file_name: "a.jpg",
        size: PixelSize::new(0, 100),
        labels: "",
    };
    assert!(import_yolo_labels(&empty_image, &[]).is_err());
}

#[test]
fn a_class_file_with_a_gap_or_a_repeated_name_is_refused() {
    let gap = parse_yolo_class_names("cat\n\ndog\n").unwrap_err();
    assert_eq!(gap.location.as_deref(), Some("class file line 2"));
    let repeated = parse_yolo_class_names("cat\ndog\ncat\n").unwrap_err();
    assert_eq!(repeated.location.as_deref(), Some("class file line 3"));
    assert_eq!(
        parse_yolo_class_names(" cat \r\ndog\n\n\n").unwrap(),
        ["cat", "dog"]
    );
}

#[test]
fn labels_that_cannot_be_a_class_file_line_are_refused_on_export() {
    let mut dataset = sample_dataset();
    dataset.labels[1] = "ham\nmer".into();
    for image in &mut dataset.images {
        for b in &mut image.boxes {
            if b.label == "hammer" {
                b.label = "ham\nmer".into();
            }
        }
    }
    assert_eq!(
        export_yolo(&dataset).unwrap_err().field.as_deref(),
        Some("labels[1]")
    );
}
