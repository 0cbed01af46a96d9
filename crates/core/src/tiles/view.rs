//! Which tiles a view needs: the level that matches the zoom, the visible tiles of it, and what to draw while
//! some of them are still loading.

use super::{TileKey, TilePyramid};
use crate::geometry::{ImagePoint, ScreenPoint, ViewTransform};
use crate::scene::ScreenRect;

/// The level whose pixels are at least as fine as the canvas's device pixels at this view: the coarsest level
/// that still looks sharp. `device_pixel_ratio` is the canvas's device pixels per CSS pixel.
pub fn level_for_view(pyramid: &TilePyramid, view: &ViewTransform, device_pixel_ratio: f64) -> u32 {
    let dpr = if device_pixel_ratio.is_finite() && device_pixel_ratio > 0.0 {
        device_pixel_ratio
    } else {
        1.0
    };
    // Level pixels per image pixel needed: one per device pixel.
    let needed = view.scale * dpr;
    if !(needed.is_finite() && needed > 0.0) || needed >= 1.0 {
        return pyramid.finest_level();
    }
    // Level l has 2^-halvings level pixels per image pixel; halve as often as stays ≥ needed. The tolerance
    // keeps an exact fit (scale 0.25 → two halvings) from losing a level to rounding. (Halving in a loop rather
    // than `log2`: exact, and no logarithm code in the worker app's bundle.)
    let mut halvings = 0;
    let mut next = 0.5;
    while needed <= next * (1.0 + 1e-9) && halvings < pyramid.finest_level() {
        halvings += 1;
        next *= 0.5;
    }
    pyramid.finest_level() - halvings
}

/// A rectangle of tiles of one level: columns `x0..x1`, rows `y0..y1` (half open; empty when nothing shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileRange {
    pub level: u32,
    pub x0: u32,
    pub x1: u32,
    pub y0: u32,
    pub y1: u32,
}

impl TileRange {
    pub fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    pub fn len(&self) -> usize {
        if self.is_empty() {
            0
        } else {
            (self.x1 - self.x0) as usize * (self.y1 - self.y0) as usize
        }
    }

    pub fn contains(&self, key: TileKey) -> bool {
        key.level == self.level
            && (self.x0..self.x1).contains(&key.x)
            && (self.y0..self.y1).contains(&key.y)
    }

    /// The tiles, row by row.
    pub fn keys(&self) -> impl Iterator<Item = TileKey> + '_ {
        (self.y0..self.y1)
            .flat_map(move |y| (self.x0..self.x1).map(move |x| TileKey::new(self.level, x, y)))
    }
}

/// The tiles of `level` that show on a `canvas_w` × `canvas_h` (CSS pixels) canvas at this view.
pub fn visible_tiles(
    pyramid: &TilePyramid,
    level: u32,
    view: &ViewTransform,
    canvas_w: f64,
    canvas_h: f64,
) -> TileRange {
    let empty = TileRange {
        level,
        x0: 0,
        x1: 0,
        y0: 0,
        y1: 0,
    };
    if level >= pyramid.levels || !(view.scale.is_finite() && view.scale > 0.0) {
        return empty;
    }
    let top_left = view.to_image(ScreenPoint::new(0.0, 0.0));
    let bottom_right = view.to_image(ScreenPoint::new(canvas_w.max(0.0), canvas_h.max(0.0)));
    let (w, h) = (f64::from(pyramid.width), f64::from(pyramid.height));
    let (left, top) = (top_left.x.max(0.0), top_left.y.max(0.0));
    let (right, bottom) = (bottom_right.x.min(w), bottom_right.y.min(h));
    if !(left < right && top < bottom) {
        return empty;
    }
    let span = f64::from(pyramid.tile_size) * pyramid.level_downscale(level);
    let (cols, rows) = pyramid.tiles_across(level);
    let first = |v: f64, n: u32| ((v / span).floor().max(0.0) as u32).min(n);
    let end = |v: f64, n: u32| ((v / span).ceil().max(0.0) as u32).min(n);
    TileRange {
        level,
        x0: first(left, cols),
        x1: end(right, cols),
        y0: first(top, rows),
        y1: end(bottom, rows),
    }
}

