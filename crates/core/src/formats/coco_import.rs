//! Reading COCO object-detection JSON leniently: what other tools actually write, not only what crowdbox writes.
//!
//! Accepted beyond [`crate::coco`]'s strict types: ids starting at 0 (any non-negative integer), no `area`
//! (crowdbox computes it from the box), no `supercategory`, no `info`, `licenses` or `annotations`, `iscrowd` missing, `true`/
//! `false` or `0`/`1`, integer-valued floats for image sizes, `segmentation` and other extra fields (ignored), and a
//! `score` on annotations (results files), which becomes the box's confidence.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};

use super::{Dataset, DatasetBox, DatasetImage, FormatError};
use crate::geometry::ImageRect;

const FORMAT: &str = "COCO";

#[derive(Deserialize)]
struct LenientCoco {
    images: Vec<LenientImage>,
    /// Absent in image-info files (test sets): images without boxes.
    #[serde(default)]
    annotations: Vec<LenientAnnotation>,
    categories: Vec<LenientCategory>,
}

#[derive(Deserialize)]
struct LenientImage {
    id: u64,
    file_name: String,
    #[serde(deserialize_with = "whole_pixels")]
    width: u32,
    #[serde(deserialize_with = "whole_pixels")]
    height: u32,
}

#[derive(Deserialize)]
struct LenientAnnotation {
    image_id: u64,
    category_id: u64,
    bbox: Vec<f64>,
    #[serde(default, deserialize_with = "flag")]
    iscrowd: bool,
    #[serde(default)]
    score: Option<f64>,
}

#[derive(Deserialize)]
struct LenientCategory {
    id: u64,
    name: String,
}

/// An image size: a non-negative integer, also when written as `640.0`.
pub(super) fn whole_pixels<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if value.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&value) {
        return Err(serde::de::Error::custom(format!(
            "expected a whole number of pixels, found {value}"
        )));
    }
    // Checked above: a whole number in u32's range.
    Ok(value as u32)
}

/// COCO's `iscrowd`: 0 or 1, and some tools write `false`/`true`.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Bool(value) => Ok(value),
        serde_json::Value::Number(number) if number.as_u64() == Some(0) => Ok(false),
        serde_json::Value::Number(number) if number.as_u64() == Some(1) => Ok(true),
        other => Err(serde::de::Error::custom(format!(
            "expected 0, 1, false or true, found {other}"
        ))),
    }
}

/// Reads a COCO object-detection document. Images keep their order and are kept without boxes; labels are the
/// categories' names in the order they are listed. Errors name the record (`annotations[12]`) and the field.
pub fn import_coco(text: &str) -> Result<Dataset, FormatError> {
    // serde would also fill the struct from a JSON array; a COCO document is an object.
    if !text.trim_start().starts_with('{') {
        return Err(FormatError::new(
            FORMAT,
            "expected a JSON object with `images`, `annotations` and `categories`",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let coco: LenientCoco =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let error = FormatError::new(FORMAT, error.into_inner().to_string());
            if path == "." {
                return error;
            }
            match path.split_once('.') {
                Some((record, field)) => error.at(record).field(field),
                None => error.at(path),
            }
        })?;
    deserializer.end().map_err(|error| {
        FormatError::new(FORMAT, format!("text after the JSON document: {error}"))
    })?;

    let mut dataset = Dataset::new();
    let mut label_of_category: HashMap<u64, usize> = HashMap::with_capacity(coco.categories.len());
    for (index, category) in coco.categories.iter().enumerate() {
        let location = format!("categories[{index}]");
        if category.name.trim().is_empty() {
            return Err(FormatError::in_field(
                FORMAT,
                location,
                "name",
                "the category name is empty",
            ));
        }
        // Two categories with one name (it happens after hand edits) become one label.
        let label = match dataset
            .labels
            .iter()
            .position(|known| *known == category.name)
        {
            Some(label) => label,
            None => {
                dataset.labels.push(category.name.clone());
                dataset.labels.len() - 1
            }
        };
        if label_of_category.insert(category.id, label).is_some() {
            let message = format!("category id {} is used twice", category.id);
            return Err(FormatError::in_field(FORMAT, location, "id", message));
        }
    }

    let mut position_of_image: HashMap<u64, usize> = HashMap::with_capacity(coco.images.len());
    dataset.images.reserve(coco.images.len());
    for (index, image) in coco.images.into_iter().enumerate() {
        let location = format!("images[{index}]");
        if position_of_image.insert(image.id, index).is_some() {
            let message = format!("image id {} is used twice", image.id);
            return Err(FormatError::in_field(FORMAT, location, "id", message));
        }
        if image.width == 0 || image.height == 0 {
            let message = format!("the image size {}×{} is empty", image.width, image.height);
            let field = if image.width == 0 { "width" } else { "height" };
            return Err(FormatError::in_field(FORMAT, location, field, message));
        }
        dataset.images.push(DatasetImage::new(
            image.file_name,
            image.width,
            image.height,
        ));
    }

    for (index, annotation) in coco.annotations.into_iter().enumerate() {
        let location = || format!("annotations[{index}]");
        let Some(&image) = position_of_image.get(&annotation.image_id) else {
            let message = format!("no image has id {}", annotation.image_id);
            return Err(FormatError::in_field(
                FORMAT,
                location(),
                "image_id",
                message,
            ));
        };
        let Some(&label) = label_of_category.get(&annotation.category_id) else {
            let message = format!("no category has id {}", annotation.category_id);
            return Err(FormatError::in_field(
                FORMAT,
                location(),
                "category_id",
                message,
            ));
        };
        let rect = match annotation.bbox[..] {
            [x, y, w, h] if [x, y, w, h].iter().all(|v| v.is_finite()) && w >= 0.0 && h >= 0.0 => {
                ImageRect::new(x, y, w, h)
            }
            _ => {
                let message = format!(
                    "expected [x, y, width, height] with a size ≥ 0, found {:?}",
                    annotation.bbox
                );
                return Err(FormatError::in_field(FORMAT, location(), "bbox", message));
            }
        };
        if let Some(score) = annotation
            .score
            .filter(|score| !(0.0..=1.0).contains(score))
        {
            let message = format!("a score is between 0 and 1, found {score}");
            return Err(FormatError::in_field(FORMAT, location(), "score", message));
        }
        dataset.images[image].boxes.push(DatasetBox {
            label: dataset.labels[label].clone(),
            rect,
            iscrowd: annotation.iscrowd,
            confidence: annotation.score,
        });
    }
    Ok(dataset)
}
