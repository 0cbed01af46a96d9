//! Hit-testing: which box is under a point, and which resize handle of a box is under the pointer.
//!
//! A plain scan over the boxes: 10,000 boxes take well under a millisecond (see `benches/hit_test.rs`), so no
//! spatial index is needed, and there is nothing to keep in sync when boxes change.

use crate::editor::{Annotation, Cursor};
use crate::geometry::{ImagePoint, ImageRect, ScreenPoint, ViewTransform};

/// The box under `p`: among the boxes whose rectangle, grown by `tolerance` image pixels on every side, contains
/// `p`, the one with the smallest area (so a small box inside a big one can always be picked); on equal areas the
/// one drawn last (it is painted on top).
pub fn box_at(annotations: &[Annotation], p: ImagePoint, tolerance: f64) -> Option<u64> {
    let mut best: Option<(f64, u64)> = None;
    for a in annotations {
        let r = &a.rect;
        let inside = p.x >= r.x - tolerance
            && p.x <= r.x + r.w + tolerance
            && p.y >= r.y - tolerance
            && p.y <= r.y + r.h + tolerance;
        if inside && best.is_none_or(|(area, _)| r.w * r.h <= area) {
            best = Some((r.w * r.h, a.id));
        }
    }
    best.map(|(_, id)| id)
}

/// One of the eight resize handles of a box: its corners and the middles of its edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handle {
    NorthWest,
    NorthEast,
    SouthEast,
    SouthWest,
    North,
    East,
    South,
    West,
}

/// Which side of an axis a handle moves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Low,
    High,
    Neither,
}

impl Handle {
    /// All handles, corners first: where a corner and an edge handle are equally near, the corner wins.
    pub const ALL: [Handle; 8] = [
        Handle::NorthWest,
        Handle::NorthEast,
        Handle::SouthEast,
        Handle::SouthWest,
        Handle::North,
        Handle::East,
        Handle::South,
        Handle::West,
    ];

    fn sides(self) -> (Side, Side) {
        use Side::*;
        match self {
            Handle::NorthWest => (Low, Low),
            Handle::North => (Neither, Low),
            Handle::NorthEast => (High, Low),
            Handle::East => (High, Neither),
            Handle::SouthEast => (High, High),
            Handle::South => (Neither, High),
            Handle::SouthWest => (Low, High),
            Handle::West => (Low, Neither),
        }
    }

    /// Where the handle sits on `r`.
    pub fn position(self, r: &ImageRect) -> ImagePoint {
        let at = |side: Side, low: f64, size: f64| match side {
            Side::Low => low,
            Side::High => low + size,
            Side::Neither => low + size / 2.0,
        };
        let (sx, sy) = self.sides();
        ImagePoint::new(at(sx, r.x, r.w), at(sy, r.y, r.h))
    }

    pub fn cursor(self) -> Cursor {
        match self {
            Handle::North | Handle::South => Cursor::ResizeNorthSouth,
            Handle::East | Handle::West => Cursor::ResizeEastWest,
            Handle::NorthWest | Handle::SouthEast => Cursor::ResizeNorthWestSouthEast,
            Handle::NorthEast | Handle::SouthWest => Cursor::ResizeNorthEastSouthWest,
        }
    }

    /// The rectangle after dragging this handle of `start` by (`dx`, `dy`) image pixels: the edges the handle
    /// owns follow the pointer (and may cross the opposite edge, flipping the box), the others stay; the result
    /// stays inside `bounds` and is at least `min_size` wide and high.
    pub fn drag(
        self,
        start: &ImageRect,
        dx: f64,
        dy: f64,
        bounds: &ImageRect,
        min_size: f64,
    ) -> ImageRect {
        let (sx, sy) = self.sides();
        let (x0, x1) = drag_span(sx, start.x, start.w, dx, bounds.x, bounds.right(), min_size);
        let (y0, y1) = drag_span(
            sy,
            start.y,
            start.h,
            dy,
            bounds.y,
            bounds.bottom(),
            min_size,
        );
        ImageRect::new(x0, y0, x1 - x0, y1 - y0)
    }
}

/// One axis of a handle drag: the new `(low, high)` of the span `[low, low + size]`.
fn drag_span(
    side: Side,
    low: f64,
    size: f64,
    delta: f64,
    lo: f64,
    hi: f64,
    min_size: f64,
) -> (f64, f64) {
    let (fixed, moving) = match side {
        Side::Neither => return (low, low + size),
        Side::Low => (low + size, low + delta),
        Side::High => (low, low + size + delta),
    };
    let moving = moving.clamp(lo, hi);
    let min_size = min_size.min(hi - lo);
    if moving < fixed {
        let a = moving.min(fixed - min_size);
        if a >= lo {
            (a, fixed)
        } else {
            (fixed, fixed + min_size)
        }
    } else {
        let b = moving.max(fixed + min_size);
        if b <= hi {
            (fixed, b)
        } else {
            (fixed - min_size, fixed)
        }
    }
}

