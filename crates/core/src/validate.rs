//! Validation of one task's submission against the task's image and the job's categories.
//!
//! Pure and shared: the server runs it before storing anything, and the worker app can run the very same check
//! before sending, so both sides agree on what a valid result is.

use std::collections::HashSet;
use std::fmt;

use crate::coco::{CocoCategory, CocoImage};
use crate::geometry::ImageRect;
use crate::wire::Submission;

mod report;
pub use report::{validate_report, MAX_RECORD_LINES};

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
/// positive width and height that lies inside the image (up to [`EDGE_TOLERANCE_PX`]); and the outcome, note,
/// change record and verdicts agree with the boxes ([`validate_report`]).
/// The annotation's `area` is not checked: whoever stores the box recomputes it from the (clipped) box.
pub fn validate_submission(
    sub: &Submission,
    image: &CocoImage,
    categories: &[CocoCategory],
) -> Result<(), FieldError> {
    validate_task_submission(sub, image, categories, None)
}

/// [`validate_submission`] for a task that came with `given_boxes` pre-annotations (ids 1..=given_boxes), so the
/// origins of the change record and the verdicts are checked against them too (the server knows this number;
/// the app does not need to).
pub fn validate_task_submission(
    sub: &Submission,
    image: &CocoImage,
    categories: &[CocoCategory],
    given_boxes: Option<u64>,
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
    validate_report(sub, given_boxes)
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

/// Checks one COCO `[x, y, w, h]` box against its image: finite, positive size, inside the image up to
/// [`EDGE_TOLERANCE_PX`], some area inside it. `field` names the box in the error.
pub fn validate_bbox(field: &str, bbox: [f64; 4], image: &CocoImage) -> Result<(), FieldError> {
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

/// Clips a COCO `[x, y, w, h]` box to the image `[0, width] × [0, height]`; a box inside the image comes back
/// bit for bit ([`ImageRect::clip_to`]). A box that was accepted by [`validate_submission`] keeps a positive
/// width and height.
pub fn clip_to_image(bbox: [f64; 4], width: u32, height: u32) -> [f64; 4] {
    let [x, y, w, h] = bbox;
    let image = ImageRect::new(0.0, 0.0, f64::from(width), f64::from(height));
    let clipped = ImageRect::new(x, y, w, h).clip_to(&image);
    [clipped.x, clipped.y, clipped.w, clipped.h]
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod report_tests;
