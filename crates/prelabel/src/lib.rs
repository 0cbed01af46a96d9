//! crowdbox-prelabel: runs an ONNX object detector over images, in pure Rust (tract), so an owner's model can
//! draw the first boxes that volunteers then check and correct.
//!
//! ```no_run
//! # use std::sync::atomic::AtomicBool;
//! # use std::path::Path;
//! use crowdbox_prelabel::{run, ClassMap, Detector, DetectorOptions, ImageInput, RunOptions};
//! let detector = Detector::load(Path::new("detector.onnx"), &DetectorOptions::default())?;
//! let labels = vec!["car".to_owned(), "person".to_owned()];
//! let class_map = ClassMap::new(detector.class_names(), &labels, &[])?;
//! let images = vec![ImageInput { id: 1, path: "a.jpg".into(), width: 640, height: 480 }];
//! let cancel = AtomicBool::new(false);
//! let summary = run(&detector, &class_map, &images, &RunOptions::default(), &cancel,
//!     |p| eprintln!("{}", p.line()),
//!     |chunk| -> Result<(), std::io::Error> { /* store chunk.images in one transaction */ Ok(()) })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Which model outputs are read is documented in [`layout`]; class names and mapping in [`classes`].

pub mod assist;
pub mod classes;
pub mod decode;
pub mod detector;
pub mod error;
pub mod layout;
pub mod letterbox;
pub mod nms;
pub mod progress;
pub mod read;
pub mod run;
pub mod setup;

pub use classes::{
    parse_class_map, parse_classes, read_class_map_file, read_classes_file, ClassMap,
};
pub use decode::DecodeOptions;
pub use detector::{
    ClassNamesSource, Detection, Detector, DetectorOptions, DetectorState, DEFAULT_INPUT_SIZE,
};
pub use error::PrelabelError;
pub use layout::OutputLayout;
pub use progress::Progress;
pub use read::{read_image, read_image_for_input};
pub use run::{run, Chunk, ImageInput, ImageOutcome, PreLabel, RunOptions, RunSummary};
pub use setup::{prepare, PrelabelSetup};
