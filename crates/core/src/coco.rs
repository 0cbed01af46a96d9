//! COCO object-detection types (the subset crowdbox reads and writes).
//!
//! Conventions: ids are integers ≥ 1, `bbox = [x, y, w, h]` in natural image pixels with a top-left origin,
//! `area = w * h` for boxes, `iscrowd` 0 or 1.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoDataset {
    pub info: CocoInfo,
    pub licenses: Vec<CocoLicense>,
    pub images: Vec<CocoImage>,
    pub annotations: Vec<CocoAnnotation>,
    pub categories: Vec<CocoCategory>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoInfo {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub year: u32,
    #[serde(default)]
    pub contributor: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub date_created: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoLicense {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoImage {
    pub id: u64,
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_captured: Option<String>,
    /// crowdbox's addition (COCO readers ignore extra image fields, as LVIS's do): how many volunteers said
    /// `nothing_to_label`, `image_unreadable` or `unsure` about this image. Only in exports; absent when none did.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub outcomes: std::collections::BTreeMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoAnnotation {
    pub id: u64,
    pub image_id: u64,
    pub category_id: u64,
    pub bbox: [f64; 4],
    pub area: f64,
    pub iscrowd: u8,
    /// A model's score (0–1) for a box `crowdbox prelabel` stored; absent for boxes people drew or imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CocoCategory {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub supercategory: String,
}

/// Labels as COCO categories: ids from 1 in the given order, no supercategory (static-site and embedded jobs,
/// whose labels come as a plain list).
pub fn categories_from_labels(labels: &[String]) -> Vec<CocoCategory> {
    labels
        .iter()
        .zip(1..)
        .map(|(name, id)| CocoCategory {
            id,
            name: name.clone(),
            supercategory: String::new(),
        })
        .collect()
}
