//! Dataset formats: COCO, SageMaker Ground Truth manifests, Pascal VOC, YOLO and Open Images, converted to and
//! from one neutral in-memory model, [`Dataset`].
//!
//! Nothing here touches the file system: importers take text and return a [`Dataset`] (or, for Ground Truth
//! input manifests, image references); exporters take a [`Dataset`] and return text or [`ExportFile`]s with
//! relative paths. The server does the reading and writing.
//!
//! Conventions shared by all formats:
//! - Boxes are natural image pixels, top-left origin, floats (COCO `[x, y, w, h]`); each format's own
//!   convention (VOC's 1-based inclusive corners, YOLO's and Open Images' fractions) is converted at the edge.
//! - Importers keep boxes as the source has them (YOLO clips tiny overshoots). Exporters clip every box to its
//!   image and leave out boxes wholly outside it; images without boxes are always kept.
//! - Class ids come from the order of [`Dataset::labels`]: COCO category id = index + 1, YOLO and Ground Truth
//!   class id = index.
//! - Errors ([`FormatError`]) name the record (line, row, array index, object) and the field.
//! - A [`ClassMap`] renames labels after any import, so names from several sources meet; [`Dataset::merge`]
//!   combines imports.

mod class_map;
mod coco_export;
mod coco_import;
mod error;
mod ground_truth_export;
mod ground_truth_input;
mod ground_truth_output;
mod model;
mod open_images;
mod voc;
mod yolo;

pub use class_map::ClassMap;
pub use coco_export::{export_coco_json, to_coco, CocoExportOptions};
pub use coco_import::import_coco;
pub use error::FormatError;
pub use ground_truth_export::{export_ground_truth_output_manifest, GroundTruthExportOptions};
pub use ground_truth_input::{import_ground_truth_input_manifest, ImageSource, InputManifestEntry};
pub use ground_truth_output::{detect_label_attribute, import_ground_truth_output_manifest};
pub use model::{
    clip_to_image, file_stem, Dataset, DatasetBox, DatasetImage, ExportFile, PixelSize,
};
pub use open_images::{
    export_open_images, import_open_images, parse_open_images_class_descriptions,
    OPEN_IMAGES_HEADER,
};
pub use voc::{export_voc, export_voc_document, import_voc, import_voc_document};
pub use yolo::{
    export_yolo, export_yolo_labels, import_yolo, import_yolo_labels, parse_yolo_class_names,
    YoloLabelFile,
};

pub(crate) use model::per_image_paths;
