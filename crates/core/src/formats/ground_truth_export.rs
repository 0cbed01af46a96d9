//! Writing SageMaker Ground Truth bounding-box output manifests (see [`super::ground_truth_output`] for the shape).
//!
//! Like Ground Truth, positions and sizes are whole pixels: the clipped box's corners are rounded to the nearest
//! pixel edge, and a box thinner than half a pixel is widened to one pixel inside the image. `class_id` is the
//! label's index in [`Dataset::labels`] and the `class-map` lists every label. Each box's `objects[].confidence`
//! is its confidence, or 1 when the source did not give one (the field is required).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{clip_to_image, Dataset, FormatError};

const FORMAT: &str = "Ground Truth output manifest";

/// What the manifest says beyond the boxes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroundTruthExportOptions {
    /// The label attribute name, e.g. `tools`; `<attribute>-metadata` holds the class-map.
    pub attribute: String,
    /// `job-name`, as Ground Truth writes it: `labeling-job/<name>`.
    pub job_name: String,
    /// `creation-date`, e.g. `2024-05-01T12:00:00.000000` (passed in: core does not read clocks).
    pub creation_date: String,
    /// Put before every image's file name to make its `source-ref`, e.g. `s3://bucket/images/`; often empty.
    pub source_ref_prefix: String,
    /// `human-annotated`: `yes` for volunteers' boxes, `no` for machine labels.
    pub human_annotated: bool,
}

#[derive(serde::Serialize)]
struct LabelAttribute {
    image_size: [LabelImageSize; 1],
    annotations: Vec<LabelAnnotation>,
}

#[derive(serde::Serialize)]
struct LabelImageSize {
    width: u32,
    height: u32,
    depth: u32,
}

#[derive(serde::Serialize)]
struct LabelAnnotation {
    class_id: usize,
    left: u32,
    top: u32,
    width: u32,
    height: u32,
}

#[derive(serde::Serialize)]
struct LabelMetadata<'a> {
    objects: Vec<LabelObject>,
    #[serde(rename = "class-map")]
    class_map: ClassMapJson<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "human-annotated")]
    human_annotated: &'static str,
    #[serde(rename = "creation-date")]
    creation_date: &'a str,
    #[serde(rename = "job-name")]
    job_name: &'a str,
    /// crowdbox's addition: volunteers' outcomes for the image (see `DatasetImage::outcomes`), when any.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    outcomes: &'a std::collections::BTreeMap<String, u32>,
}

#[derive(serde::Serialize)]
struct LabelObject {
    confidence: f64,
}

/// `{"0": "driller", "1": "hammer", …}` in class-id order (a sorted map would put "10" before "2").
struct ClassMapJson<'a>(&'a [String]);

impl Serialize for ClassMapJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (class_id, name) in self.0.iter().enumerate() {
            map.serialize_entry(&class_id.to_string(), name)?;
        }
        map.end()
    }
}

/// The whole pixels `[start, start + length)` nearest to `[from, to)`, at least one pixel long, inside
/// `[0, limit)`. `limit` is at least 1 (images are never empty).
pub(crate) fn whole_pixel_span(from: f64, to: f64, limit: u32) -> (u32, u32) {
    let limit = f64::from(limit.max(1));
    let start = from.round().clamp(0.0, limit - 1.0);
    // start + 1 ≤ limit, so the clamp's bounds are in order.
    let end = to.round().clamp(start + 1.0, limit);
    // Both are whole numbers within [0, limit] ⊂ u32 after the clamps above.
    (start as u32, (end - start) as u32)
}

fn to_json<T: Serialize>(value: &T) -> Result<String, FormatError> {
    serde_json::to_string(value)
        .map_err(|error| FormatError::new(FORMAT, format!("could not write JSON: {error}")))
}

/// The dataset as an output manifest: one line per image, images without boxes included.
pub fn export_ground_truth_output_manifest(
    dataset: &Dataset,
    options: &GroundTruthExportOptions,
) -> Result<String, FormatError> {
    let attribute = options.attribute.as_str();
    if attribute.trim().is_empty() || attribute.ends_with("-metadata") || attribute == "source-ref"
    {
        return Err(FormatError::new(
            FORMAT,
            format!(
                "`{attribute}` cannot name the label attribute: use a plain name such as `boxes`"
            ),
        )
        .field("attribute"));
    }
    let label_index = dataset.label_indices(FORMAT)?;
    let attribute_json = to_json(&attribute)?;
    let metadata_key_json = to_json(&format!("{attribute}-metadata"))?;
    let mut out = String::with_capacity(dataset.images.len() * 400);
    for image in &dataset.images {
        let mut annotations = Vec::with_capacity(image.boxes.len());
        let mut objects = Vec::with_capacity(image.boxes.len());
        for dataset_box in &image.boxes {
            let Some(rect) = clip_to_image(&dataset_box.rect, image) else {
                continue;
            };
            let (left, width) = whole_pixel_span(rect.x, rect.right(), image.width);
            let (top, height) = whole_pixel_span(rect.y, rect.bottom(), image.height);
            annotations.push(LabelAnnotation {
                class_id: label_index[dataset_box.label.as_str()],
                left,
                top,
                width,
                height,
            });
            objects.push(LabelObject {
                confidence: dataset_box.confidence.unwrap_or(1.0),
            });
        }
        let label = LabelAttribute {
            image_size: [LabelImageSize {
                width: image.width,
                height: image.height,
                depth: 3,
            }],
            annotations,
        };
        let metadata = LabelMetadata {
            objects,
            class_map: ClassMapJson(&dataset.labels),
            kind: "groundtruth/object-detection",
            human_annotated: if options.human_annotated { "yes" } else { "no" },
            creation_date: &options.creation_date,
            job_name: &options.job_name,
            outcomes: &image.outcomes,
        };
        let source_ref = format!("{}{}", options.source_ref_prefix, image.file_name);
        out.push_str(&format!(
            "{{\"source-ref\":{},{attribute_json}:{},{metadata_key_json}:{}}}\n",
            to_json(&source_ref)?,
            to_json(&label)?,
            to_json(&metadata)?
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::whole_pixel_span;

    #[test]
    fn whole_pixel_spans_round_corners_and_stay_inside_the_image() {
        assert_eq!(whole_pixel_span(10.4, 20.6, 100), (10, 11));
        assert_eq!(whole_pixel_span(0.0, 100.0, 100), (0, 100));
        // A sliver is widened to one pixel, also at the far edge.
        assert_eq!(whole_pixel_span(5.1, 5.2, 100), (5, 1));
        assert_eq!(whole_pixel_span(99.8, 99.9, 100), (99, 1));
    }
}
