//! SageMaker Ground Truth manifests: input manifests, output manifest import and export.

mod formats_common;

use crowdbox_core::formats::{
    detect_label_attribute, export_ground_truth_output_manifest,
    import_ground_truth_input_manifest, import_ground_truth_output_manifest, Dataset, DatasetBox,
    DatasetImage, GroundTruthExportOptions, ImageSource, InputManifestEntry,
};
use formats_common::{
    as_exported, assert_golden, assert_same_dataset, boxed, read_golden, sample_dataset, Confidence,
};

fn options() -> GroundTruthExportOptions {
    GroundTruthExportOptions {
        attribute: "tools".into(),
        job_name: "labeling-job/tools".into(),
        creation_date: "2024-05-01T12:00:00.000000".into(),
        source_ref_prefix: String::new(),
        human_annotated: true,
    }
}

#[test]
fn the_sample_exports_to_the_golden_output_manifest() {
    let manifest = export_ground_truth_output_manifest(&sample_dataset(), &options()).unwrap();
    assert_golden("sample.groundtruth.manifest", &manifest);
}

#[test]
fn every_exported_line_has_the_ground_truth_shape() {
    let options = GroundTruthExportOptions {
        source_ref_prefix: "s3://bucket/images/".into(),
        ..options()
    };
    let manifest = export_ground_truth_output_manifest(&sample_dataset(), &options).unwrap();
    let lines: Vec<serde_json::Value> = manifest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "one line per image, the empty one included");
    let yard = &lines[1];
    assert_eq!(yard["source-ref"], "s3://bucket/images/yard.jpg");
    assert_eq!(
        yard["tools"]["image_size"][0],
        serde_json::json!({"width": 800, "height": 600, "depth": 3})
    );
    // Clipped to the image, integers, class id = label index.
    assert_eq!(
        yard["tools"]["annotations"][0],
        serde_json::json!({"class_id": 2, "left": 700, "top": 500, "width": 100, "height": 100})
    );
    let metadata = &yard["tools-metadata"];
    assert_eq!(
        metadata["class-map"],
        serde_json::json!({"0": "driller", "1": "hammer", "2": "wheelbarrow"})
    );
    assert_eq!(
        metadata["objects"],
        serde_json::json!([{"confidence": 0.6}, {"confidence": 1.0}])
    );
    assert_eq!(metadata["type"], "groundtruth/object-detection");
    assert_eq!(metadata["human-annotated"], "yes");
    assert_eq!(metadata["job-name"], "labeling-job/tools");
    assert_eq!(metadata["creation-date"], "2024-05-01T12:00:00.000000");
    assert_eq!(lines[2]["tools"]["annotations"], serde_json::json!([]));
}

#[test]
fn fractional_boxes_are_written_as_the_nearest_whole_pixels() {
    let mut image = DatasetImage::new("a.jpg", 100, 100);
    image.boxes.push(boxed("cat", 10.4, 20.6, 30.2, 40.7));
    let dataset = Dataset {
        images: vec![image],
        labels: vec!["cat".into()],
    };
    let manifest = export_ground_truth_output_manifest(&dataset, &options()).unwrap();
    let line: serde_json::Value = serde_json::from_str(manifest.trim()).unwrap();
    assert_eq!(
        line["tools"]["annotations"][0],
        serde_json::json!({"class_id": 0, "left": 10, "top": 21, "width": 31, "height": 40})
    );
}

#[test]
fn export_then_import_gives_back_the_clipped_dataset_with_confidences() {
    let dataset = sample_dataset();
    let manifest = export_ground_truth_output_manifest(&dataset, &options()).unwrap();
    let back = import_ground_truth_output_manifest(&manifest, Some("tools")).unwrap();
    assert_same_dataset(
        &back,
        &as_exported(&dataset, false, Confidence::KeptOrOne),
        0.0,
    );
    let detected = import_ground_truth_output_manifest(&manifest, None).unwrap();
    assert_eq!(detected, back);
}

#[test]
fn an_attribute_name_that_would_clash_is_refused() {
    for attribute in ["", "tools-metadata", "source-ref"] {
        let options = GroundTruthExportOptions {
            attribute: attribute.into(),
            ..options()
        };
        let error = export_ground_truth_output_manifest(&sample_dataset(), &options).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("attribute"), "{attribute:?}");
    }
}

#[test]
fn a_manifest_written_by_ground_truth_is_read_with_its_attribute_detected() {
    let text = read_golden("import/groundtruth_output.manifest");
    assert_eq!(
        detect_label_attribute(&text).unwrap(),
        "bounding-box-attribute-name"
    );
    let dataset = import_ground_truth_output_manifest(&text, None).unwrap();
    let mut example = DatasetImage::new("s3://AWSDOC-EXAMPLE-BUCKET/example_image.png", 500, 400);
    example.boxes = vec![
        DatasetBox {
            confidence: Some(0.8),
            ..boxed("dog", 111.0, 134.0, 61.0, 128.0)
        },
        DatasetBox {
            confidence: Some(0.9),
            ..boxed("bone", 161.0, 250.0, 30.0, 30.0)
        },
        DatasetBox {
            confidence: Some(0.9),
            ..boxed("bone", 20.0, 20.0, 30.0, 30.0)
        },
    ];
    let empty = DatasetImage::new("s3://AWSDOC-EXAMPLE-BUCKET/empty_yard.png", 640, 480);
    let expected = Dataset {
        images: vec![example, empty],
        labels: vec!["dog".into(), "bone".into()],
    };
    assert_same_dataset(&dataset, &expected, 0.0);
}

