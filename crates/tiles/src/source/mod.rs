//! Reading an image as RGB rows, top to bottom: streamed where the format allows, decoded whole where not.

mod jpeg;
mod png_rows;
mod whole;

use std::any::Any;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader};

use crate::error::{TileError, TileErrorKind};

/// An image read as 8-bit RGB rows in order.
pub(crate) trait RowSource {
    /// The size as displayed (after any EXIF orientation).
    fn size(&self) -> (u32, u32);
    /// Fills `buf` (a whole number of rows of `width * 3` bytes) with the next rows.
    fn read_rows(&mut self, buf: &mut [u8]) -> Result<(), TileErrorKind>;
}

/// What the header says, read without decoding pixels.
struct Probe {
    format: ImageFormat,
    /// As displayed: after the orientation.
    width: u32,
    height: u32,
    orientation: Orientation,
}

fn probe(path: &Path) -> Result<Probe, TileError> {
    let err = |kind| TileError::new(path, kind);
    // By content, never by the file's name.
    let mut magic = [0u8; 16];
    let read = File::open(path).and_then(|mut f| {
        let mut n = 0;
        while n < magic.len() {
            match f.read(&mut magic[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    });
    let read = read.map_err(|e| err(TileErrorKind::Read(e)))?;
    let format = match image::guess_format(&magic[..read]) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        _ => return Err(err(TileErrorKind::NotAnImage)),
    };
    let ((stored_w, stored_h), orientation) = if format == ImageFormat::Jpeg {
        // The `image` crate's JPEG decoder reads the whole file to look at its header: read only the header.
        let size = imagesize::size(path)
            .map_err(|e| err(TileErrorKind::Corrupt(format!("its header: {e}"))))?;
        let (w, h) = (
            u32::try_from(size.width).unwrap_or(u32::MAX),
            u32::try_from(size.height).unwrap_or(u32::MAX),
        );
        ((w, h), jpeg_orientation(path))
    } else {
        let mut reader = ImageReader::open(path).map_err(|e| err(TileErrorKind::Read(e)))?;
        reader.set_format(format);
        // The pixel limit is checked below, with the file's name; the header alone allocates nothing large.
        reader.no_limits();
        let mut decoder = reader.into_decoder().map_err(|e| err(image_error(e)))?;
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        (decoder.dimensions(), orientation)
    };
    let swaps = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (width, height) = if swaps {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    Ok(Probe {
        format,
        width,
        height,
        orientation,
    })
}

/// The EXIF orientation of a JPEG, read from the segments before its image data; upright when it has none.
fn jpeg_orientation(path: &Path) -> Orientation {
    let Ok(file) = File::open(path) else {
        return Orientation::NoTransforms;
    };
    exif::Reader::new()
        .read_from_container(&mut BufReader::new(file))
        .ok()
        .and_then(|exif| {
            exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
                .value
                .get_uint(0)
        })
        .and_then(|v| u8::try_from(v).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms)
}

/// The image's size as displayed (after its EXIF orientation), from its header.
pub fn image_size(path: &Path) -> Result<(u32, u32), TileError> {
    probe(path).map(|p| (p.width, p.height))
}

/// The image's size as displayed, from its header, refusing an image of more than `max_pixels` (a
/// decompression bomb: a small file whose header claims billions of pixels) or of none.
pub fn checked_image_size(path: &Path, max_pixels: u64) -> Result<(u32, u32), TileError> {
    let p = probe(path)?;
    check_pixels(path, &p, max_pixels)?;
    Ok((p.width, p.height))
}

fn check_pixels(path: &Path, p: &Probe, max_pixels: u64) -> Result<(), TileError> {
    if u64::from(p.width) * u64::from(p.height) > max_pixels || p.width == 0 || p.height == 0 {
        return Err(TileError::new(
            path,
            TileErrorKind::TooManyPixels {
                width: p.width,
                height: p.height,
                max_pixels,
            },
        ));
    }
    Ok(())
}

/// Opens `path` for reading rows; refuses it before decoding anything when it has more than `max_pixels`.
pub(crate) fn open(path: &Path, max_pixels: u64) -> Result<Box<dyn RowSource>, TileError> {
    let p = probe(path)?;
    let err = |kind| TileError::new(path, kind);
    check_pixels(path, &p, max_pixels)?;
    let upright = p.orientation == Orientation::NoTransforms;
    match p.format {
        ImageFormat::Jpeg if upright => Ok(Box::new(jpeg::JpegRows::open(path).map_err(err)?)),
        ImageFormat::Png if upright => match png_rows::PngRows::open(path).map_err(err)? {
            Some(rows) => Ok(Box::new(rows)),
            None => whole_image(path, p, max_pixels),
        },
        _ => whole_image(path, p, max_pixels),
    }
}

fn whole_image(path: &Path, p: Probe, max_pixels: u64) -> Result<Box<dyn RowSource>, TileError> {
    let image = whole::WholeImage::decode(path, p.format, p.orientation, max_pixels)
        .map_err(|kind| TileError::new(path, kind))?;
    Ok(Box::new(image))
}

fn image_error(e: image::ImageError) -> TileErrorKind {
    match e {
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            TileErrorKind::Truncated
        }
        image::ImageError::IoError(io) => TileErrorKind::Read(io),
        other => TileErrorKind::Corrupt(other.to_string()),
    }
}

/// libjpeg's error text, carried out of its error handler as an unwinding payload.
pub(crate) fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map_or_else(|| "the decoder failed".to_owned(), |s| (*s).to_owned()),
    }
}

/// `rgba` composited over white, into `rgb`: JPEG tiles have no alpha, and white is what a page shows behind
/// a transparent image.
pub(crate) fn flatten_alpha(rgba: &[u8], rgb: &mut [u8]) {
    for (from, to) in rgba.chunks_exact(4).zip(rgb.chunks_exact_mut(3)) {
        let a = u32::from(from[3]);
        for c in 0..3 {
            to[c] = ((u32::from(from[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
}
