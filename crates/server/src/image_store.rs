//! The content-addressed image store and what crowdbox reads from an image file's header.
//!
//! Each image is kept once per store as `<first 2 hex of sha256>/<sha256>.<ext>`; the database holds that
//! relative path, and the server only ever opens paths it looked up by image id.

use std::io::Cursor;

use crowdbox_tiles::TileErrorKind;
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
///
/// Refuses, before anything is stored: a decompression bomb (a header claiming more than
/// [`crowdbox_tiles::DEFAULT_MAX_PIXELS`]) and a file whose data ends before the structure its header starts is
/// complete (see [`check_complete`]).
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
    let max_pixels = crowdbox_tiles::DEFAULT_MAX_PIXELS;
    if u64::from(width) * u64::from(height) > max_pixels {
        let kind = TileErrorKind::TooManyPixels {
            width,
            height,
            max_pixels,
        };
        return Err(kind.to_string());
    }
    if !check_complete(bytes, kind) {
        return Err(TileErrorKind::Truncated.to_string());
    }
    Ok(ProbedImage {
        sha256: hex::encode(Sha256::digest(bytes)),
        kind,
        width,
        height,
    })
}

/// Whether the file holds the whole structure it starts, read without decoding pixels (cheap enough for every
/// imported file): a JPEG's marker segments up to its image data and an end-of-image marker after it; every
/// PNG chunk in full, up to `IEND`; a WebP's whole RIFF container. A file cut short fails this; a complete file
/// whose compressed data holds fewer rows than its header claims is only found by decoding it (tiling does).
pub fn check_complete(bytes: &[u8], kind: ImageKind) -> bool {
    match kind {
        ImageKind::Jpeg => jpeg_complete(bytes),
        ImageKind::Png => png_complete(bytes),
        ImageKind::Webp => webp_complete(bytes),
    }
}

/// Walks the segments after SOI by their lengths to the first start of scan, then looks for EOI after it
/// (inside entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, so FF D9 is the end).
fn jpeg_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return false;
        };
        if marker == 0xD9 {
            return false; // the image ends before any image data
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            at += 2; // markers without a length
            continue;
        }
        let Some(length) = bytes.get(at + 2..at + 4) else {
            return false;
        };
        let end = at + 2 + usize::from(u16::from_be_bytes([length[0], length[1]]));
        if end > bytes.len() {
            return false;
        }
        if marker == 0xDA {
            return bytes[end..].windows(2).any(|pair| pair == [0xFF, 0xD9]);
        }
        at = end;
    }
}

/// Walks the chunks after the signature by their lengths; each must be there whole, up to `IEND`.
fn png_complete(bytes: &[u8]) -> bool {
    let mut at = 8;
    while let Some(head) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = at.saturating_add(12).saturating_add(length);
        if end > bytes.len() {
            return false;
        }
        if &head[4..8] == b"IEND" {
            return true;
        }
        at = end;
    }
    false
}

/// The RIFF header says how long the container is; the file must hold all of it.
fn webp_complete(bytes: &[u8]) -> bool {
    bytes.get(4..8).is_some_and(|size| {
        let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize;
        bytes.len() >= size.saturating_add(8)
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
        example.store_path = Some(store_bytes(store_dir, &bytes, &probed)?);
        example.mime = Some(probed.kind.mime().to_owned());
    }
    Ok(())
}

/// Writes an image's `bytes` (as [`probe_image`] read them) into the store unless they are there already, and
/// gives its place in the store.
pub fn store_bytes(
    store_dir: &std::path::Path,
    bytes: &[u8],
    probed: &ProbedImage,
) -> anyhow::Result<String> {
    use anyhow::Context;
    let relative = store_relative_path(&probed.sha256, probed.kind);
    let target = store_dir.join(&relative);
    if !target.exists() {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| {
                format!("cannot create the image store folder {}", parent.display())
            })?;
        }
        // Written under another name and renamed, so a reader never finds half a file.
        let partial = target.with_extension("partial");
        std::fs::write(&partial, bytes)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, &target)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(relative)
}