#[test]
fn detection_refuses_a_line_with_no_or_several_box_attributes() {
    let none = r#"{"source-ref": "a.jpg", "category": {"class": 1}}"#;
    assert!(detect_label_attribute(none)
        .unwrap_err()
        .message
        .contains("no attribute"));
    let box_attribute = r#"{"image_size": [{"width": 1, "height": 1}], "annotations": []}"#;
    let several =
        format!(r#"{{"source-ref": "a.jpg", "a": {box_attribute}, "b": {box_attribute}}}"#);
    assert!(detect_label_attribute(&several)
        .unwrap_err()
        .message
        .contains("name the one"));
    // The one whose metadata says object detection wins.
    let typed = format!(
        r#"{{"source-ref": "a.jpg", "a": {box_attribute}, "b": {box_attribute},
            "b-metadata": {{"type": "groundtruth/object-detection", "class-map": {{}}}}}}"#
    )
    .replace('\n', " ");
    assert_eq!(detect_label_attribute(&typed).unwrap(), "b");
    assert!(detect_label_attribute("\n\n").is_err());
}

fn output_error(text: &str) -> (Option<String>, Option<String>) {
    let error = import_ground_truth_output_manifest(text, Some("tools")).unwrap_err();
    (error.location, error.field)
}

const GOOD_LINE: &str = r#"{"source-ref": "a.jpg", "tools": {"image_size": [{"width": 10, "height": 10, "depth": 3}], "annotations": [{"class_id": 0, "left": 1, "top": 1, "width": 2, "height": 2}]}, "tools-metadata": {"class-map": {"0": "cat"}}}"#;

#[test]
fn output_manifest_errors_name_the_line_and_the_field() {
    let bad_json = format!("{GOOD_LINE}\n\n{{not json\n");
    assert_eq!(output_error(&bad_json), (Some("line 3".into()), None));
    let unknown_class = GOOD_LINE.replace(r#""class_id": 0"#, r#""class_id": 4"#);
    assert_eq!(
        output_error(&format!("{GOOD_LINE}\n{unknown_class}")),
        (
            Some("line 2".into()),
            Some("tools.annotations[0].class_id".into())
        )
    );
    let wrong_type = GOOD_LINE.replace(r#""left": 1"#, r#""left": "one""#);
    assert_eq!(
        output_error(&wrong_type),
        (
            Some("line 1".into()),
            Some("tools.annotations[0].left".into())
        )
    );
    let no_source = GOOD_LINE.replace(r#""source-ref": "a.jpg", "#, "");
    assert_eq!(output_error(&no_source).1.as_deref(), Some("source-ref"));
    let no_metadata = GOOD_LINE.replace("tools-metadata", "other");
    assert_eq!(
        output_error(&no_metadata).1.as_deref(),
        Some("tools-metadata")
    );
    let other_attribute = GOOD_LINE.replace("\"tools\"", "\"boxes\"");
    assert_eq!(output_error(&other_attribute).1.as_deref(), Some("tools"));
    let short_objects = GOOD_LINE.replace(r#""class-map""#, r#""objects": [], "class-map""#);
    assert_eq!(
        output_error(&short_objects).1.as_deref(),
        Some("tools-metadata.objects")
    );
}

#[test]
fn an_input_manifest_yields_urls_and_local_paths_with_their_lines() {
    let entries =
        import_ground_truth_input_manifest(&read_golden("import/groundtruth_input.manifest"))
            .unwrap();
    assert_eq!(
        entries,
        [
            InputManifestEntry {
                line: 1,
                source: ImageSource::LocalPath("images/000001.jpg".into())
            },
            InputManifestEntry {
                line: 2,
                source: ImageSource::Url("https://example.org/photos/000002.jpg".into())
            },
            InputManifestEntry {
                line: 4,
                source: ImageSource::LocalPath("/data/photos/000003.jpg".into())
            },
            InputManifestEntry {
                line: 5,
                source: ImageSource::LocalPath("/data/photos/000004.jpg".into())
            },
        ]
    );
}

#[test]
fn a_bad_input_manifest_line_is_named_with_what_is_wrong() {
    let cases = [
        (
            "{\"source-ref\": \"a.jpg\"}\n{\"source-ref\": 5}\n",
            "line 2",
            "expected a string",
        ),
        ("\n\n[1, 2]\n", "line 3", "expected a JSON object"),
        ("{\"source\": \"some text\"}", "line 1", "holds text"),
        ("{\"other\": 1}", "line 1", "missing"),
        (
            "{\"source-ref\": \"s3://bucket/a.jpg\"}",
            "line 1",
            "Amazon S3",
        ),
        (
            "{\"source-ref\": \"ftp://host/a.jpg\"}",
            "line 1",
            "`ftp://` scheme",
        ),
        ("{\"source-ref\": \"https:///a.jpg\"}", "line 1", "no host"),
        ("{\"source-ref\": \"  \"}", "line 1", "empty"),
    ];
    for (text, line, message) in cases {
        let error = import_ground_truth_input_manifest(text).unwrap_err();
        assert_eq!(error.location.as_deref(), Some(line), "{text}");
        assert!(error.message.contains(message), "{text}: {error}");
    }
    let windows =
        import_ground_truth_input_manifest(r#"{"source-ref": "C:\\photos\\a.jpg"}"#).unwrap();
    assert_eq!(
        windows[0].source,
        ImageSource::LocalPath("C:\\photos\\a.jpg".into())
    );
}
