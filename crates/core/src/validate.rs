//! Validation of one task's submission against the task's image and the job's categories.
//!
//! Pure and shared: the server runs it before storing anything, and the worker app can run the very same check
//! before sending, so both sides agree on what a valid result is.

use std::collections::HashSet;
use std::fmt;

use crate::coco::{CocoCategory, CocoImage};
use crate::wire::Submission;

/// How far (in natural pixels) a box edge may stick out of the image and still be accepted. Pointer input
/// rounding can put an edge a fraction of a pixel outside; such boxes are clipped with [`clip_to_image`].
pub const EDGE_TOLERANCE_PX: f64 = 0.5;

/// The longest accepted `submission_id` and `worker_id`, in bytes.
pub const MAX_ID_LEN: usize = 128;

/// What is wrong with a submission: the JSON path of the offending field and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field, e.g. `result.annotations[2].bbox`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Checks an identifier made by a client (`submission_id`, `worker_id`): non-empty, at most [`MAX_ID_LEN`]
/// bytes, no control characters.
pub fn validate_client_id(field: &str, value: &str) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, format!("{field} must not be empty")));
    }
    if value.len() > MAX_ID_LEN {
        return Err(FieldError::new(
            field,
            format!("{field} is longer than {MAX_ID_LEN} bytes"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(())
}

/// Checks that `sub` is a well-formed result for the task showing `image`, using only `categories`.
///
/// Rules: the ids are usable, `task_id` is the image's id, `result.images` holds exactly this image with its
/// id, width and height, every listed category is one of the job's (same id and name), and every annotation
/// belongs to this image, uses a known category, is not a crowd region, has a unique id and a finite box with
/// positive width and height that lies inside the image (up to [`EDGE_TOLERANCE_PX`]).
/// The annotation's `area` is not checked: whoever stores the box recomputes it from the (clipped) box.
pub fn validate_submission(
    sub: &Submission,
    image: &CocoImage,
    categories: &[CocoCategory],
) -> Result<(), FieldError> {
    validate_client_id("submission_id", &sub.submission_id)?;
    validate_client_id("worker_id", &sub.worker_id)?;
    if sub.task_id != image.id {
        return Err(FieldError::new(
            "task_id",
            format!(
                "task_id {} does not match the task's image id {}",
                sub.task_id, image.id
            ),
        ));
    }
    validate_result_image(sub, image)?;
    validate_result_categories(sub, categories)?;

    let mut seen_ids = HashSet::new();
    for (index, annotation) in sub.result.annotations.iter().enumerate() {
        let path = format!("result.annotations[{index}]");
        if annotation.image_id != image.id {
            return Err(FieldError::new(
                format!("{path}.image_id"),
                format!(
                    "image_id {} is not the task's image {}",
                    annotation.image_id, image.id
                ),
            ));
        }
        if !categories
            .iter()
            .any(|category| category.id == annotation.category_id)
        {
            return Err(FieldError::new(
                format!("{path}.category_id"),
                format!(
                    "category_id {} is not one of the job's categories",
                    annotation.category_id
                ),
            ));
        }
        if annotation.iscrowd != 0 {
            return Err(FieldError::new(
                format!("{path}.iscrowd"),
                "iscrowd must be 0: crowdbox boxes each mark one object",
            ));
        }
        if !seen_ids.insert(annotation.id) {
            return Err(FieldError::new(
                format!("{path}.id"),
                format!("annotation id {} appears more than once", annotation.id),
            ));
        }
        validate_bbox(&format!("{path}.bbox"), annotation.bbox, image)?;
    }
    Ok(())
}

fn validate_result_image(sub: &Submission, image: &CocoImage) -> Result<(), FieldError> {
    let images = &sub.result.images;
    if images.len() != 1 {
        return Err(FieldError::new(
            "result.images",
            format!(
                "result.images must hold exactly the task's image, found {} images",
                images.len()
            ),
        ));
    }
    let sent = &images[0];
    if sent.id != image.id {
        return Err(FieldError::new(
            "result.images[0].id",
            format!("image id {} is not the task's image {}", sent.id, image.id),
        ));
    }
    if sent.width != image.width {
        return Err(FieldError::new(
            "result.images[0].width",
            format!(
                "width {} differs from the image's width {}",
                sent.width, image.width
            ),
        ));
    }
    if sent.height != image.height {
        return Err(FieldError::new(
            "result.images[0].height",
            format!(
                "height {} differs from the image's height {}",
                sent.height, image.height
            ),
        ));
    }
    Ok(())
}

fn validate_result_categories(
    sub: &Submission,
    categories: &[CocoCategory],
) -> Result<(), FieldError> {
    for (index, sent) in sub.result.categories.iter().enumerate() {
        match categories.iter().find(|category| category.id == sent.id) {
            None => {
                return Err(FieldError::new(
                    format!("result.categories[{index}].id"),
                    format!("category id {} is not one of the job's categories", sent.id),
                ))
            }
            Some(known) if known.name != sent.name => {
                return Err(FieldError::new(
                    format!("result.categories[{index}].name"),
                    format!(
                        "category {} is called {:?} in this job, not {:?}",
                        sent.id, known.name, sent.name
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn validate_bbox(field: &str, bbox: [f64; 4], image: &CocoImage) -> Result<(), FieldError> {
    let [x, y, w, h] = bbox;
    if !bbox.iter().all(|value| value.is_finite()) {
        return Err(FieldError::new(field, "bbox values must be finite numbers"));
    }
    if w <= 0.0 || h <= 0.0 {
        return Err(FieldError::new(
            field,
            format!("bbox width and height must be positive, got {w} × {h}"),
        ));
    }
    let (width, height) = (f64::from(image.width), f64::from(image.height));
    let tolerance = EDGE_TOLERANCE_PX;
    if x < -tolerance || y < -tolerance || x + w > width + tolerance || y + h > height + tolerance {
        return Err(FieldError::new(
            field,
            format!(
                "bbox [{x}, {y}, {w}, {h}] lies outside the {}×{} image",
                image.width, image.height
            ),
        ));
    }
    let [_, _, clipped_w, clipped_h] = clip_to_image(bbox, image.width, image.height);
    if clipped_w <= 0.0 || clipped_h <= 0.0 {
        return Err(FieldError::new(
            field,
            format!("bbox [{x}, {y}, {w}, {h}] has no area inside the image"),
        ));
    }
    Ok(())
}

/// Clips a COCO `[x, y, w, h]` box to the image `[0, width] × [0, height]`. A box that was accepted by
/// [`validate_submission`] keeps a positive width and height.
pub fn clip_to_image(bbox: [f64; 4], width: u32, height: u32) -> [f64; 4] {
    let [x, y, w, h] = bbox;
    let (width, height) = (f64::from(width), f64::from(height));
    let left = x.clamp(0.0, width);
    let top = y.clamp(0.0, height);
    let right = (x + w).clamp(0.0, width);
    let bottom = (y + h).clamp(0.0, height);
    [left, top, right - left, bottom - top]
}

#[cfg(test)]
mod tests {
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
        }
    }

    fn submission() -> Submission {
        Submission {
            submission_id: "s-1".into(),
            worker_id: "w-1".into(),
            task_id: 7,
            duration_ms: Some(1200),
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

    fn field_of(sub: &Submission) -> String {
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
}
