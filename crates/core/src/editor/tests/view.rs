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

#[test]
fn the_wheel_zooms_about_the_pointer() {
    let mut e = editor();
    let at = screen(&e, 100.0, 50.0);
    let response = e.handle(Input::Wheel {
        at,
        delta_y: -400.0,
        mods: Modifiers::NONE,
    });
    assert!(response.consumed && response.repaint && !response.changed_shared_state());
    assert!(
        (e.view().scale - 2.0).abs() < 1e-12,
        "400 px of wheel doubles the zoom"
    );
    let still = e.view().to_image(at);
    assert!((still.x - 100.0).abs() < 1e-9 && (still.y - 50.0).abs() < 1e-9);
    e.handle(Input::Wheel {
        at,
        delta_y: 400.0,
        mods: Modifiers::NONE,
    });
    assert!((e.view().scale - 1.0).abs() < 1e-12);
}

#[test]
fn plus_and_minus_zoom_about_the_pointer_and_zero_fits() {
    let mut e = editor();
    move_to(&mut e, 200.0, 100.0);
    let at = screen(&e, 200.0, 100.0);
    let response = key(&mut e, "+");
    assert_eq!(response.announcement.as_deref(), Some("Zoom 125%"));
    key(&mut e, "=");
    assert!((e.view().scale - 1.5625).abs() < 1e-12);
    let still = e.view().to_image(at);
    assert!((still.x - 200.0).abs() < 1e-9 && (still.y - 100.0).abs() < 1e-9);
    key(&mut e, "-");
    assert!((e.view().scale - 1.25).abs() < 1e-12);
    key(&mut e, "0");
    assert_eq!(e.view(), editor().view());
}

#[test]
fn zoom_has_limits() {
    let mut e = editor();
    for _ in 0..100 {
        key(&mut e, "+");
    }
    assert_eq!(e.view().scale, 32.0);
    for _ in 0..100 {
        key(&mut e, "-");
    }
    assert_eq!(e.view().scale, 0.5);
}

#[test]
fn after_a_zoom_a_resize_keeps_the_view_until_fit() {
    let mut e = editor();
    key(&mut e, "+");
    let zoomed = e.view();
    e.set_viewport(1000.0, 1000.0);
    assert_eq!(e.view(), zoomed);
    key(&mut e, "0");
    e.set_viewport(2000.0, 2000.0);
    assert_eq!(
        e.view(),
        ViewTransform::fit(e.image_size(), 2000.0, 2000.0, FIT_MARGIN_PX)
    );
}

#[test]
fn space_and_drag_pans_without_drawing() {
    let mut e = editor();
    let response = key(&mut e, " ");
    assert!(response.consumed, "Space must not scroll the page");
    assert_eq!(response.cursor, Cursor::Grab);
    let before = e.view();
    press(&mut e, 100.0, 100.0);
    assert_eq!(e.cursor(), Cursor::Grabbing);
    e.handle(Input::PointerMove {
        at: ScreenPoint::new(150.0, 80.0),
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerUp {
        at: ScreenPoint::new(150.0, 80.0),
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
    e.handle(Input::KeyUp {
        key: " ".into(),
        mods: Modifiers::NONE,
    });
    assert!(e.annotations().is_empty());
    let moved = (
        e.view().offset_x - before.offset_x,
        e.view().offset_y - before.offset_y,
    );
    assert_eq!(moved, (150.0 - 112.0, 80.0 - 112.0));
    assert_eq!(e.cursor(), Cursor::Crosshair);
}

#[test]
fn the_middle_button_pans() {
    let mut e = editor();
    let before = e.view();
    e.handle(Input::PointerDown {
        at: ScreenPoint::new(50.0, 50.0),
        button: PointerButton::Middle,
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerMove {
        at: ScreenPoint::new(20.0, 70.0),
        mods: Modifiers::NONE,
    });
    let response = e.handle(Input::PointerUp {
        at: ScreenPoint::new(20.0, 70.0),
        button: PointerButton::Middle,
        mods: Modifiers::NONE,
    });
    assert!(response.consumed);
    assert_eq!(e.view().offset_x - before.offset_x, -30.0);
    assert_eq!(e.view().offset_y - before.offset_y, 20.0);
    assert!(e.annotations().is_empty());
}

#[test]
fn boxes_drawn_after_zooming_and_panning_are_in_image_pixels() {
    let mut e = editor();
    e.zoom_about(ScreenPoint::new(37.0, 91.0), 3.3);
    e.pan_by(-120.0, 45.5);
    drag(&mut e, (40.0, 30.0), (60.0, 45.0));
    let r = rects(&e)[0];
    for (got, want) in [(r.x, 40.0), (r.y, 30.0), (r.w, 20.0), (r.h, 15.0)] {
        assert!((got - want).abs() < 1e-9, "{r:?}");
    }
}
