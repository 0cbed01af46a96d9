//! What can go wrong when loading a detector or mapping its classes. Each message names the file, shape or name
//! at fault, so a user can fix it without reading the code.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PrelabelError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not an ONNX model ({reason})")]
    NotOnnx { path: PathBuf, reason: String },
    #[error("{path}: tract cannot load this ONNX model: {reason}")]
    Unloadable { path: PathBuf, reason: String },
    #[error(
        "the model's input {name:?} has shape {shape}; crowdbox takes one image input of shape [1, 3, H, W] \
         (RGB, values 0–1)"
    )]
    UnsupportedInput { name: String, shape: String },
    #[error("the model has {count} inputs ({names}); crowdbox takes models with one image input")]
    TooManyInputs { count: usize, names: String },
    #[error(
        "input size {asked}×{asked} was asked, but the model takes a fixed {width}×{height} input"
    )]
    InputSizeMismatch { asked: u32, width: u32, height: u32 },
    #[error("input size {0} is not a positive multiple of 32 (YOLO models downsample by 32)")]
    InputSizeNotMultipleOf32(u32),
    #[error("unsupported model outputs {shapes}: {reason}")]
    UnsupportedOutputs { shapes: String, reason: String },
    #[error("{path} line {line}: {reason}")]
    ClassesFile {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{count} class names were given ({source_name}), but the model's output {shape} has {expected}")]
    ClassCountMismatch {
        count: usize,
        source_name: String,
        shape: String,
        expected: String,
    },
    #[error("class map {path}: {reason}")]
    ClassMapFile { path: PathBuf, reason: String },
    #[error("class map maps model class {model_class:?} to label {label:?}, which the job does not have (its labels: {job_labels})")]
    UnknownJobLabel {
        model_class: String,
        label: String,
        job_labels: String,
    },
    #[error("class map names model class {model_class:?}, which the model does not have (its classes: {model_classes})")]
    UnknownModelClass {
        model_class: String,
        model_classes: String,
    },
    #[error(
        "none of the model's classes ({model_classes}) is one of the job's labels ({job_labels}); map them with a \
         class map"
    )]
    NoClassMapsToALabel {
        model_classes: String,
        job_labels: String,
    },
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("cannot start {threads} inference threads: {reason}")]
    Threads { threads: usize, reason: String },
}

/// Shapes as a reader writes them: `[1, 84, 8400]`, a symbolic dimension as `?`.
pub(crate) fn format_shape(shape: &[Option<usize>]) -> String {
    let dims: Vec<String> = shape
        .iter()
        .map(|d| d.map_or_else(|| "?".to_owned(), |d| d.to_string()))
        .collect();
    format!("[{}]", dims.join(", "))
}

pub(crate) fn format_shapes(shapes: &[Vec<Option<usize>>]) -> String {
    shapes
        .iter()
        .map(|s| format_shape(s))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn quoted_list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
