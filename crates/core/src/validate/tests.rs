//! Unit tests of `validate`: one rule per test, each breaking a valid submission in one place.

use super::*;
use crate::coco::CocoAnnotation;
use crate::wire::CocoResult;

fn image() -> CocoImage {
    CocoImage {
        id: 7,
        file_name: "cat.jpg".into(),
        width: 640,
        height: 480,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    }
}

fn categories() -> Vec<CocoCategory> {
    vec![
        CocoCategory {
            id: 1,
            name: "cat".into(),
            supercategory: "demo".into(),
        },
        CocoCategory {
            id: 2,
            name: "dog".into(),
            supercategory: "demo".into(),
        },
    ]
}

fn annotation(id: u64, bbox: [f64; 4]) -> CocoAnnotation {
    CocoAnnotation {
        id,
        image_id: 7,
        category_id: 1,
        bbox,
        area: bbox[2] * bbox[3],
        iscrowd: 0,
        score: None,
    }
}

pub(super) fn submission() -> Submission {
    Submission {
        submission_id: "s-1".into(),
        worker_id: "w-1".into(),
        task_id: 7,
        duration_ms: Some(1200),
        outcome: Default::default(),
        note: None,
        changes: Vec::new(),
        verdicts: Vec::new(),
        result: CocoResult {
            images: vec![image()],
            annotations: vec![
                annotation(1, [10.0, 20.0, 100.0, 50.0]),
                annotation(2, [0.0, 0.0, 640.0, 480.0]),
            ],
            categories: categories(),
        },
    }
}

pub(super) fn field_of(sub: &Submission) -> String {
    validate_submission(sub, &image(), &categories())
        .expect_err("should be rejected")
        .field
}

#[test]
fn a_well_formed_submission_is_accepted() {
    assert_eq!(
        validate_submission(&submission(), &image(), &categories()),
        Ok(())
    );
}

#[test]
fn a_submission_without_boxes_is_accepted() {
    let mut sub = submission();
    sub.result.annotations.clear();
    sub.result.categories.clear();
    assert_eq!(validate_submission(&sub, &image(), &categories()), Ok(()));
}

#[test]
fn empty_or_overlong_ids_are_rejected() {
    let mut sub = submission();
    sub.submission_id = " ".into();
    assert_eq!(field_of(&sub), "submission_id");
    let mut sub = submission();
    sub.worker_id = "w".repeat(MAX_ID_LEN + 1);
    assert_eq!(field_of(&sub), "worker_id");
    let mut sub = submission();
    sub.worker_id = "w\n1".into();
    assert_eq!(field_of(&sub), "worker_id");
}

#[test]
fn a_task_id_other_than_the_image_id_is_rejected() {
    let mut sub = submission();
    sub.task_id = 8;
    assert_eq!(field_of(&sub), "task_id");
}

#[test]
fn the_result_must_hold_exactly_the_tasks_image_with_its_size() {
    let mut sub = submission();
    sub.result.images.push(image());
    assert_eq!(field_of(&sub), "result.images");
    let mut sub = submission();
    sub.result.images.clear();
    assert_eq!(field_of(&sub), "result.images");
    let mut sub = submission();
    sub.result.images[0].id = 8;
    assert_eq!(field_of(&sub), "result.images[0].id");
    let mut sub = submission();
    sub.result.images[0].width = 480;
    assert_eq!(field_of(&sub), "result.images[0].width");
    let mut sub = submission();
    sub.result.images[0].height = 640;
    assert_eq!(field_of(&sub), "result.images[0].height");
}

#[test]
fn listed_categories_must_be_the_jobs_own() {
    let mut sub = submission();
    sub.result.categories[1].id = 9;
    assert_eq!(field_of(&sub), "result.categories[1].id");
    let mut sub = submission();
    sub.result.categories[0].name = "kitten".into();
    assert_eq!(field_of(&sub), "result.categories[0].name");
}

#[test]
fn an_annotation_on_another_image_is_rejected() {
    let mut sub = submission();
    sub.result.annotations[1].image_id = 8;
    assert_eq!(field_of(&sub), "result.annotations[1].image_id");
}

#[test]
fn an_unknown_category_is_rejected() {
    let mut sub = submission();
    sub.result.annotations[0].category_id = 3;
    assert_eq!(field_of(&sub), "result.annotations[0].category_id");
}

#[test]
fn crowd_regions_are_rejected() {
    let mut sub = submission();
    sub.result.annotations[0].iscrowd = 1;
    assert_eq!(field_of(&sub), "result.annotations[0].iscrowd");
}

#[test]
fn duplicate_annotation_ids_are_rejected() {
    let mut sub = submission();
    sub.result.annotations[1].id = 1;
    assert_eq!(field_of(&sub), "result.annotations[1].id");
}

#[test]
fn boxes_without_positive_size_are_rejected() {
    for bbox in [
        [1.0, 1.0, 0.0, 5.0],
        [1.0, 1.0, 5.0, 0.0],
        [10.0, 10.0, -5.0, 5.0],
    ] {
        let mut sub = submission();
        sub.result.annotations[0] = annotation(1, bbox);
        assert_eq!(field_of(&sub), "result.annotations[0].bbox", "{bbox:?}");
    }
}

#[test]
fn non_finite_boxes_are_rejected() {
    for bbox in [[f64::NAN, 1.0, 5.0, 5.0], [1.0, 1.0, f64::INFINITY, 5.0]] {
        let mut sub = submission();
        sub.result.annotations[0] = annotation(1, bbox);
        assert_eq!(field_of(&sub), "result.annotations[0].bbox", "{bbox:?}");
    }
}

#[test]
fn boxes_outside_the_image_are_rejected() {
    for bbox in [
        [-1.0, 0.0, 10.0, 10.0],
        [0.0, -0.6, 10.0, 10.0],
        [600.0, 0.0, 41.0, 10.0],
        [0.0, 0.0, 10.0, 481.0],
    ] {
        let mut sub = submission();
        sub.result.annotations[0] = annotation(1, bbox);
        assert_eq!(field_of(&sub), "result.annotations[0].bbox", "{bbox:?}");
    }
}

#[test]
fn boxes_within_half_a_pixel_of_the_edge_are_accepted() {
    let mut sub = submission();
    sub.result.annotations[0] = annotation(1, [-0.5, -0.4, 640.9, 480.8]);
    assert_eq!(validate_submission(&sub, &image(), &categories()), Ok(()));
}

#[test]
fn a_box_that_is_only_in_the_tolerance_band_is_rejected() {
    let mut sub = submission();
    sub.result.annotations[0] = annotation(1, [-0.5, 10.0, 0.4, 10.0]);
    assert_eq!(field_of(&sub), "result.annotations[0].bbox");
}

#[test]
fn clipping_keeps_a_box_inside_the_image() {
    assert_eq!(
        clip_to_image([-0.5, -0.25, 100.0, 50.0], 640, 480),
        [0.0, 0.0, 99.5, 49.75]
    );
    assert_eq!(
        clip_to_image([600.0, 470.0, 40.5, 10.5], 640, 480),
        [600.0, 470.0, 40.0, 10.0]
    );
    assert_eq!(
        clip_to_image([10.0, 20.0, 30.0, 40.0], 640, 480),
        [10.0, 20.0, 30.0, 40.0]
    );
}

#[test]
fn field_errors_read_as_path_and_sentence() {
    let error = FieldError::new("task_id", "task_id 8 does not match");
    assert_eq!(error.to_string(), "task_id: task_id 8 does not match");
}
