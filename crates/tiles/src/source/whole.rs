//! Images that cannot be streamed (WebP, interlaced PNG, an EXIF rotation or mirroring): decoded whole, within
//! the pixel limit, then handed out row by row.

use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::{flatten_alpha, image_error, RowSource};
use crate::error::TileErrorKind;

pub(crate) struct WholeImage {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
    next_byte: usize,
}

impl WholeImage {
    pub(crate) fn decode(
        path: &Path,
        format: ImageFormat,
        orientation: Orientation,
        max_pixels: u64,
    ) -> Result<Self, TileErrorKind> {
        let mut reader = ImageReader::open(path).map_err(TileErrorKind::Read)?;
        reader.set_format(format);
        let mut limits = Limits::default();
        // RGBA at the pixel limit, and room for the decoder's own buffers.
        limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(64 << 20));
        reader.limits(limits);
        let mut image = reader.decode().map_err(image_error)?;
        image.apply_orientation(orientation);
        let (width, height) = (image.width(), image.height());
        let rgb = if image.color().has_alpha() {
            let rgba = image.into_rgba8();
            let mut rgb = vec![0; width as usize * height as usize * 3];
            flatten_alpha(rgba.as_raw(), &mut rgb);
            rgb
        } else {
            match image {
                DynamicImage::ImageRgb8(rgb) => rgb.into_raw(),
                other => other.into_rgb8().into_raw(),
            }
        };
        Ok(WholeImage {
            rgb,
            width,
            height,
            next_byte: 0,
        })
    }
}

impl RowSource for WholeImage {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn read_rows(&mut self, buf: &mut [u8]) -> Result<(), TileErrorKind> {
        let rows = self
            .rgb
            .get(self.next_byte..self.next_byte + buf.len())
            .ok_or(TileErrorKind::Truncated)?;
        buf.copy_from_slice(rows);
        self.next_byte += buf.len();
        Ok(())
    }
}
