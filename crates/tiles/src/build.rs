//! Making a pyramid: strips of rows flow from the decoder thread into one strip buffer per level; a full strip
//! is cut into tiles (encoded and written in parallel) and halved into the next coarser level's strip.

use std::fs;
use std::path::Path;
use std::sync::mpsc;

use rayon::prelude::*;

use crate::encode::encode_jpeg;
use crate::error::{TileError, TileErrorKind};
use crate::halve::halve;
use crate::output::PartialFolder;
use crate::source;
use crowdbox_core::tiles::{TileFormat, TileKey, TilePyramid, DEFAULT_TILE_SIZE, PYRAMID_FILE};

/// JPEG quality of the tiles: no visible loss on photos at 1:1, a quarter of the size of quality 95.
pub const DEFAULT_QUALITY: u8 = 85;
/// 2^30 pixels (1.07 Gpx): a 40000 × 25000 image is tiled, a 2 Gpx decompression bomb is refused unread.
pub const DEFAULT_MAX_PIXELS: u64 = 1 << 30;

/// How to make a pyramid.
#[derive(Clone, Debug, PartialEq)]
pub struct PyramidOptions {
    /// The side of a tile; must be even (levels halve strips of it) and within 64–4096.
    pub tile_size: u32,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Images with more pixels than this are refused before any pixel is decoded.
    pub max_pixels: u64,
}

impl Default for PyramidOptions {
    fn default() -> Self {
        PyramidOptions {
            tile_size: DEFAULT_TILE_SIZE,
            quality: DEFAULT_QUALITY,
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }
}

/// How far making a pyramid has come: reported after every row of tiles written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyramidProgress {
    pub tiles_written: u64,
    pub tiles_total: u64,
}

/// What the decoder thread sends.
enum Decoded {
    Size(u32, u32),
    /// The next `rows` rows, packed RGB.
    Strip(Vec<u8>),
    Failed(TileError),
}

/// Makes the tile pyramid of the image at `source` in the new folder `dest` (which must not exist), and returns
/// its description (also written as `dest/pyramid.json`). All or nothing: on any error `dest` is not created.
pub fn make_pyramid(
    source: &Path,
    dest: &Path,
    options: &PyramidOptions,
    mut progress: impl FnMut(PyramidProgress),
) -> Result<TilePyramid, TileError> {
    let bad_options = |why: String| TileError::new(dest, TileErrorKind::Options(why));
    TilePyramid::new(1, 1, options.tile_size, TileFormat::Jpeg).map_err(|e| bad_options(e.0))?;
    if !(1..=100).contains(&options.quality) {
        return Err(bad_options(format!(
            "JPEG quality {} is outside 1–100",
            options.quality
        )));
    }
    if !options.tile_size.is_multiple_of(2) {
        return Err(bad_options(format!(
            "tile size {} px is odd",
            options.tile_size
        )));
    }
    if dest.exists() {
        return Err(TileError::new(dest, TileErrorKind::DestinationExists));
    }
    let tile_size = options.tile_size;
    let max_pixels = options.max_pixels;
    std::thread::scope(|scope| {
        // The decoder works one strip ahead and then waits to hand it over: two strips of the finest level live.
        let (tx, rx) = mpsc::sync_channel::<Decoded>(0);
        scope.spawn(move || decode_strips(source, max_pixels, tile_size, &tx));
        let (width, height) = match rx.recv() {
            Ok(Decoded::Size(w, h)) => (w, h),
            Ok(Decoded::Failed(e)) => return Err(e),
            _ => {
                return Err(TileError::new(
                    source,
                    TileErrorKind::Corrupt("the decoder stopped".to_owned()),
                ))
            }
        };
        let pyramid = TilePyramid::new(width, height, tile_size, TileFormat::Jpeg)
            .map_err(|e| bad_options(e.0))?;
        let folder = PartialFolder::create(dest)?;
        let mut levels = Levels::new(&pyramid, &folder, options.quality);
        let total = pyramid.tile_count();
        for message in rx {
            match message {
                Decoded::Strip(rows) => {
                    let written = levels.push_finest(rows)?;
                    if written > 0 {
                        progress(PyramidProgress {
                            tiles_written: levels.tiles_written,
                            tiles_total: total,
                        });
                    }
                }
                Decoded::Failed(e) => return Err(e),
                Decoded::Size(..) => {}
            }
        }
        if levels.tiles_written != total {
            return Err(TileError::new(source, TileErrorKind::Truncated));
        }
        let json = serde_json::to_vec(&pyramid).expect("a pyramid description serializes");
        fs::write(folder.path().join(PYRAMID_FILE), json).map_err(|e| folder.write_err(e))?;
        folder.commit()?;
        Ok(pyramid)
    })
}

