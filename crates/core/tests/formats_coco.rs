//! COCO import and export: golden files, round trips, lenient reading, errors that name the record.

mod formats_common;

use crowdbox_core::coco::CocoDataset;
use crowdbox_core::formats::{
    export_coco_json, import_coco, to_coco, ClassMap, CocoExportOptions, Dataset, DatasetBox,
    DatasetImage,
};
use crowdbox_core::geometry::ImageRect;
use formats_common::{
    as_exported, assert_golden, assert_same_dataset, boxed, read_golden, sample_dataset, Confidence,
};
use proptest::prelude::*;

fn pretty() -> CocoExportOptions {
    CocoExportOptions {
        pretty: true,
        ..CocoExportOptions::default()
    }
}

#[test]
fn the_sample_exports_to_the_golden_coco_file() {
    assert_golden(
        "sample.coco.json",
        &export_coco_json(&sample_dataset(), &pretty()).unwrap(),
    );
}

#[test]
fn export_numbers_from_one_computes_area_of_the_clipped_box_and_keeps_empty_images() {
    let coco = to_coco(&sample_dataset(), &CocoExportOptions::default()).unwrap();
    assert_eq!(
        coco.images.iter().map(|i| i.id).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(coco.images[2].file_name, "empty.jpg");
    assert_eq!(
        coco.annotations.iter().map(|a| a.id).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(
        coco.categories
            .iter()
            .map(|c| (c.id, c.supercategory.as_str()))
            .collect::<Vec<_>>(),
        [(1, "object"), (2, "object"), (3, "object")]
    );
    let wheelbarrow = &coco.annotations[2];
    assert_eq!((wheelbarrow.image_id, wheelbarrow.category_id), (2, 3));
    assert_eq!(wheelbarrow.bbox, [700.0, 500.0, 100.0, 100.0]);
    assert_eq!(wheelbarrow.area, 10_000.0);
    assert_eq!(coco.annotations[3].iscrowd, 1);
    // The strict COCO types read the export back.
    let json = export_coco_json(&sample_dataset(), &CocoExportOptions::default()).unwrap();
    assert_eq!(serde_json::from_str::<CocoDataset>(&json).unwrap(), coco);
}

#[test]
fn a_box_wholly_outside_its_image_is_left_out_but_the_image_stays() {
    let mut dataset = sample_dataset();
    dataset.images[2]
        .boxes
        .push(boxed("hammer", 400.0, 300.0, 10.0, 10.0));
    let coco = to_coco(&dataset, &CocoExportOptions::default()).unwrap();
    assert_eq!(coco.annotations.len(), 4);
    assert_eq!(coco.images.len(), 3);
}

#[test]
fn a_box_whose_label_is_not_in_the_labels_is_refused_by_name() {
    let mut dataset = sample_dataset();
    dataset.images[1].boxes[0].label = "ladder".into();
    let error = to_coco(&dataset, &CocoExportOptions::default()).unwrap_err();
    assert_eq!(error.location.as_deref(), Some("image `yard.jpg` box 0"));
    assert!(error.message.contains("ladder"), "{error}");
}

#[test]
fn export_then_import_gives_back_the_clipped_dataset() {
    let dataset = sample_dataset();
    let back =
        import_coco(&export_coco_json(&dataset, &CocoExportOptions::default()).unwrap()).unwrap();
    assert_same_dataset(
        &back,
        &as_exported(&dataset, true, Confidence::Dropped),
        0.0,
    );
}

#[test]
fn scores_are_written_only_when_asked_and_read_back_as_confidences() {
    let dataset = sample_dataset();
    let plain = to_coco(&dataset, &CocoExportOptions::default()).unwrap();
    assert!(plain.annotations.iter().all(|a| a.score.is_none()));

    let options = CocoExportOptions {
        scores: true,
        ..CocoExportOptions::default()
    };
    let scored = to_coco(&dataset, &options).unwrap();
    let confidences: Vec<Option<f64>> = dataset
        .images
        .iter()
        .flat_map(|image| image.boxes.iter().map(|b| b.confidence))
        .collect();
    let scores: Vec<Option<f64>> = scored.annotations.iter().map(|a| a.score).collect();
    assert_eq!(scores, confidences);
    assert!(
        scores.iter().any(Option::is_some),
        "the sample has a confidence"
    );
    let back = import_coco(&export_coco_json(&dataset, &options).unwrap()).unwrap();
    assert_eq!(back, as_exported(&dataset, true, Confidence::Kept));
}

#[test]
fn a_file_with_ids_from_zero_and_no_area_or_supercategory_is_read() {
    let dataset = import_coco(&read_golden("import/coco_from_another_tool.json")).unwrap();
    let mut a = DatasetImage::new("bench/a.jpg", 640, 480);
    a.boxes.push(boxed("drill", 10.0, 20.0, 30.5, 40.0));
    a.boxes.push(DatasetBox {
        iscrowd: true,
        ..boxed("hammer", 100.0, 100.0, 50.0, 50.0)
    });
    let mut b = DatasetImage::new("bench/b.jpg", 320, 240);
    b.boxes.push(DatasetBox {
        confidence: Some(0.25),
        ..boxed("drill", 0.0, 0.0, 5.0, 5.0)
    });
    let expected = Dataset {
        images: vec![a, b],
        labels: vec!["drill".into(), "hammer".into()],
    };
    assert_same_dataset(&dataset, &expected, 0.0);
}

#[test]
fn a_class_map_renames_an_imported_coco_file() {
    let mut dataset = import_coco(&read_golden("import/coco_from_another_tool.json")).unwrap();
    ClassMap::from_json(&read_golden("import/class_map.json"))
        .unwrap()
        .apply(&mut dataset);
    assert_eq!(dataset.labels, ["driller", "hammer"]);
    assert_eq!(dataset.images[1].boxes[0].label, "driller");
}

fn import_error(json: &str) -> (Option<String>, Option<String>, String) {
    let error = import_coco(json).unwrap_err();
    (error.location, error.field, error.message)
}

const IMAGES: &str = r#""images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}]"#;
const CATEGORIES: &str = r#""categories": [{"id": 1, "name": "cat"}]"#;

#[test]
fn an_annotation_on_an_unknown_image_is_named_by_its_index() {
    let json = format!(
        r#"{{{IMAGES}, {CATEGORIES}, "annotations": [
            {{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}},
            {{"image_id": 7, "category_id": 1, "bbox": [0, 0, 1, 1]}}]}}"#
    );
    let (location, field, message) = import_error(&json);
    assert_eq!(
        (location.as_deref(), field.as_deref()),
        (Some("annotations[1]"), Some("image_id"))
    );
    assert!(message.contains('7'), "{message}");
}

