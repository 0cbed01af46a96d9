//! Everything `crowdbox prelabel` checks before it touches a job: the model loads, its classes are named, and
//! the class map fits the job's labels. All errors come before any image is run or anything is stored.

use std::path::Path;

use crate::classes::{read_class_map_file, read_classes_file, ClassMap};
use crate::decode::DecodeOptions;
use crate::detector::{Detector, DetectorOptions};
use crate::error::{quoted_list, PrelabelError};

/// What the owner gave on the command line.
#[derive(Clone, Debug)]
pub struct PrelabelSetup<'a> {
    pub model: &'a Path,
    /// A `classes.txt`, when the model's metadata has no names (or the wrong ones).
    pub classes_file: Option<&'a Path>,
    /// A class map (TOML) for classes whose names are not the job's labels.
    pub class_map_file: Option<&'a Path>,
    pub input_size: Option<u32>,
    pub decode: DecodeOptions,
}

impl<'a> PrelabelSetup<'a> {
    /// The model alone, with default thresholds and input size.
    pub fn new(model: &'a Path) -> Self {
        Self {
            model,
            classes_file: None,
            class_map_file: None,
            input_size: None,
            decode: DecodeOptions::default(),
        }
    }
}

/// The detector and the class map for a job with `job_labels`. An error when no model class maps to any label
/// (the run would store nothing).
pub fn prepare(
    setup: &PrelabelSetup<'_>,
    job_labels: &[String],
) -> Result<(Detector, ClassMap), PrelabelError> {
    let class_names = setup.classes_file.map(read_classes_file).transpose()?;
    let overrides = setup
        .class_map_file
        .map(read_class_map_file)
        .transpose()?
        .unwrap_or_default();
    let detector = Detector::load(
        setup.model,
        &DetectorOptions {
            input_size: setup.input_size,
            class_names,
            decode: setup.decode,
        },
    )?;
    let class_map = ClassMap::new(detector.class_names(), job_labels, &overrides)?;
    if class_map.is_empty() {
        return Err(PrelabelError::NoClassMapsToALabel {
            model_classes: if detector.class_names().is_empty() {
                "unnamed: give a classes file or a class map by index".to_owned()
            } else {
                quoted_list(detector.class_names())
            },
            job_labels: quoted_list(job_labels),
        });
    }
    Ok((detector, class_map))
}
