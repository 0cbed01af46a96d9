//! The view transform: fitting, and that boxes are kept in image pixels whatever the view.

use super::*;

#[test]
fn the_view_fits_the_image_and_refits_when_the_canvas_resizes() {
    let mut e = Editor::new(ImageSize::new(2000.0, 1000.0), categories());
    e.set_viewport(1000.0 + 2.0 * FIT_MARGIN_PX, 1000.0);
    assert!((e.view().scale - 0.5).abs() < 1e-12);
    e.set_viewport(500.0 + 2.0 * FIT_MARGIN_PX, 1000.0);
    assert!((e.view().scale - 0.25).abs() < 1e-12);
    let centre = e.view().to_screen(ImagePoint::new(1000.0, 500.0));
    assert!((centre.x - (250.0 + FIT_MARGIN_PX)).abs() < 1e-9 && (centre.y - 500.0).abs() < 1e-9);
}

#[test]
fn a_box_drawn_at_any_canvas_size_is_stored_in_image_pixels() {
    for (w, h) in [
        (300.0, 200.0),
        (1280.0, 720.0),
        (640.0, 1600.0),
        (4000.0, 3000.0),
    ] {
        let mut e = Editor::new(ImageSize::new(400.0, 300.0), categories());
        e.set_viewport(w, h);
        drag(&mut e, (40.0, 30.0), (240.0, 180.0));
        let r = rects(&e)[0];
        for (got, want) in [(r.x, 40.0), (r.y, 30.0), (r.w, 200.0), (r.h, 150.0)] {
            assert!((got - want).abs() < 1e-9, "viewport {w}×{h}: {r:?}");
        }
    }
}

#[test]
fn screen_and_image_points_round_trip_at_different_viewports() {
    for (w, h) in [(1.0, 1.0), (300.0, 200.0), (1920.0, 1080.0), (333.3, 777.7)] {
        let mut e = Editor::new(ImageSize::new(4032.0, 3024.0), categories());
        e.set_viewport(w, h);
        for p in [
            ImagePoint::new(0.0, 0.0),
            ImagePoint::new(4032.0, 3024.0),
            ImagePoint::new(1234.5, 17.25),
        ] {
            let back = e.view().to_image(e.view().to_screen(p));
            assert!(
                (back.x - p.x).abs() < 1e-6 && (back.y - p.y).abs() < 1e-6,
                "{w}×{h}: {p:?} → {back:?}"
            );
        }
    }
}