/// The example `src` names for an owner API request (an http(s) URL, or `sha256:<hex>` for a file in the store:
/// one of `current`'s or one `POST /api/jobs/{job}/example-files` stored), as an example of `kind` (`good` or
/// `bad`). A current example keeps what it had (its original `src`, its caption); a stored file is read and
/// checked again. The error is a sentence naming `src`.
pub fn requested_example(
    store_dir: &std::path::Path,
    current: &[crate::formats_io::job_file::Example],
    kind: &str,
    src: &str,
) -> Result<crate::formats_io::job_file::Example, String> {
    use crowdbox_core::owner::ExampleSrc;
    let sha256 = match ExampleSrc::parse(src)? {
        ExampleSrc::Url(url) => {
            return Ok(crate::formats_io::job_file::Example {
                kind: kind.to_owned(),
                src: url.to_owned(),
                store_path: None,
                mime: None,
                caption: None,
            })
        }
        ExampleSrc::Stored(sha256) => sha256,
    };
    let same_file = |e: &&crate::formats_io::job_file::Example| {
        !e.is_url()
            && e.store_path.as_deref().is_some_and(|path| {
                path.rsplit('/')
                    .next()
                    .is_some_and(|name| name.split('.').next() == Some(sha256))
            })
    };
    if let Some(example) = current.iter().find(same_file) {
        return Ok(crate::formats_io::job_file::Example {
            kind: kind.to_owned(),
            ..example.clone()
        });
    }
    // The hex digits were checked, so the path is the store's own `ab/<sha256>.<ext>`.
    for image_kind in [ImageKind::Jpeg, ImageKind::Png, ImageKind::Webp] {
        let relative = store_relative_path(sha256, image_kind);
        let Ok(bytes) = std::fs::read(store_dir.join(&relative)) else {
            continue;
        };
        let probed =
            probe_image(&bytes).map_err(|reason| format!("the stored file of {src:?} {reason}"))?;
        if probed.sha256 != sha256 || probed.kind != image_kind {
            return Err(format!(
                "the stored file of {src:?} does not hold that image"
            ));
        }
        return Ok(crate::formats_io::job_file::Example {
            kind: kind.to_owned(),
            src: src.to_owned(),
            store_path: Some(relative),
            mime: Some(image_kind.mime().to_owned()),
            caption: None,
        });
    }
    Err(format!(
        "no image file {src:?} is in the image store: upload it with POST /api/jobs/{{job}}/example-files first"
    ))
}

/// Where an image lives inside the store: `ab/ab12…ef.jpg`.
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
        bytes.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
        bytes
    }

    #[test]
    fn a_png_header_gives_kind_size_and_hash() {
        let probed = probe_image(&png_header(3, 2)).unwrap();
        assert_eq!(probed.kind, ImageKind::Png);
        assert_eq!((probed.width, probed.height), (3, 2));
        assert_eq!(probed.sha256.len(), 64);
    }

    fn encoded(format: image::ImageFormat) -> Vec<u8> {
        let picture =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut bytes = Cursor::new(Vec::new());
        picture.write_to(&mut bytes, format).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn whole_files_are_complete_and_every_cut_of_them_is_not() {
        for (format, kind) in [
            (image::ImageFormat::Jpeg, ImageKind::Jpeg),
            (image::ImageFormat::Png, ImageKind::Png),
        ] {
            let bytes = encoded(format);
            assert!(check_complete(&bytes, kind), "{kind:?}");
            for cut in 0..bytes.len() - 1 {
                assert!(
                    !check_complete(&bytes[..cut], kind),
                    "{kind:?} cut at {cut}"
                );
            }
        }
        let mut webp = b"RIFF\x0c\0\0\0WEBPVP8L".to_vec();
        webp.extend_from_slice(&[0; 4]);
        assert!(check_complete(&webp, ImageKind::Webp));
        assert!(!check_complete(&webp[..19], ImageKind::Webp));
    }

    #[test]
    fn a_header_claiming_more_pixels_than_the_limit_is_refused_as_a_bomb() {
        let error = probe_image(&png_header(60_000, 40_000)).unwrap_err();
        assert!(
            error.contains("60000 × 40000") && error.contains("more than the limit"),
            "{error}"
        );
        let cut = encoded(image::ImageFormat::Jpeg);
        let error = probe_image(&cut[..cut.len() / 2]).unwrap_err();
        assert!(error.contains("truncated"), "{error}");
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
