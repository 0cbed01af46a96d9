//! Geometry with typed coordinate spaces.
//!
//! Boxes live in *image space*: natural image pixels, top-left origin, floats (the COCO convention).
//! The canvas works in *screen space*: CSS pixels relative to the canvas element's top-left corner.
//! Only [`ViewTransform`] converts between the two, so a value can never silently cross spaces.

use serde::{Deserialize, Serialize};

/// A point in natural image pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImagePoint {
    pub x: f64,
    pub y: f64,
}

/// A point in CSS pixels relative to the canvas element's top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScreenPoint {
    pub x: f64,
    pub y: f64,
}

impl ImagePoint {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

impl ScreenPoint {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// A size in image pixels (an image's natural width and height).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageSize {
    pub width: f64,
    pub height: f64,
}

impl ImageSize {
    pub const fn new(width: f64, height: f64) -> Self {
        Self { width, height }
    }

    /// The whole image as a rectangle.
    pub fn bounds(self) -> ImageRect {
        ImageRect::new(0.0, 0.0, self.width, self.height)
    }
}

/// An axis-aligned rectangle in image pixels, stored as COCO stores it: top-left corner, width, height.
/// A well-formed rect has `w >= 0` and `h >= 0`; [`ImageRect::from_corners`] makes one from any two corners.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageRect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl ImageRect {
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self { x, y, w, h }
    }

    /// The rectangle spanned by two opposite corners, given in any order (a drag may go in any direction).
    pub fn from_corners(a: ImagePoint, b: ImagePoint) -> Self {
        let (x0, x1) = if a.x <= b.x { (a.x, b.x) } else { (b.x, a.x) };
        let (y0, y1) = if a.y <= b.y { (a.y, b.y) } else { (b.y, a.y) };
        Self::new(x0, y0, x1 - x0, y1 - y0)
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn area(&self) -> f64 {
        self.w * self.h
    }

    pub fn center(&self) -> ImagePoint {
        ImagePoint::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Whether `p` lies inside or on the border.
    pub fn contains(&self, p: ImagePoint) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }

    /// Whether every coordinate is a finite number and the size is not negative.
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.w.is_finite() && self.h.is_finite()
    }

    /// Whether this rect lies within `outer` (borders may touch).
    pub fn is_within(&self, outer: &ImageRect) -> bool {
        self.x >= outer.x
            && self.y >= outer.y
            && self.right() <= outer.right()
            && self.bottom() <= outer.bottom()
    }

    /// Whether this rect lies wholly inside `outer` (edges may touch).
    pub fn is_inside(&self, outer: &ImageRect) -> bool {
        self.x >= outer.x
            && self.y >= outer.y
            && self.right() <= outer.right()
            && self.bottom() <= outer.bottom()
    }

    /// The part of this rect inside `outer`; empty (w or h = 0) when they do not overlap. A rect already inside
    /// comes back unchanged, bit for bit: clipping goes through the corners, and `(x + w) - x` is not always `w`
    /// in floating point.
    pub fn clip_to(&self, outer: &ImageRect) -> ImageRect {
        if self.is_inside(outer) {
            return *self;
        }
        let x0 = self.x.clamp(outer.x, outer.right());
        let y0 = self.y.clamp(outer.y, outer.bottom());
        let x1 = self.right().clamp(outer.x, outer.right());
        let y1 = self.bottom().clamp(outer.y, outer.bottom());
        ImageRect::new(x0, y0, (x1 - x0).max(0.0), (y1 - y0).max(0.0))
    }

    /// Intersection over union, in [0, 1]; 0 when either rect is empty.
    pub fn iou(&self, other: &ImageRect) -> f64 {
        let ix = (self.right().min(other.right()) - self.x.max(other.x)).max(0.0);
        let iy = (self.bottom().min(other.bottom()) - self.y.max(other.y)).max(0.0);
        let inter = ix * iy;
        let union = self.area() + other.area() - inter;
        if union <= 0.0 {
            0.0
        } else {
            inter / union
        }
    }

    /// COCO's `[x, y, w, h]`.
    pub fn to_coco(&self) -> [f64; 4] {
        [self.x, self.y, self.w, self.h]
    }

    pub fn from_coco(b: [f64; 4]) -> Self {
        Self::new(b[0], b[1], b[2], b[3])
    }
}

/// The one mapping between image space and screen space: `screen = image * scale + offset`.
///
/// `scale` is CSS pixels per image pixel. The canvas backing store may be larger (devicePixelRatio), but that is
/// the painter's concern: pointer events and this transform both speak CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    pub scale: f64,
    pub offset_x: f64,
    pub offset_y: f64,
}

impl Default for ViewTransform {
    fn default() -> Self {
        Self {
            scale: 1.0,
            offset_x: 0.0,
            offset_y: 0.0,
        }
    }
}

impl ViewTransform {
    /// The transform that shows the whole image as large as fits in a `view_w` × `view_h` canvas, centred,
    /// keeping the aspect ratio, leaving `margin` CSS pixels free on every side.
    pub fn fit(image: ImageSize, view_w: f64, view_h: f64, margin: f64) -> Self {
        let avail_w = (view_w - 2.0 * margin).max(1.0);
        let avail_h = (view_h - 2.0 * margin).max(1.0);
        if image.width <= 0.0 || image.height <= 0.0 {
            return Self::default();
        }
        let scale = (avail_w / image.width).min(avail_h / image.height);
        Self {
            scale,
            offset_x: (view_w - image.width * scale) / 2.0,
            offset_y: (view_h - image.height * scale) / 2.0,
        }
    }