#[test]
fn a_bbox_with_three_numbers_or_a_negative_size_is_refused() {
    for bbox in ["[0, 0, 1]", "[0, 0, -1, 1]"] {
        let json = format!(
            r#"{{{IMAGES}, {CATEGORIES}, "annotations": [{{"image_id": 1, "category_id": 1, "bbox": {bbox}}}]}}"#
        );
        let (location, field, _) = import_error(&json);
        assert_eq!(
            (location.as_deref(), field.as_deref()),
            (Some("annotations[0]"), Some("bbox")),
            "{bbox}"
        );
    }
}

#[test]
fn a_field_of_the_wrong_type_is_named_with_its_path() {
    let json = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10},
                              {"id": 2, "file_name": "b.jpg", "width": "wide", "height": 10}], "categories": []}"#;
    let (location, field, _) = import_error(json);
    assert_eq!(
        (location.as_deref(), field.as_deref()),
        (Some("images[1]"), Some("width"))
    );
    let fractional = r#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 10.5, "height": 10}], "categories": []}"#;
    assert_eq!(import_error(fractional).1.as_deref(), Some("width"));
}

#[test]
fn duplicate_ids_unknown_categories_and_bad_scores_are_refused() {
    let twice = r#"{"images": [{"id": 3, "file_name": "a.jpg", "width": 1, "height": 1},
                               {"id": 3, "file_name": "b.jpg", "width": 1, "height": 1}], "categories": []}"#;
    assert_eq!(import_error(twice).0.as_deref(), Some("images[1]"));
    let json = format!(
        r#"{{{IMAGES}, {CATEGORIES}, "annotations": [{{"image_id": 1, "category_id": 0, "bbox": [0, 0, 1, 1]}}]}}"#
    );
    assert_eq!(import_error(&json).1.as_deref(), Some("category_id"));
    let json = format!(
        r#"{{{IMAGES}, {CATEGORIES}, "annotations": [{{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 3}}]}}"#
    );
    assert_eq!(import_error(&json).1.as_deref(), Some("score"));
    assert!(import_coco("{} trailing").is_err());
    assert!(import_coco("[]").is_err());
    assert!(import_error("{}").2.starts_with("missing field `images`"));
}

fn arbitrary_dataset() -> impl Strategy<Value = Dataset> {
    let names = [
        "driller",
        "hammer \"claw\"",
        "schraubendreher ü",
        "a/b",
        "x\ny",
    ];
    (1..=names.len()).prop_flat_map(move |label_count| {
        let labels: Vec<String> = names[..label_count].iter().map(|s| s.to_string()).collect();
        let a_box = (
            0..label_count,
            -100.0..2100.0f64,
            -100.0..2100.0f64,
            0.0..2000.0f64,
            0.0..2000.0f64,
            any::<bool>(),
        )
            .prop_map(move |(label, x, y, w, h, iscrowd)| DatasetBox {
                iscrowd,
                ..boxed(names[label], x, y, w, h)
            });
        let an_image = (
            "[a-z0-9_/.-]{1,12}",
            1..4000u32,
            1..4000u32,
            prop::collection::vec(a_box, 0..5),
        )
            .prop_map(|(file_name, width, height, boxes)| DatasetImage {
                file_name,
                width,
                height,
                boxes,
                outcomes: Default::default(),
            });
        prop::collection::vec(an_image, 0..6).prop_map(move |images| Dataset {
            images,
            labels: labels.clone(),
        })
    })
}

proptest! {
    #[test]
    fn any_dataset_survives_a_coco_round_trip_exactly_after_clipping(dataset in arbitrary_dataset()) {
        let json = export_coco_json(&dataset, &CocoExportOptions::default()).unwrap();
        let back = import_coco(&json).unwrap();
        let expected = as_exported(&dataset, true, Confidence::Dropped);
        prop_assert_eq!(&back, &expected);
        for annotation in to_coco(&dataset, &CocoExportOptions::default()).unwrap().annotations {
            let rect = ImageRect::from_coco(annotation.bbox);
            prop_assert!(annotation.id >= 1 && annotation.image_id >= 1 && annotation.category_id >= 1);
            prop_assert_eq!(annotation.area, rect.w * rect.h);
        }
    }
}
