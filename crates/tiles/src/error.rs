//! What can go wrong making a pyramid; every error names the file it is about.

use std::path::{Path, PathBuf};

/// A pyramid could not be made from `file` (or written to it, for [`TileErrorKind::Write`] and
/// [`TileErrorKind::DestinationExists`]).
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", file.display())]
pub struct TileError {
    pub file: PathBuf,
    pub kind: TileErrorKind,
}

#[derive(Debug, thiserror::Error)]
pub enum TileErrorKind {
    #[error("cannot be read: {0}")]
    Read(std::io::Error),
    #[error("is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error(
        "is {width} × {height} pixels ({:.0} Mpx), more than the limit of {:.0} Mpx",
        *width as f64 * *height as f64 / 1e6,
        *max_pixels as f64 / 1e6
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    #[error(
        "has pixel data that ends early or is damaged: the file is truncated or corrupt, or its header claims a \
         larger image than its data holds"
    )]
    Truncated,
    #[error("is not a readable image: {0}")]
    Corrupt(String),
    #[error("cannot be made with these options: {0}")]
    Options(String),
    #[error("already exists; a pyramid is never written over another")]
    DestinationExists,
    #[error("cannot be written: {0}")]
    Write(std::io::Error),
}

impl TileError {
    pub(crate) fn new(file: &Path, kind: TileErrorKind) -> Self {
        TileError {
            file: file.to_path_buf(),
            kind,
        }
    }
}
