//! The pure parts of static-site mode: the merged COCO file, the Ground Truth manifest and local task ids.

use crowdbox_core::coco::{CocoAnnotation, CocoImage};
use crowdbox_core::wire::CocoResult;
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::export::{coco_json, ground_truth_manifest};
use super::{categories, local_task_id};

fn result(id: u64, file_name: &str, boxes: &[(u64, [f64; 4])]) -> (u64, CocoResult) {
    let labels = ["cat".to_owned(), "dog".to_owned()];
    let result = CocoResult {
        images: vec![CocoImage {
            id,
            file_name: file_name.to_owned(),
            width: 100,
            height: 50,
            license: None,
            date_captured: None,
            outcomes: Default::default(),
        }],
        annotations: boxes
            .iter()
            .zip(1..)
            .map(|((category_id, bbox), n)| CocoAnnotation {
                id: n,
                image_id: id,
                category_id: *category_id,
                bbox: *bbox,
                area: bbox[2] * bbox[3],
                iscrowd: 0,
                score: None,
            })
            .collect(),
        categories: categories(&labels),
    };
    (id, result)
}

#[test]
fn the_coco_file_holds_every_result_with_annotation_ids_made_unique() {
    let labels = ["cat".to_owned(), "dog".to_owned()];
    let all = [
        result(
            1,
            "a.jpg",
            &[(1, [1.0, 2.0, 3.0, 4.0]), (2, [5.0, 5.0, 5.0, 5.0])],
        ),
        result(7, "b.jpg", &[(2, [0.5, 0.5, 10.0, 10.0])]),
    ];
    let text = coco_json("job", &all, &categories(&labels));
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<u64> = file["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(file["images"][1]["file_name"], "b.jpg");
    assert_eq!(file["annotations"][2]["image_id"], 7);
    assert_eq!(file["categories"][1]["name"], "dog");
}

#[test]
fn the_ground_truth_manifest_has_a_line_per_image_with_the_labels_class_ids() {
    let labels = ["cat".to_owned(), "dog".to_owned()];
    let all = [
        result(1, "images/a.jpg", &[(2, [1.0, 2.0, 3.0, 4.0])]),
        result(2, "images/b.jpg", &[]),
    ];
    let text = ground_truth_manifest(
        "job",
        "boxes",
        &all,
        &labels,
        "2026-01-01T00:00:00.000000".into(),
    )
    .unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["source-ref"], "images/a.jpg");
    assert_eq!(lines[0]["boxes"]["annotations"][0]["class_id"], 1);
    assert_eq!(lines[0]["boxes-metadata"]["class-map"]["1"], "dog");
    assert_eq!(
        lines[1]["boxes"]["annotations"].as_array().unwrap().len(),
        0
    );
    let unknown = [result(3, "c.jpg", &[(9, [1.0, 1.0, 1.0, 1.0])])];
    assert!(ground_truth_manifest("job", "boxes", &unknown, &labels, String::new()).is_err());
}

#[test]
fn a_local_file_keeps_its_task_id_and_different_files_get_different_ids() {
    let a = local_task_id("coins.png", 74906.0);
    assert_eq!(a, local_task_id("coins.png", 74906.0));
    assert_ne!(a, local_task_id("coins.png", 74907.0));
    assert_ne!(a, local_task_id("coffee.png", 74906.0));
    assert!(a < 1 << 53, "a JavaScript number holds it exactly");
    assert!(a >= 1 << 40, "above any manifest line number");
}
