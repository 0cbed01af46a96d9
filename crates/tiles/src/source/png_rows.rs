//! PNG rows, one at a time (non-interlaced files; Adam7 interlacing spreads each row over the whole file).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use png::{ColorType, Transformations};

use super::{flatten_alpha, RowSource};
use crate::error::TileErrorKind;

pub(crate) struct PngRows {
    reader: png::Reader<BufReader<File>>,
    color: ColorType,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

fn png_error(e: png::DecodingError) -> TileErrorKind {
    match e {
        png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            TileErrorKind::Truncated
        }
        png::DecodingError::IoError(io) => TileErrorKind::Read(io),
        other => TileErrorKind::Corrupt(other.to_string()),
    }
}

impl PngRows {
    /// `None` for an interlaced PNG, which cannot be read row by row.
    pub(crate) fn open(path: &Path) -> Result<Option<Self>, TileErrorKind> {
        let file = File::open(path).map_err(TileErrorKind::Read)?;
        let mut decoder = png::Decoder::new(BufReader::with_capacity(1 << 16, file));
        // Palettes and low bit depths become 8-bit grey or RGB, 16-bit samples 8-bit.
        decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
        let reader = decoder.read_info().map_err(png_error)?;
        if reader.info().interlaced {
            return Ok(None);
        }
        let (width, height) = (reader.info().width, reader.info().height);
        let (color, _) = reader.output_color_type();
        Ok(Some(PngRows {
            reader,
            color,
            width,
            height,
            rgba: vec![0; width as usize * 4],
        }))
    }
}

impl RowSource for PngRows {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn read_rows(&mut self, buf: &mut [u8]) -> Result<(), TileErrorKind> {
        let w = self.width as usize;
        for out in buf.chunks_exact_mut(w * 3) {
            let row = self
                .reader
                .next_row()
                .map_err(png_error)?
                .ok_or(TileErrorKind::Truncated)?;
            let data = row.data();
            match self.color {
                ColorType::Rgb => out.copy_from_slice(&data[..w * 3]),
                ColorType::Rgba => flatten_alpha(&data[..w * 4], out),
                ColorType::Grayscale => {
                    for (g, px) in data.iter().zip(out.chunks_exact_mut(3)) {
                        px.fill(*g);
                    }
                }
                ColorType::GrayscaleAlpha => {
                    for (ga, px) in data.chunks_exact(2).zip(self.rgba.chunks_exact_mut(4)) {
                        px.copy_from_slice(&[ga[0], ga[0], ga[0], ga[1]]);
                    }
                    flatten_alpha(&self.rgba, out);
                }
                ColorType::Indexed => {
                    return Err(TileErrorKind::Corrupt(
                        "its palette could not be expanded".to_owned(),
                    ))
                }
            }
        }
        Ok(())
    }
}