/// The decoder thread: opens the image (refusing it on its header alone when too large), then sends strips of
/// `tile_size` rows until the image ends, a send fails (the builder gave up) or decoding fails.
fn decode_strips(path: &Path, max_pixels: u64, tile_size: u32, tx: &mpsc::SyncSender<Decoded>) {
    let mut rows = match source::open(path, max_pixels) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = tx.send(Decoded::Failed(e));
            return;
        }
    };
    let (width, height) = rows.size();
    if tx.send(Decoded::Size(width, height)).is_err() {
        return;
    }
    let mut done = 0;
    while done < height {
        let n = tile_size.min(height - done);
        let mut strip = vec![0; width as usize * n as usize * 3];
        if let Err(kind) = rows.read_rows(&mut strip) {
            let _ = tx.send(Decoded::Failed(TileError::new(path, kind)));
            return;
        }
        done += n;
        if tx.send(Decoded::Strip(strip)).is_err() {
            return;
        }
    }
}

/// One level's strip being filled.
struct LevelStrip {
    level: u32,
    width: u32,
    height: u32,
    /// Packed RGB rows of this level not yet cut into tiles.
    rows: Vec<u8>,
    /// Rows of this level already cut into tiles.
    rows_done: u32,
}

impl LevelStrip {
    fn filled(&self) -> u32 {
        (self.rows.len() / (self.width as usize * 3)) as u32
    }
}

struct Levels<'a> {
    strips: Vec<LevelStrip>,
    tile_size: u32,
    quality: u8,
    folder: &'a PartialFolder,
    tiles_written: u64,
}

impl<'a> Levels<'a> {
    fn new(pyramid: &TilePyramid, folder: &'a PartialFolder, quality: u8) -> Self {
        let strips = (0..pyramid.levels)
            .map(|level| {
                let (width, height) = pyramid.level_size(level);
                LevelStrip {
                    level,
                    width,
                    height,
                    rows: Vec::new(),
                    rows_done: 0,
                }
            })
            .collect();
        Levels {
            strips,
            tile_size: pyramid.tile_size,
            quality,
            folder,
            tiles_written: 0,
        }
    }

    /// Takes the next strip of the finest level; returns how many tiles that wrote (on every level).
    fn push_finest(&mut self, rows: Vec<u8>) -> Result<u64, TileError> {
        let before = self.tiles_written;
        let finest = self.strips.len() - 1;
        self.push(finest, rows)?;
        Ok(self.tiles_written - before)
    }

    fn push(&mut self, index: usize, rows: Vec<u8>) -> Result<(), TileError> {
        let full_strip = self.tile_size as usize * self.strips[index].width as usize * 3;
        let finest = index + 1 == self.strips.len();
        let strip = &mut self.strips[index];
        if finest {
            strip.rows = rows; // the finest level's strips arrive whole from the decoder: no copy
        } else {
            if strip.rows.is_empty() {
                // Room for the whole strip at once: growing by doubling would hold two copies for a moment.
                strip.rows.reserve_exact(full_strip);
            }
            strip.rows.extend_from_slice(&rows);
        }
        let filled = strip.filled();
        if filled == self.tile_size || strip.rows_done + filled == strip.height {
            self.flush(index)?;
        }
        Ok(())
    }

    /// Cuts the full strip of level `index` into tiles while halving it for the coarser level, in parallel.
    fn flush(&mut self, index: usize) -> Result<(), TileError> {
        let strip = &mut self.strips[index];
        let rows = std::mem::take(&mut strip.rows);
        let (level, width) = (strip.level, strip.width);
        let filled = (rows.len() / (width as usize * 3)) as u32;
        let tile_row = strip.rows_done / self.tile_size;
        strip.rows_done += filled;
        let (written, half) = rayon::join(
            || self.write_tile_row(level, tile_row, &rows, width, filled),
            || (index > 0).then(|| halve(&rows, width, filled)),
        );
        self.tiles_written += written?;
        if let Some(half) = half {
            self.push(index - 1, half)?;
        }
        Ok(())
    }

    fn write_tile_row(
        &self,
        level: u32,
        y: u32,
        rows: &[u8],
        width: u32,
        height: u32,
    ) -> Result<u64, TileError> {
        let t = self.tile_size;
        let columns = width.div_ceil(t);
        (0..columns)
            .into_par_iter()
            .map(|x| {
                let x0 = (x * t) as usize;
                let tw = t.min(width - x * t) as usize;
                let mut tile = Vec::with_capacity(tw * height as usize * 3);
                for row in rows.chunks_exact(width as usize * 3) {
                    tile.extend_from_slice(&row[x0 * 3..(x0 + tw) * 3]);
                }
                let jpeg = encode_jpeg(&tile, tw as u32, height, self.quality).map_err(|why| {
                    self.folder
                        .write_err(std::io::Error::other(format!("encoding a tile: {why}")))
                })?;
                let key = TileKey::new(level, x, y);
                let path = self.folder.path().join(key.path(TileFormat::Jpeg));
                if y == 0 {
                    if let Some(dir) = path.parent() {
                        fs::create_dir_all(dir).map_err(|e| self.folder.write_err(e))?;
                    }
                }
                fs::write(&path, jpeg).map_err(|e| self.folder.write_err(e))?;
                Ok(1)
            })
            .sum()
    }
}
