//! crowdbox-tiles: tile pyramids of huge images, made row by row so memory stays bounded.
//!
//! [`make_pyramid`] turns one JPEG, PNG or WebP file into a folder of 512 px JPEG tiles, levels halving down to
//! one tile, in the layout [`crowdbox_core::tiles`] describes (`pyramid.json` + `<level>/<x>/<y>.jpg`), the
//! layout the server serves and static-site and embedded modes can publish as files.
//!
//! - **Bounded memory.** JPEG (libjpeg's scanline API) and non-interlaced PNG are decoded a strip of
//!   `tile_size` rows at a time; each level keeps one strip, and a finished strip is cut into tiles and halved
//!   into the next coarser level. Peak memory grows with the image's *width*, not its area (see BENCHMARKS.md).
//!   WebP, interlaced PNG and images with an EXIF rotation or mirroring are decoded whole (no streaming decoder
//!   exists for them), bounded by [`PyramidOptions::max_pixels`]; WebP's format caps a side at 16383 px.
//! - **Both cores.** Decoding runs on its own thread while the tiles of the previous strip are encoded and
//!   written in parallel (rayon).
//! - **All or nothing.** Tiles go into a temporary folder beside the destination, renamed into place at the end;
//!   on any error the temporary folder is removed and nothing is left behind.
//! - **Bad input** (not an image, truncated data, dimensions over the limit: a decompression bomb) is refused
//!   with a [`TileError`] naming the file, before anything is written where possible, else before the rename.

mod build;
mod encode;
mod error;
mod halve;
mod output;
mod source;

pub use build::{
    make_pyramid, PyramidOptions, PyramidProgress, DEFAULT_MAX_PIXELS, DEFAULT_QUALITY,
};
pub use crowdbox_core::tiles::{
    needs_pyramid, TileFormat, TileKey, TilePyramid, DEFAULT_PYRAMID_THRESHOLD_MPX,
    DEFAULT_TILE_SIZE, PYRAMID_FILE,
};
pub use error::{TileError, TileErrorKind};
pub use source::{checked_image_size, image_size};
