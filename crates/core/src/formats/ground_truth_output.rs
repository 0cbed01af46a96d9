//! Reading SageMaker Ground Truth bounding-box output manifests: one JSON object per line.
//!
//! ```text
//! {"source-ref": "s3://bucket/000001.jpg",
//!  "tools": {"image_size": [{"width": 500, "height": 400, "depth": 3}],
//!            "annotations": [{"class_id": 0, "left": 111, "top": 134, "width": 61, "height": 128}]},
//!  "tools-metadata": {"objects": [{"confidence": 0.86}], "class-map": {"0": "driller"},
//!                     "type": "groundtruth/object-detection", "human-annotated": "yes", …}}
//! ```
//! The label attribute (`tools` above) is the job's name for its output; give it, or let
//! [`detect_label_attribute`] find the one attribute that holds boxes.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::coco_import::whole_pixels;
use super::{Dataset, DatasetBox, DatasetImage, FormatError};
use crate::geometry::ImageRect;

const FORMAT: &str = "Ground Truth output manifest";

#[derive(Deserialize)]
struct LabelAttribute {
    image_size: Vec<LabelImageSize>,
    #[serde(default)]
    annotations: Vec<LabelAnnotation>,
}

#[derive(Deserialize)]
struct LabelImageSize {
    #[serde(deserialize_with = "whole_pixels")]
    width: u32,
    #[serde(deserialize_with = "whole_pixels")]
    height: u32,
}

