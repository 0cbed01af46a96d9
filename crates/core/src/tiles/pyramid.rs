//! The pyramid's description (sent with a task, written as `pyramid.json`) and the arithmetic of its levels.

use serde::{Deserialize, Serialize};

use crate::geometry::ImageRect;

/// Images with more megapixels than this get a pyramid unless the server is told otherwise.
pub const DEFAULT_PYRAMID_THRESHOLD_MPX: f64 = 16.0;
/// The side of a tile in pixels.
pub const DEFAULT_TILE_SIZE: u32 = 512;
/// The description's file name in a published pyramid folder.
pub const PYRAMID_FILE: &str = "pyramid.json";
/// Tiles smaller than this make a pyramid of thousands of tiny files; larger ones defeat tiling.
const TILE_SIZE_RANGE: std::ops::RangeInclusive<u32> = 64..=4096;

/// Whether an image of `width` × `height` pixels is large enough to be tiled: more than `threshold_mpx`
/// megapixels of a million pixels (a threshold of 16 tiles a 4000 × 4001 image, not a 4000 × 4000 one).
pub fn needs_pyramid(width: u32, height: u32, threshold_mpx: f64) -> bool {
    u64::from(width) as f64 * u64::from(height) as f64 > threshold_mpx * 1e6
}

/// The file format of the tiles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TileFormat {
    #[default]
    Jpeg,
}

impl TileFormat {
    /// The tile files' extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TileFormat::Jpeg => "jpg",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            TileFormat::Jpeg => "image/jpeg",
        }
    }
}

/// One tile: its level (0 = the whole image in one tile) and its column `x` and row `y` in that level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileKey {
    pub level: u32,
    pub x: u32,
    pub y: u32,
}

impl TileKey {
    pub const fn new(level: u32, x: u32, y: u32) -> Self {
        TileKey { level, x, y }
    }

    /// The tile's file inside a pyramid folder, e.g. `3/10/7.jpg`.
    pub fn path(self, format: TileFormat) -> String {
        format!(
            "{}/{}/{}.{}",
            self.level,
            self.x,
            self.y,
            format.extension()
        )
    }
}

/// Where the app fetches a tile of the image whose task says `image_url` (already resolved against the API or
/// the task list):
/// - a published pyramid folder (`image_url` ends with `/`, as in a static site's task batch): the tile's file in
///   it, `<folder><level>/<x>/<y>.jpg` ([`TileKey::path`]);
/// - anything else is the server's image: its tile endpoint `<image_url>/tiles/<level>/<x>/<y>`.
pub fn tile_url(image_url: &str, key: TileKey, format: TileFormat) -> String {
    if image_url.ends_with('/') {
        format!("{image_url}{}", key.path(format))
    } else {
        format!("{image_url}/tiles/{}/{}/{}", key.level, key.x, key.y)
    }
}

/// What is wrong with a pyramid description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TilePyramidError(pub String);

impl std::fmt::Display for TilePyramidError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TilePyramidError {}

/// A tile pyramid's description: what the app needs to address and place every tile.
///
/// Serialized as `{"tile_size":512,"levels":7,"width":20000,"height":15000,"format":"jpeg"}` (`format` may be
/// left out: JPEG). Reading one checks that `levels` is the number the other fields make, so a description that
/// does not match its tiles is refused rather than drawn wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "PyramidFields")]
pub struct TilePyramid {
    pub tile_size: u32,
    pub levels: u32,
    /// The image's natural size in pixels (the size of the last level).
    pub width: u32,
    pub height: u32,
    pub format: TileFormat,
}

#[derive(Deserialize)]
struct PyramidFields {
    tile_size: u32,
    levels: u32,
    width: u32,
    height: u32,
    #[serde(default)]
    format: TileFormat,
}

impl TryFrom<PyramidFields> for TilePyramid {
    type Error = TilePyramidError;

    fn try_from(f: PyramidFields) -> Result<Self, Self::Error> {
        let pyramid = TilePyramid::new(f.width, f.height, f.tile_size, f.format)?;
        if pyramid.levels != f.levels {
            return Err(TilePyramidError(format!(
                "a {}×{} image in {} px tiles has {} levels, not {}",
                f.width, f.height, f.tile_size, pyramid.levels, f.levels
            )));
        }
        Ok(pyramid)
    }
}

fn div_ceil(a: u32, b: u64) -> u32 {
    // a ≤ u32::MAX and b ≥ 1, so the quotient fits in u32.
    u64::from(a).div_ceil(b) as u32
}