/// The handle of `rect` under the screen point `p`, if any lies within `tolerance_px` CSS pixels (in each axis).
/// On a box too small on screen for its handles to leave room, the tolerance shrinks so that the middle of the
/// box still grabs the box for moving.
pub fn handle_at(
    rect: &ImageRect,
    view: &ViewTransform,
    p: ScreenPoint,
    tolerance_px: f64,
) -> Option<Handle> {
    let (_, _, w, h) = view.rect_to_screen(rect);
    let tolerance = tolerance_px.min((w.min(h) / 3.0).max(3.0));
    let mut best: Option<(f64, Handle)> = None;
    for handle in Handle::ALL {
        let at = view.to_screen(handle.position(rect));
        let distance = (at.x - p.x).abs().max((at.y - p.y).abs());
        if distance <= tolerance && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, handle));
        }
    }
    best.map(|(_, handle)| handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(rects: &[(f64, f64, f64, f64)]) -> Vec<Annotation> {
        rects
            .iter()
            .enumerate()
            .map(|(i, &(x, y, w, h))| Annotation {
                id: i as u64 + 1,
                rect: ImageRect::new(x, y, w, h),
                category_id: 1,
            })
            .collect()
    }

    #[test]
    fn the_smallest_box_under_the_point_wins() {
        let list = boxes(&[
            (0.0, 0.0, 100.0, 100.0),
            (10.0, 10.0, 20.0, 20.0),
            (5.0, 5.0, 50.0, 50.0),
        ]);
        assert_eq!(box_at(&list, ImagePoint::new(15.0, 15.0), 0.0), Some(2));
        assert_eq!(box_at(&list, ImagePoint::new(40.0, 40.0), 0.0), Some(3));
        assert_eq!(box_at(&list, ImagePoint::new(90.0, 90.0), 0.0), Some(1));
        assert_eq!(box_at(&list, ImagePoint::new(101.0, 50.0), 0.0), None);
        assert_eq!(box_at(&list, ImagePoint::new(101.0, 50.0), 2.0), Some(1));
    }

    #[test]
    fn of_two_equal_boxes_the_one_drawn_last_wins() {
        let list = boxes(&[(0.0, 0.0, 10.0, 10.0), (0.0, 0.0, 10.0, 10.0)]);
        assert_eq!(box_at(&list, ImagePoint::new(5.0, 5.0), 0.0), Some(2));
    }

    #[test]
    fn handles_are_found_within_the_tolerance_and_corners_beat_edges() {
        let view = ViewTransform {
            scale: 2.0,
            offset_x: 10.0,
            offset_y: 10.0,
        };
        let r = ImageRect::new(0.0, 0.0, 50.0, 50.0); // screen 10..110
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(12.0, 13.0), 6.0),
            Some(Handle::NorthWest)
        );
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(60.0, 115.0), 6.0),
            Some(Handle::South)
        );
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(110.0, 58.0), 6.0),
            Some(Handle::East)
        );
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(60.0, 60.0), 6.0),
            None
        );
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(117.0, 60.0), 6.0),
            None
        );
    }

    #[test]
    fn a_tiny_box_keeps_its_middle_free_for_moving() {
        let view = ViewTransform::default();
        let r = ImageRect::new(100.0, 100.0, 12.0, 12.0);
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(106.0, 106.0), 8.0),
            None
        );
        assert_eq!(
            handle_at(&r, &view, ScreenPoint::new(100.0, 100.0), 8.0),
            Some(Handle::NorthWest)
        );
    }

    #[test]
    fn dragging_a_corner_moves_only_its_two_edges() {
        let bounds = ImageRect::new(0.0, 0.0, 100.0, 100.0);
        let r = ImageRect::new(10.0, 10.0, 20.0, 20.0);
        assert_eq!(
            Handle::SouthEast.drag(&r, 5.0, 7.0, &bounds, 1.0),
            ImageRect::new(10.0, 10.0, 25.0, 27.0)
        );
        assert_eq!(
            Handle::NorthWest.drag(&r, 5.0, -3.0, &bounds, 1.0),
            ImageRect::new(15.0, 7.0, 15.0, 23.0)
        );
        assert_eq!(
            Handle::North.drag(&r, 50.0, -3.0, &bounds, 1.0),
            ImageRect::new(10.0, 7.0, 20.0, 23.0)
        );
    }

    #[test]
    fn dragging_an_edge_past_the_opposite_one_flips_the_box() {
        let bounds = ImageRect::new(0.0, 0.0, 100.0, 100.0);
        let r = ImageRect::new(10.0, 10.0, 20.0, 20.0);
        assert_eq!(
            Handle::East.drag(&r, -30.0, 0.0, &bounds, 1.0),
            ImageRect::new(0.0, 10.0, 10.0, 20.0)
        );
    }

    #[test]
    fn a_handle_drag_stays_in_the_image_and_keeps_the_minimum_size() {
        let bounds = ImageRect::new(0.0, 0.0, 100.0, 100.0);
        let r = ImageRect::new(10.0, 10.0, 20.0, 20.0);
        assert_eq!(
            Handle::SouthEast.drag(&r, 500.0, 500.0, &bounds, 1.0),
            ImageRect::new(10.0, 10.0, 90.0, 90.0)
        );
        assert_eq!(
            Handle::East.drag(&r, -20.0, 0.0, &bounds, 1.0),
            ImageRect::new(10.0, 10.0, 1.0, 20.0)
        );
        let at_edge = ImageRect::new(99.0, 0.0, 1.0, 10.0);
        assert_eq!(
            Handle::West.drag(&at_edge, 0.8, 0.0, &bounds, 1.0),
            ImageRect::new(99.0, 0.0, 1.0, 10.0)
        );
    }
}
