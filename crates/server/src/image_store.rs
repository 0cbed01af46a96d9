//! The content-addressed image store and what crowdbox reads from an image file's header.
//!
//! Each image is kept once per store as `<first 2 hex of sha256>/<sha256>.<ext>`; the database holds that
//! relative path, and the server only ever opens paths it looked up by image id.

use std::io::Cursor;

use sha2::{Digest, Sha256};

/// What an image file is, found from its bytes (not its name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbedImage {
    pub sha256: String,
    pub kind: ImageKind,
    /// Size as displayed, i.e. after the EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }
}

/// The file extensions `crowdbox import` picks up (compared case-insensitively).
pub const IMPORTED_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];

/// Reads type, display size and hash from an image's bytes. The error is a sentence about what is wrong.
pub fn probe_image(bytes: &[u8]) -> Result<ProbedImage, String> {
    let kind = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => ImageKind::Jpeg,
        Ok(imagesize::ImageType::Png) => ImageKind::Png,
        Ok(imagesize::ImageType::Webp) => ImageKind::Webp,
        Ok(other) => {
            return Err(format!(
                "is a {other:?} image; crowdbox takes JPEG, PNG and WebP"
            ))
        }
        Err(_) => return Err("is not a readable JPEG, PNG or WebP image".to_owned()),
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|error| format!("has an unreadable image header ({error})"))?;
    let stored_width = u32::try_from(size.width).map_err(|_| "is too wide".to_owned())?;
    let stored_height = u32::try_from(size.height).map_err(|_| "is too tall".to_owned())?;
    if stored_width == 0 || stored_height == 0 {
        return Err(format!("has no pixels ({stored_width}×{stored_height})"));
    }
    let (width, height) = if swaps_axes(exif_orientation(bytes)) {
        (stored_height, stored_width)
    } else {
        (stored_width, stored_height)
    };
    Ok(ProbedImage {
        sha256: hex::encode(Sha256::digest(bytes)),
        kind,
        width,
        height,
    })
}

/// The EXIF orientation tag (1–8) if the file carries one.
pub fn exif_orientation(bytes: &[u8]) -> Option<u32> {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
        .value
        .get_uint(0)
}

/// Orientations 5–8 rotate by a quarter turn, so browsers show the stored width as the height.
fn swaps_axes(orientation: Option<u32>) -> bool {
    matches!(orientation, Some(5..=8))
}

/// Where an image lives inside the store: `ab/ab12…ef.jpg`.
/// Copies every example image given as a file into the store (content-addressed, like task images) and notes
/// where; URLs are left as they are. A file that cannot be read or is no image fails the whole job creation with
/// its path named, before anything is stored in the database.
pub fn store_examples(
    examples: &mut [crate::formats_io::job_file::Example],
    store_dir: &std::path::Path,
) -> anyhow::Result<()> {
    use anyhow::Context;
    for example in examples.iter_mut().filter(|e| !e.is_url()) {
        let bytes = std::fs::read(&example.src)
            .with_context(|| format!("cannot read the {} example {}", example.kind, example.src))?;
        let probed = probe_image(&bytes).map_err(|reason| {
            anyhow::anyhow!(
                "the {} example {} is not an image crowdbox can show: {reason}",
                example.kind,
                example.src
            )
        })?;
        let relative = store_relative_path(&probed.sha256, probed.kind);
        let target = store_dir.join(&relative);
        if !target.exists() {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("cannot create the image store folder {}", parent.display())
                })?;
            }
            std::fs::write(&target, &bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
        example.store_path = Some(relative);
        example.mime = Some(probed.kind.mime().to_owned());
    }
    Ok(())
}

pub fn store_relative_path(sha256: &str, kind: ImageKind) -> String {
    format!("{}/{sha256}.{}", &sha256[..2], kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid PNG header: signature, then an IHDR chunk of 3×2 pixels.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn a_png_header_gives_kind_size_and_hash() {
        let probed = probe_image(&png_header(3, 2)).unwrap();
        assert_eq!(probed.kind, ImageKind::Png);
        assert_eq!((probed.width, probed.height), (3, 2));
        assert_eq!(probed.sha256.len(), 64);
    }

    #[test]
    fn bytes_that_are_no_image_are_refused_with_a_reason() {
        let error = probe_image(b"this is text, not a picture").unwrap_err();
        assert!(
            error.contains("not a readable JPEG, PNG or WebP"),
            "{error}"
        );
    }

    #[test]
    fn other_image_types_are_refused_by_name() {
        let error = probe_image(b"GIF89a\x03\x00\x02\x00\x00\x00\x00").unwrap_err();
        assert!(error.contains("Gif"), "{error}");
    }

    #[test]
    fn only_quarter_turn_orientations_swap_axes() {
        for orientation in 1..=4 {
            assert!(!swaps_axes(Some(orientation)));
        }
        for orientation in 5..=8 {
            assert!(swaps_axes(Some(orientation)));
        }
        assert!(!swaps_axes(None));
    }

    #[test]
    fn store_paths_fan_out_by_the_first_two_hex_digits() {
        let sha = "ab".repeat(32);
        assert_eq!(
            store_relative_path(&sha, ImageKind::Webp),
            format!("ab/{sha}.webp")
        );
    }
}
