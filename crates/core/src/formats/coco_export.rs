//! Writing COCO object-detection JSON as pycocotools reads it.
//!
//! Ids are 1, 2, 3… in the dataset's order (image ids by image, category ids by label, annotation ids over all
//! boxes); `area = w * h` of the clipped box; every category has a `supercategory`; images without boxes are kept.
//! Boxes are clipped to their image and boxes wholly outside it are left out.

use crate::coco::{CocoAnnotation, CocoCategory, CocoDataset, CocoImage, CocoInfo};

use super::{clip_to_image, Dataset, FormatError};

const FORMAT: &str = "COCO";

/// What a COCO export says beyond the boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct CocoExportOptions {
    pub info: CocoInfo,
    /// The `supercategory` written for every category (COCO requires the field; crowdbox labels are flat).
    pub supercategory: String,
    /// Indent the JSON for people (about 3× larger); compact otherwise.
    pub pretty: bool,
    /// Write each box's confidence as the annotation's `score` (as detector results files do). Off for
    /// people's boxes, whose consolidation confidence is not a detection score.
    pub scores: bool,
}

impl Default for CocoExportOptions {
    fn default() -> Self {
        Self {
            info: CocoInfo {
                description: "crowdbox export".into(),
                ..CocoInfo::default()
            },
            supercategory: "object".into(),
            pretty: false,
            scores: false,
        }
    }
}

/// The dataset as COCO types.
pub fn to_coco(dataset: &Dataset, options: &CocoExportOptions) -> Result<CocoDataset, FormatError> {
    let label_index = dataset.label_indices(FORMAT)?;
    let categories = dataset
        .labels
        .iter()
        .enumerate()
        .map(|(index, name)| CocoCategory {
            id: index as u64 + 1,
            name: name.clone(),
            supercategory: options.supercategory.clone(),
        })
        .collect();
    let mut images = Vec::with_capacity(dataset.images.len());
    let mut annotations = Vec::with_capacity(dataset.box_count());
    for (image_index, image) in dataset.images.iter().enumerate() {
        let image_id = image_index as u64 + 1;
        images.push(CocoImage {
            id: image_id,
            file_name: image.file_name.clone(),
            width: image.width,
            height: image.height,
            license: None,
            date_captured: None,
            outcomes: image.outcomes.clone(),
        });
        for dataset_box in &image.boxes {
            let Some(rect) = clip_to_image(&dataset_box.rect, image) else {
                continue;
            };
            annotations.push(CocoAnnotation {
                id: annotations.len() as u64 + 1,
                image_id,
                category_id: label_index[dataset_box.label.as_str()] as u64 + 1,
                bbox: rect.to_coco(),
                area: rect.area(),
                iscrowd: u8::from(dataset_box.iscrowd),
                score: dataset_box.confidence.filter(|_| options.scores),
            });
        }
    }
    Ok(CocoDataset {
        info: options.info.clone(),
        licenses: Vec::new(),
        images,
        annotations,
        categories,
    })
}

/// The dataset as a COCO JSON document.
pub fn export_coco_json(
    dataset: &Dataset,
    options: &CocoExportOptions,
) -> Result<String, FormatError> {
    let coco = to_coco(dataset, options)?;
    // Roughly 110 bytes per annotation and 80 per image: one allocation for the whole document.
    let mut out = Vec::with_capacity(256 + 110 * coco.annotations.len() + 80 * coco.images.len());
    let written = if options.pretty {
        serde_json::to_writer_pretty(&mut out, &coco)
    } else {
        serde_json::to_writer(&mut out, &coco)
    };
    written.map_err(|error| FormatError::new(FORMAT, format!("could not write JSON: {error}")))?;
    String::from_utf8(out)
        .map_err(|error| FormatError::new(FORMAT, format!("JSON was not UTF-8: {error}")))
}