    pub fn to_screen(&self, p: ImagePoint) -> ScreenPoint {
        ScreenPoint::new(
            p.x * self.scale + self.offset_x,
            p.y * self.scale + self.offset_y,
        )
    }

    pub fn to_image(&self, p: ScreenPoint) -> ImagePoint {
        ImagePoint::new(
            (p.x - self.offset_x) / self.scale,
            (p.y - self.offset_y) / self.scale,
        )
    }

    /// A length in screen pixels expressed in image pixels (for hit tolerances and minimum drag sizes).
    pub fn screen_len_to_image(&self, len: f64) -> f64 {
        len / self.scale
    }

    /// The screen rectangle `(x, y, w, h)` covered by an image rect.
    pub fn rect_to_screen(&self, r: &ImageRect) -> (f64, f64, f64, f64) {
        let p = self.to_screen(ImagePoint::new(r.x, r.y));
        (p.x, p.y, r.w * self.scale, r.h * self.scale)
    }

    /// Zoom by `factor` keeping the image point under `anchor` fixed on screen.
    pub fn zoomed_about(&self, anchor: ScreenPoint, factor: f64) -> Self {
        let fixed = self.to_image(anchor);
        let scale = self.scale * factor;
        Self {
            scale,
            offset_x: anchor.x - fixed.x * scale,
            offset_y: anchor.y - fixed.y * scale,
        }
    }

    /// Shift the view by a screen-space delta.
    pub fn panned(&self, dx: f64, dy: f64) -> Self {
        Self {
            scale: self.scale,
            offset_x: self.offset_x + dx,
            offset_y: self.offset_y + dy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn from_corners_accepts_any_drag_direction() {
        let expected = ImageRect::new(10.0, 20.0, 30.0, 40.0);
        let a = ImagePoint::new(10.0, 20.0);
        let b = ImagePoint::new(40.0, 60.0);
        assert_eq!(ImageRect::from_corners(a, b), expected);
        assert_eq!(ImageRect::from_corners(b, a), expected);
        assert_eq!(
            ImageRect::from_corners(ImagePoint::new(40.0, 20.0), ImagePoint::new(10.0, 60.0)),
            expected
        );
    }

    #[test]
    fn fit_centres_a_wide_image_and_keeps_its_aspect_ratio() {
        let t = ViewTransform::fit(ImageSize::new(2000.0, 1000.0), 800.0, 600.0, 0.0);
        assert!(close(t.scale, 0.4));
        assert!(close(t.offset_x, 0.0));
        assert!(close(t.offset_y, 100.0));
        let corner = t.to_screen(ImagePoint::new(2000.0, 1000.0));
        assert!(close(corner.x, 800.0) && close(corner.y, 500.0));
    }

    #[test]
    fn screen_and_image_round_trip() {
        let t = ViewTransform {
            scale: 0.37,
            offset_x: 12.5,
            offset_y: -3.25,
        }
        .zoomed_about(ScreenPoint::new(50.0, 60.0), 2.5);
        for &(x, y) in &[(0.0, 0.0), (123.4, 567.8), (-5.0, 1e4)] {
            let p = ImagePoint::new(x, y);
            let back = t.to_image(t.to_screen(p));
            assert!(
                close(back.x, p.x) && close(back.y, p.y),
                "{p:?} -> {back:?}"
            );
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor_fixed() {
        let t = ViewTransform::fit(ImageSize::new(640.0, 480.0), 800.0, 600.0, 10.0);
        let anchor = ScreenPoint::new(321.0, 123.0);
        let before = t.to_image(anchor);
        let after = t.zoomed_about(anchor, 3.0).to_image(anchor);
        assert!(close(before.x, after.x) && close(before.y, after.y));
    }

    #[test]
    fn a_rect_inside_its_bounds_is_clipped_to_itself_bit_for_bit() {
        let image = ImageSize::new(64.0, 48.0).bounds();
        // Through the corners this width would come back as 17.578141000000002.
        let inside = ImageRect::new(10.735639, 14.686596, 17.578141, 10.255747);
        assert_eq!(
            (10.735639_f64 + 17.578141) - 10.735639,
            17.578141000000002,
            "the arithmetic this guards against"
        );
        let clipped = inside.clip_to(&image);
        assert_eq!(
            [clipped.x, clipped.y, clipped.w, clipped.h].map(f64::to_bits),
            [inside.x, inside.y, inside.w, inside.h].map(f64::to_bits)
        );
        let touching = ImageRect::new(0.0, 0.0, 64.0, 48.0);
        assert_eq!(touching.clip_to(&image), touching);
    }

    #[test]
    fn clip_and_iou() {
        let img = ImageSize::new(100.0, 100.0).bounds();
        assert_eq!(
            ImageRect::new(-10.0, 90.0, 30.0, 30.0).clip_to(&img),
            ImageRect::new(0.0, 90.0, 20.0, 10.0)
        );
        let a = ImageRect::new(0.0, 0.0, 10.0, 10.0);
        assert!(close(a.iou(&a), 1.0));
        assert!(close(
            a.iou(&ImageRect::new(5.0, 0.0, 10.0, 10.0)),
            50.0 / 150.0
        ));
        assert!(close(a.iou(&ImageRect::new(20.0, 20.0, 1.0, 1.0)), 0.0));
    }
}
