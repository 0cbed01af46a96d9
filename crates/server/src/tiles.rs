//! Tile pyramids made at import for images above a threshold, kept in the image store beside the images.
//!
//! An image of more than the threshold's megapixels (default
//! [`crowdbox_tiles::DEFAULT_PYRAMID_THRESHOLD_MPX`]; the environment variable [`THRESHOLD_ENV`] changes it for
//! every importer, and the image-folder import's request can set it per run) gets a pyramid of
//! [`crowdbox_tiles::DEFAULT_TILE_SIZE`] px JPEG tiles at `<store>/tiles/<sha256>/` (`pyramid.json` plus
//! `<level>/<x>/<y>.jpg`, the layout `crowdbox_core::tiles` describes). The same bytes in another job share the
//! folder. Made before the import's transaction, one image after another (each pyramid uses both cores); an
//! import that fails removes the folders it made.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use crowdbox_tiles::{make_pyramid, needs_pyramid, PyramidOptions, TilePyramid, PYRAMID_FILE};

/// Megapixels above which imported images are tiled, when the import does not say.
pub const THRESHOLD_ENV: &str = "CROWDBOX_PYRAMID_THRESHOLD_MPX";

/// The threshold in megapixels: `explicit`, else [`THRESHOLD_ENV`], else the default.
pub fn threshold_mpx(explicit: Option<f64>) -> anyhow::Result<f64> {
    let value = match explicit {
        Some(value) => value,
        None => match std::env::var(THRESHOLD_ENV) {
            Ok(text) => text.trim().parse::<f64>().with_context(|| {
                format!("{THRESHOLD_ENV}={text:?} is not a number of megapixels")
            })?,
            Err(_) => crowdbox_tiles::DEFAULT_PYRAMID_THRESHOLD_MPX,
        },
    };
    anyhow::ensure!(
        value.is_finite() && value >= 0.0,
        "the tiling threshold must be a number of megapixels of at least 0, not {value}"
    );
    Ok(value)
}

/// The folder of an image's tiles inside the store.
pub fn tiles_dir(store_dir: &Path, sha256: &str) -> PathBuf {
    store_dir.join("tiles").join(sha256)
}

/// An imported image that may need a pyramid.
pub struct ToTile<'a> {
    pub sha256: &'a str,
    /// The file it was read from (named in errors).
    pub source: &'a Path,
    pub width: u32,
    pub height: u32,
}

/// Pyramids for every image above `threshold_mpx`, by SHA-256: made, or read when the store has the folder
/// already. Returns them and the folders this call made (to remove if the import fails). On an error the folders
/// it made are removed and the error names the image's file.
pub fn make_pyramids(
    store_dir: &Path,
    images: &[ToTile<'_>],
    threshold_mpx: f64,
) -> anyhow::Result<(HashMap<String, TilePyramid>, Vec<PathBuf>)> {
    let mut pyramids = HashMap::new();
    let mut made = Vec::new();
    let options = PyramidOptions::default();
    for image in images {
        if !needs_pyramid(image.width, image.height, threshold_mpx)
            || pyramids.contains_key(image.sha256)
        {
            continue;
        }
        let dest = tiles_dir(store_dir, image.sha256);
        let outcome = existing(&dest).map_or_else(
            || {
                std::fs::create_dir_all(store_dir.join("tiles")).with_context(|| {
                    format!("cannot create the tiles folder in {}", store_dir.display())
                })?;
                let file = image.source.display().to_string();
                let started = std::time::Instant::now();
                tracing::info!(%file, width = image.width, height = image.height, "making a tile pyramid");
                // Progress in tenths, so a 1 Gpx image (about 5,000 tiles) logs ten lines, not thousands.
                let mut logged_tenths = 0;
                let pyramid = make_pyramid(image.source, &dest, &options, |p| {
                    let tenths = (p.tiles_written * 10).checked_div(p.tiles_total).unwrap_or(10);
                    if tenths > logged_tenths && tenths < 10 {
                        logged_tenths = tenths;
                        tracing::info!(%file, tiles = p.tiles_written, of = p.tiles_total, "tiling");
                    }
                })?;
                tracing::info!(
                    %file,
                    levels = pyramid.levels,
                    seconds = started.elapsed().as_secs_f64(),
                    "tile pyramid made"
                );
                made.push(dest.clone());
                Ok(pyramid)
            },
            Ok,
        );
        match outcome {
            Ok(pyramid) => {
                pyramids.insert(image.sha256.to_owned(), pyramid);
            }
            Err(error) => {
                remove_all(&made);
                return Err(error);
            }
        }
    }
    Ok((pyramids, made))
}

/// The pyramid already in `dest`, if its description is there and sound (else it is made anew).
fn existing(dest: &Path) -> Option<TilePyramid> {
    let text = std::fs::read(dest.join(PYRAMID_FILE)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Removes pyramid folders an import made (after it failed).
pub fn remove_all(made: &[PathBuf]) {
    for dir in made {
        let _ = std::fs::remove_dir_all(dir);
    }
}