/// One tile to draw: the whole decoded tile scaled into `dest`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TileDraw {
    pub key: TileKey,
    /// CSS pixels, with edges on device pixels so neighbouring tiles meet without a seam or an overlap.
    pub dest: ScreenRect,
}

/// What one frame draws and what it still needs.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawPlan {
    /// The level that matches the zoom.
    pub level: u32,
    /// Tiles to draw in this order: coarser stand-ins first, the matching level's loaded tiles on top.
    pub draws: Vec<TileDraw>,
    /// The matching level's visible tiles that are not loaded, nearest the canvas centre first: fetch these.
    pub missing: Vec<TileKey>,
}

/// Plans one frame: the visible tiles at the level that matches the zoom, and for each one not loaded yet
/// (`is_loaded` says), the finest loaded coarser tile that covers it, stretched. Nothing is drawn where no
/// level is loaded (prefetching level 0 avoids that: see [`prefetch_for_next_task`]).
pub fn plan_draw(
    pyramid: &TilePyramid,
    view: &ViewTransform,
    canvas: (f64, f64),
    device_pixel_ratio: f64,
    is_loaded: impl Fn(TileKey) -> bool,
) -> DrawPlan {
    let dpr = if device_pixel_ratio.is_finite() && device_pixel_ratio > 0.0 {
        device_pixel_ratio
    } else {
        1.0
    };
    let level = level_for_view(pyramid, view, dpr);
    let range = visible_tiles(pyramid, level, view, canvas.0, canvas.1);
    let mut loaded = Vec::new();
    let mut stand_ins: Vec<TileKey> = Vec::new();
    let mut missing = Vec::new();
    for key in range.keys() {
        if is_loaded(key) {
            loaded.push(key);
            continue;
        }
        missing.push(key);
        let cover = (0..level).rev().map(|coarser| {
            let shift = level - coarser;
            TileKey::new(coarser, key.x >> shift, key.y >> shift)
        });
        if let Some(found) = cover.into_iter().find(|k| is_loaded(*k)) {
            if !stand_ins.contains(&found) {
                stand_ins.push(found);
            }
        }
    }
    insertion_sort(&mut stand_ins, |a, b| a.level < b.level);
    let centre = view.to_image(ScreenPoint::new(canvas.0 / 2.0, canvas.1 / 2.0));
    let mut by_distance: Vec<(f64, TileKey)> = missing
        .iter()
        .map(|k| (distance_sq(pyramid, *k, centre), *k))
        .collect();
    insertion_sort(&mut by_distance, |a, b| {
        a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
    });
    let missing: Vec<TileKey> = by_distance.into_iter().map(|(_, k)| k).collect();
    let draws = stand_ins
        .into_iter()
        .chain(loaded)
        .map(|key| TileDraw {
            key,
            dest: snapped_dest(pyramid, key, view, dpr),
        })
        .collect();
    DrawPlan {
        level,
        draws,
        missing,
    }
}

/// A stable sort by `less`. The lists are a screen of tiles at most, and the standard library's sort would add
/// several kilobytes to the worker app's bundle for each type sorted.
fn insertion_sort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn distance_sq(pyramid: &TilePyramid, key: TileKey, p: ImagePoint) -> f64 {
    let c = pyramid.tile_image_rect(key).center();
    (c.x - p.x).powi(2) + (c.y - p.y).powi(2)
}

/// Where a tile goes on screen. Each edge is rounded to a device pixel from the image coordinate it shares with
/// the neighbouring tile, so both tiles get the very same edge.
fn snapped_dest(pyramid: &TilePyramid, key: TileKey, view: &ViewTransform, dpr: f64) -> ScreenRect {
    let r = pyramid.tile_image_rect(key);
    let snap = |v: f64| (v * dpr).round() / dpr;
    let a = view.to_screen(ImagePoint::new(r.x, r.y));
    let b = view.to_screen(ImagePoint::new(r.right(), r.bottom()));
    let (x0, y0, x1, y1) = (snap(a.x), snap(a.y), snap(b.x), snap(b.y));
    ScreenRect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    }
}

/// What to fetch ahead for the task after this one: its overview level only (level 0, one tile), so the next
/// image shows at once and its finer tiles load only for the parts the volunteer looks at.
pub fn prefetch_for_next_task(next: &TilePyramid) -> Vec<TileKey> {
    next.level_tiles(0).collect()
}
