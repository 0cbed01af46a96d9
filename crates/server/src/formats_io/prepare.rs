//! Before an import's transaction: every source image checked (readable, an image, the size the source says),
//! hashed, and copied into the image store.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

use super::sources::{ImageLocation, LoadedSource};
use super::store_files::{probe_and_store, Keep};
use crate::image_store::{probe_image, ImageKind};

/// One source image, checked and hashed before the transaction starts.
pub(super) struct Prepared {
    pub(super) sha256: String,
    pub(super) kind: Option<ImageKind>,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) location: ImageLocation,
    pub(super) file_name: String,
    /// Its tile pyramid, for a stored image above the tiling threshold.
    pub(super) pyramid: Option<crowdbox_tiles::TilePyramid>,
}

/// Checks every image (readable, an image, the size the source says), hashes it and copies it into the store,
/// reading each file once. Returns the images and the store files created (to remove if the import fails).
pub(super) fn prepare(
    source: &LoadedSource,
    store_dir: &Path,
) -> anyhow::Result<(Vec<Prepared>, Vec<PathBuf>)> {
    let images = &source.dataset.images;
    probe_and_store(store_dir, images.len(), |index| {
        let (image, location) = (&images[index], &source.locations[index]);
        let (sha256, kind, width, height, keep) =
            match location {
                ImageLocation::Url(url) => {
                    let sha = hex::encode(Sha256::digest(format!("url:{url}")));
                    (sha, None, image.width, image.height, None)
                }
                ImageLocation::File(path) => {
                    let bytes = std::fs::read(path).with_context(|| {
                        format!(
                            "{}: cannot read the image {} (`{}`)",
                            source.origin,
                            path.display(),
                            image.file_name
                        )
                    })?;
                    let probed = probe_image(&bytes).map_err(|reason| {
                        anyhow::anyhow!("{}: {} {reason}", source.origin, path.display())
                    })?;
                    if (probed.width, probed.height) != (image.width, image.height) {
                        bail!(
                        "{}: image `{}` is {}×{} in the annotations but {} is {}×{} as displayed",
                        source.origin, image.file_name, image.width, image.height,
                        path.display(), probed.width, probed.height
                    );
                    }
                    let keep = Keep {
                        bytes,
                        sha256: probed.sha256.clone(),
                        kind: probed.kind,
                    };
                    (
                        probed.sha256,
                        Some(probed.kind),
                        probed.width,
                        probed.height,
                        Some(keep),
                    )
                }
            };
        let prepared = Prepared {
            sha256,
            kind,
            width,
            height,
            location: location.clone(),
            file_name: image.file_name.clone(),
            pyramid: None,
        };
        Ok((prepared, keep))
    })
}
