//! Bad models and bad class lists get errors that name what is wrong.

use std::path::Path;

use crowdbox_prelabel::{ClassMap, Detector, DetectorOptions, PrelabelError};

use crate::models::yolov8_model;
use crate::onnx_graph::{constant_output_model, GraphBuilder};

fn load_error(bytes: &[u8], options: &DetectorOptions) -> String {
    Detector::from_bytes(Path::new("models/detector.onnx"), bytes, options)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_file_that_is_not_onnx_is_an_error_naming_the_file() {
    let mut png = Vec::new();
    image::RgbImage::new(4, 4)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    for bytes in [b"name,score\nperson,0.5\n".to_vec(), png, Vec::new()] {
        let error = load_error(&bytes, &DetectorOptions::default());
        assert!(
            error.starts_with("models/detector.onnx is not an ONNX model"),
            "{error}"
        );
    }
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let error = Detector::load(
        Path::new("/nonexistent/yolo.onnx"),
        &DetectorOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(error, PrelabelError::Read { .. }));
    assert!(
        error.to_string().contains("/nonexistent/yolo.onnx"),
        "{error}"
    );
}

#[test]
fn a_classifier_output_is_an_error_naming_its_shape() {
    let bytes = constant_output_model(Some((224, 224)), &[1, 1000], vec![0.0; 1000], &[]);
    let error = load_error(&bytes, &DetectorOptions::default());
    assert!(
        error.starts_with("unsupported model outputs [1, 1000]"),
        "{error}"
    );
}

#[test]
fn an_input_that_is_not_an_rgb_image_is_an_error_naming_its_shape() {
    let mut g = GraphBuilder::new();
    let input = g.input("gray", &[Some(1), Some(1), Some(64), Some(64)]);
    let out = g.node("Identity", &[&input], vec![]);
    g.name_output(&out, "out");
    g.output("out", 1, &[Some(1), Some(1), Some(64), Some(64)]);
    let error = load_error(&g.encode(), &DetectorOptions::default());
    assert!(
        error.contains("\"gray\" has shape [1, 1, 64, 64]"),
        "{error}"
    );
}

#[test]
fn asking_a_fixed_size_model_for_another_input_size_is_an_error_naming_both() {
    let error = load_error(
        &yolov8_model(&[]),
        &DetectorOptions {
            input_size: Some(320),
            ..Default::default()
        },
    );
    assert_eq!(
        error,
        "input size 320×320 was asked, but the model takes a fixed 640×640 input"
    );
}

#[test]
fn class_names_that_do_not_fit_the_outputs_are_an_error_naming_both_counts() {
    let names = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    let error = load_error(
        &yolov8_model(&[]),
        &DetectorOptions {
            class_names: Some(names),
            ..Default::default()
        },
    );
    assert!(
        error.contains("[1, 6, 8]") && error.contains("3 class names"),
        "{error}"
    );
}

#[test]
fn a_class_map_naming_a_label_the_job_lacks_is_an_error_naming_it() {
    let detector = Detector::from_bytes(
        Path::new("m.onnx"),
        &yolov8_model(&[("names", "{0: 'car', 1: 'person'}")]),
        &DetectorOptions::default(),
    )
    .unwrap();
    let job_labels = vec!["vehicle".to_owned(), "person".to_owned()];
    let overrides = crowdbox_prelabel::parse_class_map("car = \"vehicles\"").unwrap();
    let error = ClassMap::new(detector.class_names(), &job_labels, &overrides)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "class map maps model class \"car\" to label \"vehicles\", which the job does not have (its labels: \
         \"vehicle\", \"person\")"
    );
}

mod prepare {
    use crowdbox_prelabel::{prepare, PrelabelSetup};

    use crate::models::yolov8_model;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    struct Files {
        dir: tempfile::TempDir,
    }

    impl Files {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("model.onnx"), yolov8_model(&[])).unwrap();
            Self { dir }
        }

        fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
            let path = self.dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        }

        fn model(&self) -> std::path::PathBuf {
            self.dir.path().join("model.onnx")
        }
    }

    #[test]
    fn a_classes_file_and_a_class_map_together_map_the_models_classes() {
        let files = Files::new();
        let (model, classes, map) = (
            files.model(),
            files.write("classes.txt", "motorbike\nperson\n"),
            files.write("map.toml", "motorbike = \"motorcycle\"\n"),
        );
        let setup = PrelabelSetup {
            classes_file: Some(&classes),
            class_map_file: Some(&map),
            ..PrelabelSetup::new(&model)
        };
        let (detector, class_map) = prepare(&setup, &labels(&["Person", "motorcycle"])).unwrap();
        assert_eq!(detector.class_names(), labels(&["motorbike", "person"]));
        assert_eq!(
            (class_map.label_of(0), class_map.label_of(1)),
            (Some(1), Some(0))
        );
    }

    #[test]
    fn a_class_map_file_naming_an_unknown_label_is_an_error_naming_it() {
        let files = Files::new();
        let (model, classes, map) = (
            files.model(),
            files.write("classes.txt", "car\nperson\n"),
            files.write("map.toml", "car = \"lorry\"\n"),
        );
        let setup = PrelabelSetup {
            classes_file: Some(&classes),
            class_map_file: Some(&map),
            ..PrelabelSetup::new(&model)
        };
        let error = prepare(&setup, &labels(&["truck", "person"]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"lorry\", which the job does not have"),
            "{error}"
        );
    }

    #[test]
    fn a_model_none_of_whose_classes_is_a_job_label_is_an_error_naming_both() {
        let files = Files::new();
        let (model, classes) = (files.model(), files.write("classes.txt", "car\nperson\n"));
        let setup = PrelabelSetup {
            classes_file: Some(&classes),
            ..PrelabelSetup::new(&model)
        };
        let error = prepare(&setup, &labels(&["cat"])).unwrap_err().to_string();
        assert_eq!(
            error,
            "none of the model's classes (\"car\", \"person\") is one of the job's labels (\"cat\"); map them with a \
             class map"
        );
        let unnamed = PrelabelSetup::new(&model);
        let error = prepare(&unnamed, &labels(&["cat"]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("unnamed"), "{error}");
    }

    #[test]
    fn a_bad_classes_file_or_class_map_file_is_an_error_naming_the_file_and_line() {
        let files = Files::new();
        let model = files.model();
        let classes = files.write("classes.txt", "car\n\nperson\n");
        let setup = PrelabelSetup {
            classes_file: Some(&classes),
            ..PrelabelSetup::new(&model)
        };
        let error = prepare(&setup, &labels(&["car"])).unwrap_err().to_string();
        assert!(error.contains("classes.txt line 2: is empty"), "{error}");
        let map = files.write("map.toml", "car = [1, 2]\n");
        let setup = PrelabelSetup {
            class_map_file: Some(&map),
            ..PrelabelSetup::new(&model)
        };
        let error = prepare(&setup, &labels(&["car"])).unwrap_err().to_string();
        assert!(
            error.contains("map.toml") && error.contains("\"car\""),
            "{error}"
        );
    }
}
