//! crowdbox-prelabel: runs an ONNX object detector over images, in pure Rust (tract), so an owner's model can
//! draw the first boxes that volunteers then check and correct.
//!
//! What `crowdbox prelabel` does with it: check everything first ([`prepare`]: the model loads, its outputs are a
//! supported layout, its classes map to the job's labels), then [`run`] over the images not pre-labelled yet,
//! storing each [`Chunk`] in one transaction, with a progress line and Ctrl+C setting the cancellation flag.
//!
//! ```no_run
//! # use std::sync::atomic::AtomicBool;
//! # use std::path::Path;
//! use crowdbox_prelabel::{prepare, run, ImageInput, PrelabelSetup, RunOptions};
//! let job_labels = vec!["car".to_owned(), "person".to_owned()];
//! let setup = PrelabelSetup { classes_file: Some(Path::new("classes.txt")), ..PrelabelSetup::new(Path::new("detector.onnx")) };
//! let (detector, class_map) = prepare(&setup, &job_labels)?;
//! let images = vec![ImageInput { id: 1, path: "a.jpg".into(), width: 640, height: 480 }];
//! let cancel = AtomicBool::new(false); // set by the Ctrl+C handler
//! let summary = run(&detector, &class_map, &images, &RunOptions::default(), &cancel,
//!     |progress| eprint!("\r{}", progress.line()),
//!     |chunk| -> Result<(), std::io::Error> {
//!         // store chunk.images (each: id, prelabels with label index, rect, score) in one transaction
//!         Ok(())
//!     })?;
//! eprintln!("{} images, {} boxes, dropped by class: {:?}", summary.images_done, summary.boxes, summary.dropped);
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
