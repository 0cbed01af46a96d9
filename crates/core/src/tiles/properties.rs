//! Properties of the tile arithmetic over random images, views and canvases.

use proptest::prelude::*;

use super::*;
use crate::geometry::{ImagePoint, ImageRect, ScreenPoint, ViewTransform};

fn pyramid() -> impl Strategy<Value = TilePyramid> {
    (
        1u32..30_000,
        1u32..30_000,
        prop_oneof![Just(256u32), Just(512)],
    )
        .prop_map(|(w, h, t)| TilePyramid::new(w, h, t, TileFormat::Jpeg).unwrap())
}

/// A view anywhere from far out to deep in, and a canvas of any size.
fn scene() -> impl Strategy<Value = (TilePyramid, ViewTransform, (f64, f64), f64)> {
    (
        pyramid(),
        -9.0f64..5.0,
        0.0f64..1.0,
        0.0f64..1.0,
        (1.0f64..2000.0, 1.0f64..1500.0),
        prop_oneof![Just(1.0), Just(1.5), Just(2.0), Just(3.0)],
    )
        .prop_map(|(p, log_scale, fx, fy, canvas, dpr)| {
            let scale = log_scale.exp2();
            // Put a random image point at a random canvas point, so most views show some of the image.
            let at = ImagePoint::new(fx * f64::from(p.width), fy * f64::from(p.height));
            let view = ViewTransform {
                scale,
                offset_x: canvas.0 * fy - at.x * scale,
                offset_y: canvas.1 * fx - at.y * scale,
            };
            (p, view, canvas, dpr)
        })
}

/// Screen points on a 7 × 7 grid over the canvas that show the image (a pixel away from its edges, where
/// snapping to device pixels may move a tile's outer edge).
fn samples(p: &TilePyramid, view: &ViewTransform, canvas: (f64, f64)) -> Vec<ScreenPoint> {
    let inside = ImageRect::new(0.0, 0.0, f64::from(p.width), f64::from(p.height));
    let mut points = Vec::new();
    for i in 0..7 {
        for j in 0..7 {
            let s = ScreenPoint::new(
                canvas.0 * (f64::from(i) + 0.5) / 7.0,
                canvas.1 * (f64::from(j) + 0.5) / 7.0,
            );
            let q = view.to_image(s);
            let margin = 1.0 / view.scale;
            if q.x > inside.x + margin
                && q.y > inside.y + margin
                && q.x < inside.right() - margin
                && q.y < inside.bottom() - margin
            {
                points.push(s);
            }
        }
    }
    points
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_point_of_the_image_on_the_canvas_is_in_a_visible_tile_and_every_visible_tile_shows(
        (p, view, canvas, dpr) in scene(),
    ) {
        let level = level_for_view(&p, &view, dpr);
        let range = visible_tiles(&p, level, &view, canvas.0, canvas.1);
        for s in samples(&p, &view, canvas) {
            let q = view.to_image(s);
            let covered = range.keys().any(|k| p.tile_image_rect(k).contains(q));
            prop_assert!(covered, "{:?} (image {:?}) is in no tile of {:?}", s, q, range);
        }
        let shown = ImageRect::from_corners(
            view.to_image(ScreenPoint::new(0.0, 0.0)),
            view.to_image(ScreenPoint::new(canvas.0, canvas.1)),
        );
        for key in range.keys() {
            prop_assert!(p.contains(key), "{:?}", key);
            let overlap = p.tile_image_rect(key).clip_to(&shown);
            prop_assert!(overlap.w > 0.0 && overlap.h > 0.0, "{:?} is not on the canvas", key);
        }
    }

    #[test]
    fn with_every_tile_loaded_each_point_of_the_image_is_drawn_exactly_once(
        (p, view, canvas, dpr) in scene(),
    ) {
        let plan = plan_draw(&p, &view, canvas, dpr, |_| true);
        prop_assert!(plan.missing.is_empty());
        prop_assert!(plan.draws.iter().all(|d| d.key.level == plan.level));
        for s in samples(&p, &view, canvas) {
            let n = plan
                .draws
                .iter()
                .filter(|d| {
                    let r = d.dest;
                    s.x >= r.x && s.x < r.x + r.w && s.y >= r.y && s.y < r.y + r.h
                })
                .count();
            prop_assert_eq!(n, 1, "{:?} is drawn {} times", s, n);
        }
    }

    #[test]
    fn with_only_the_overview_loaded_it_stands_in_for_every_missing_tile(
        (p, view, canvas, dpr) in scene(),
    ) {
        let overview = TileKey::new(0, 0, 0);
        let plan = plan_draw(&p, &view, canvas, dpr, |k| k == overview);
        if plan.level == 0 {
            prop_assert!(plan.missing.is_empty());
        } else if !plan.missing.is_empty() {
            prop_assert_eq!(plan.draws.iter().map(|d| d.key).collect::<Vec<_>>(), vec![overview]);
        }
    }
}