impl TilePyramid {
    /// The pyramid of a `width` × `height` image in `tile_size` px tiles: levels halve until one tile holds all.
    pub fn new(
        width: u32,
        height: u32,
        tile_size: u32,
        format: TileFormat,
    ) -> Result<Self, TilePyramidError> {
        if !TILE_SIZE_RANGE.contains(&tile_size) {
            return Err(TilePyramidError(format!(
                "tile size {tile_size} px is outside {}–{} px",
                TILE_SIZE_RANGE.start(),
                TILE_SIZE_RANGE.end()
            )));
        }
        if width == 0 || height == 0 {
            return Err(TilePyramidError(format!(
                "a {width}×{height} image has no pixels to tile"
            )));
        }
        let mut levels = 1;
        let mut side = width.max(height);
        while side > tile_size {
            side = side.div_ceil(2);
            levels += 1;
        }
        Ok(TilePyramid {
            tile_size,
            levels,
            width,
            height,
            format,
        })
    }

    /// The finest level: the image at its natural size.
    pub fn finest_level(&self) -> u32 {
        self.levels - 1
    }

    /// How many times level `level` is halved from the natural size (0 for the finest level).
    fn halvings(&self, level: u32) -> u32 {
        self.finest_level().saturating_sub(level)
    }

    /// Image pixels per pixel of level `level` (1 at the finest level, 2 at the next coarser, …).
    pub fn level_downscale(&self, level: u32) -> f64 {
        f64::from(self.halvings(level)).exp2()
    }

    /// A level's size in pixels: the image's size halved, rounded up, once per level below the finest.
    pub fn level_size(&self, level: u32) -> (u32, u32) {
        let divisor = 1u64 << self.halvings(level).min(63);
        (
            div_ceil(self.width, divisor),
            div_ceil(self.height, divisor),
        )
    }

    /// How many columns and rows of tiles level `level` has.
    pub fn tiles_across(&self, level: u32) -> (u32, u32) {
        let (w, h) = self.level_size(level);
        let t = u64::from(self.tile_size);
        (div_ceil(w, t), div_ceil(h, t))
    }

    /// Whether the pyramid has this tile (a level, column or row out of range is not a tile).
    pub fn contains(&self, key: TileKey) -> bool {
        if key.level >= self.levels {
            return false;
        }
        let (cols, rows) = self.tiles_across(key.level);
        key.x < cols && key.y < rows
    }

    /// The tile's size in pixels: `tile_size` square, or what is left in the last column and row; `None` when
    /// the pyramid has no such tile.
    pub fn tile_pixel_size(&self, key: TileKey) -> Option<(u32, u32)> {
        if !self.contains(key) {
            return None;
        }
        let (w, h) = self.level_size(key.level);
        let t = self.tile_size;
        Some(((w - key.x * t).min(t), (h - key.y * t).min(t)))
    }

    /// The bytes a tile takes decoded as RGBA (what the app's cache counts); 0 for no such tile.
    pub fn tile_decoded_bytes(&self, key: TileKey) -> usize {
        self.tile_pixel_size(key)
            .map_or(0, |(w, h)| w as usize * h as usize * 4)
    }

    /// The part of the image a tile shows, in natural image pixels. The last column and row end at the image's
    /// edge (their last level pixel may stand for less than a full `2^halvings` image pixels).
    pub fn tile_image_rect(&self, key: TileKey) -> ImageRect {
        let span = f64::from(self.tile_size) * self.level_downscale(key.level);
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let x0 = (f64::from(key.x) * span).min(w);
        let y0 = (f64::from(key.y) * span).min(h);
        let x1 = (f64::from(key.x + 1) * span).min(w);
        let y1 = (f64::from(key.y + 1) * span).min(h);
        ImageRect::new(x0, y0, x1 - x0, y1 - y0)
    }

    /// Every tile of a level, row by row.
    pub fn level_tiles(&self, level: u32) -> impl Iterator<Item = TileKey> {
        let (cols, rows) = if level < self.levels {
            self.tiles_across(level)
        } else {
            (0, 0)
        };
        (0..rows).flat_map(move |y| (0..cols).map(move |x| TileKey::new(level, x, y)))
    }

    /// How many tiles the whole pyramid has.
    pub fn tile_count(&self) -> u64 {
        (0..self.levels)
            .map(|l| {
                let (c, r) = self.tiles_across(l);
                u64::from(c) * u64::from(r)
            })
            .sum()
    }
}
