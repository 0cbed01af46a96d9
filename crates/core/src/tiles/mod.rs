//! Tile pyramids of huge images: the layout, which tiles a view needs, and the bookkeeping of a tile cache.
//!
//! An image above [`DEFAULT_PYRAMID_THRESHOLD_MPX`] gets a pyramid of square tiles ([`TilePyramid`]). Level 0 is
//! the whole image in one tile; each next level doubles the resolution, and the last level is the image at its
//! natural size. The app draws only the tiles a view shows, at the level that matches the zoom
//! ([`plan_draw`]), stretching a coarser tile it already has while the finer one loads, and keeps decoded tiles
//! in a cache bounded by bytes ([`TileCache`]). The overview tile (level 0) is fetched ahead with the task before
//! ([`prefetch_for_next_task`]) and pinned in the cache while its image is shown, so some picture is always there.
//!
//! Boxes stay in natural image pixels whatever level is drawn: tiles are placed with the one
//! [`crate::geometry::ViewTransform`], like the whole image is.
//!
//! # Layout of a published pyramid
//!
//! ```text
//! <pyramid folder>/
//!   pyramid.json          {"tile_size":512,"levels":7,"width":20000,"height":15000,"format":"jpeg"}
//!   <level>/<x>/<y>.jpg   level 0 = one tile; x = column, y = row, both from 0 at the top-left
//! ```
//!
//! Level `l` is the image scaled by `2^-(levels-1-l)`, its size rounded up ([`TilePyramid::level_size`]).
//! Every tile is `tile_size` square except the last column and row of a level, which hold what is left. The
//! server serves the same tiles at `/api/images/{id}/tiles/{level}/{x}/{y}` ([`TileKey::path`] names the file).
//! A static site's task batch gives a task with `tiles` the pyramid folder's URL, ending in `/`, as its
//! `image_url` ([`tile_url`]).

mod cache;
mod pyramid;
mod retry;
mod view;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

pub use cache::{TileCache, DEFAULT_TILE_CACHE_BYTES};
pub use pyramid::{
    needs_pyramid, tile_url, TileFormat, TileKey, TilePyramid, TilePyramidError,
    DEFAULT_PYRAMID_THRESHOLD_MPX, DEFAULT_TILE_SIZE, PYRAMID_FILE,
};
pub use retry::{TileRetries, TileRetryPolicy};
pub use view::{
    level_for_view, plan_draw, prefetch_for_next_task, visible_tiles, DrawPlan, TileDraw, TileRange,
};