#[derive(Deserialize)]
struct LabelAnnotation {
    class_id: u64,
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

#[derive(Deserialize)]
struct LabelMetadata {
    #[serde(rename = "class-map", default)]
    class_map: HashMap<String, String>,
    #[serde(default)]
    objects: Option<Vec<LabelObject>>,
}

#[derive(Deserialize)]
struct LabelObject {
    #[serde(default)]
    confidence: Option<f64>,
}

type JsonObject = serde_json::Map<String, serde_json::Value>;

fn parse_line(line: &str, location: &str) -> Result<JsonObject, FormatError> {
    serde_json::from_str(line).map_err(|error| {
        FormatError::new(FORMAT, format!("expected a JSON object: {error}")).at(location)
    })
}

/// The label attribute on the manifest's first non-blank line: the one key whose value has `image_size` and
/// `annotations` (a key with `-metadata` of type `groundtruth/object-detection` wins when several do).
pub fn detect_label_attribute(text: &str) -> Result<String, FormatError> {
    let Some((index, line)) = text
        .lines()
        .enumerate()
        .find(|(_, line)| !line.trim().is_empty())
    else {
        return Err(FormatError::new(FORMAT, "the manifest is empty"));
    };
    let location = format!("line {}", index + 1);
    let object = parse_line(line, &location)?;
    let holds_boxes = |key: &String| {
        !key.ends_with("-metadata")
            && object
                .get(key)
                .and_then(|value| value.as_object())
                .is_some_and(|value| {
                    value.get("image_size").is_some_and(|v| v.is_array())
                        && value.get("annotations").is_some_and(|v| v.is_array())
                })
    };
    let candidates: Vec<&String> = object.keys().filter(|key| holds_boxes(key)).collect();
    let is_object_detection = |key: &&String| {
        object
            .get(&format!("{key}-metadata"))
            .and_then(|metadata| metadata.get("type"))
            .and_then(|kind| kind.as_str())
            == Some("groundtruth/object-detection")
    };
    let detection: Vec<&String> = candidates
        .iter()
        .copied()
        .filter(is_object_detection)
        .collect();
    match (&candidates[..], &detection[..]) {
        (_, [only]) | ([only], _) => Ok((*only).clone()),
        ([], _) => Err(FormatError::new(
            FORMAT,
            "no attribute holds bounding boxes (an object with `image_size` and `annotations`)",
        )
        .at(location)),
        (several, _) => Err(FormatError::new(
            FORMAT,
            format!("several attributes hold bounding boxes ({several:?}); name the one to import"),
        )
        .at(location)),
    }
}

/// Reads an output manifest. `attribute` is the label attribute name, or `None` to detect it from the first line.
/// Image file names are the `source-ref`s as written; labels are ordered by class id.
pub fn import_ground_truth_output_manifest(
    text: &str,
    attribute: Option<&str>,
) -> Result<Dataset, FormatError> {
    let attribute = match attribute {
        Some(attribute) => attribute.to_owned(),
        None => detect_label_attribute(text)?,
    };
    let metadata_key = format!("{attribute}-metadata");
    let mut dataset = Dataset::new();
    let mut names_by_class_id: BTreeMap<u64, String> = BTreeMap::new();
    // Names a class id has on some line other than the first that named it (hand-edited manifests).
    let mut renamed_class_names: Vec<String> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let location = format!("line {}", index + 1);
        let mut object = parse_line(line, &location)?;
        let field_error =
            |field: &str, message: String| FormatError::in_field(FORMAT, &location, field, message);
        let file_name = match object.remove("source-ref") {
            Some(serde_json::Value::String(source_ref)) if !source_ref.trim().is_empty() => {
                source_ref
            }
            Some(other) => {
                return Err(field_error(
                    "source-ref",
                    format!("expected a non-empty string, found {other}"),
                ))
            }
            None => return Err(field_error("source-ref", "missing".into())),
        };
        let Some(label) = object.get(&attribute) else {
            return Err(field_error(
                &attribute,
                "missing: this line has no label attribute of that name".into(),
            ));
        };
        let label: LabelAttribute = from_json_value(label, &location, &attribute)?;
        let Some(metadata) = object.get(&metadata_key) else {
            return Err(field_error(
                &metadata_key,
                "missing: it holds the class-map that names the boxes".into(),
            ));
        };
        let metadata: LabelMetadata = from_json_value(metadata, &location, &metadata_key)?;
        let Some(size) = label.image_size.first() else {
            return Err(field_error(
                &format!("{attribute}.image_size"),
                "expected one {width, height}".into(),
            ));
        };
        let mut image = DatasetImage::new(file_name, size.width, size.height);
        let confidences = match &metadata.objects {
            Some(objects) if objects.len() != label.annotations.len() => {
                let message = format!(
                    "{} objects for {} annotations; there is one per annotation",
                    objects.len(),
                    label.annotations.len()
                );
                return Err(field_error(&format!("{metadata_key}.objects"), message));
            }
            Some(objects) => objects.iter().map(|object| object.confidence).collect(),
            None => vec![None; label.annotations.len()],
        };
        for (box_index, (annotation, confidence)) in
            label.annotations.iter().zip(confidences).enumerate()
        {
            let field = format!("{attribute}.annotations[{box_index}]");
            let Some(name) = metadata.class_map.get(&annotation.class_id.to_string()) else {
                let message = format!("class id {} is not in the class-map", annotation.class_id);
                return Err(field_error(&format!("{field}.class_id"), message));
            };
            let rect = ImageRect::new(
                annotation.left,
                annotation.top,
                annotation.width,
                annotation.height,
            );
            if !rect.is_finite() || rect.w < 0.0 || rect.h < 0.0 {
                return Err(field_error(
                    &field,
                    format!("the box {rect:?} has a negative or non-numeric size"),
                ));
            }
            if let Some(confidence) = confidence.filter(|c| !(0.0..=1.0).contains(c)) {
                let message = format!("a confidence is between 0 and 1, found {confidence}");
                return Err(field_error(
                    &format!("{metadata_key}.objects[{box_index}].confidence"),
                    message,
                ));
            }
            let first_name = names_by_class_id
                .entry(annotation.class_id)
                .or_insert_with(|| name.clone());
            if first_name != name && !renamed_class_names.contains(name) {
                renamed_class_names.push(name.clone());
            }
            image.boxes.push(DatasetBox {
                label: name.clone(),
                rect,
                iscrowd: false,
                confidence,
            });
        }
        for (class_id, name) in &metadata.class_map {
            if let Ok(class_id) = class_id.parse::<u64>() {
                names_by_class_id
                    .entry(class_id)
                    .or_insert_with(|| name.clone());
            }
        }
        dataset.images.push(image);
    }
    for name in names_by_class_id.values() {
        dataset.add_label(name);
    }
    for name in &renamed_class_names {
        dataset.add_label(name);
    }
    Ok(dataset)
}

fn from_json_value<'de, T: Deserialize<'de>>(
    value: &'de serde_json::Value,
    location: &str,
    attribute: &str,
) -> Result<T, FormatError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." {
            attribute.to_owned()
        } else {
            format!("{attribute}.{path}")
        };
        FormatError::in_field(FORMAT, location, field, error.into_inner().to_string())
    })
}
