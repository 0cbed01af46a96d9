//! Scripted touch sequences: one finger draws, two fingers pinch and pan, and the view ends where expected.

use super::*;

fn finger(e: &mut Editor, id: i32, phase: TouchPhase, x: f64, y: f64) -> Response {
    e.handle(Input::Touch(Touch {
        id,
        phase,
        at: ScreenPoint::new(x, y),
    }))
}

/// A finger put down, moved, or lifted at the screen point (x, y) in CSS pixels.
fn down(e: &mut Editor, id: i32, x: f64, y: f64) -> Response {
    finger(e, id, TouchPhase::Start, x, y)
}

fn slide(e: &mut Editor, id: i32, x: f64, y: f64) -> Response {
    finger(e, id, TouchPhase::Move, x, y)
}

fn up(e: &mut Editor, id: i32, x: f64, y: f64) -> Response {
    finger(e, id, TouchPhase::End, x, y)
}

fn assert_view(e: &Editor, scale: f64, offset_x: f64, offset_y: f64) {
    let v = e.view();
    assert!(
        (v.scale - scale).abs() < 1e-9
            && (v.offset_x - offset_x).abs() < 1e-9
            && (v.offset_y - offset_y).abs() < 1e-9,
        "view {v:?}, expected scale {scale} offset ({offset_x}, {offset_y})"
    );
}

#[test]
fn one_finger_draws_a_box_as_the_mouse_does_and_leaves_no_crosshair() {
    let mut e = editor();
    // The editor's test image is at scale 1 with its origin at (12, 12).
    assert!(down(&mut e, 7, 52.0, 42.0).consumed);
    slide(&mut e, 7, 150.0, 100.0);
    slide(&mut e, 7, 252.0, 192.0);
    let response = up(&mut e, 7, 252.0, 192.0);
    assert_eq!(rects(&e), vec![rect(40.0, 30.0, 200.0, 150.0)]);
    assert!(response.annotations_changed && response.consumed);
    assert!(response.announcement.unwrap().contains("box 1 of 1"));
    assert_eq!(e.hover(), None);
    assert_view(&e, 1.0, 12.0, 12.0);
}

#[test]
fn one_finger_tap_selects_the_box_under_it() {
    let mut e = editor_with(&[rect(40.0, 30.0, 200.0, 150.0)]);
    key(&mut e, "Escape");
    assert_eq!(e.selected(), None);
    down(&mut e, 1, 112.0, 112.0);
    let response = up(&mut e, 1, 112.0, 112.0);
    assert!(response.selection_changed);
    assert_eq!(e.selected(), Some(1));
}

#[test]
fn two_fingers_spreading_apart_zoom_about_their_midpoint() {
    let mut e = editor();
    down(&mut e, 1, 100.0, 100.0);
    down(&mut e, 2, 200.0, 100.0);
    slide(&mut e, 1, 50.0, 100.0);
    let response = slide(&mut e, 2, 250.0, 100.0);
    assert!(response.repaint && response.consumed && !response.annotations_changed);
    // 100 px apart became 200: twice the zoom, and image (138, 88), under the midpoint (150, 100), stays there.
    assert_view(&e, 2.0, 150.0 - 138.0 * 2.0, 100.0 - 88.0 * 2.0);
    up(&mut e, 1, 50.0, 100.0);
    up(&mut e, 2, 250.0, 100.0);
    assert!(rects(&e).is_empty(), "a pinch draws nothing");
}

#[test]
fn two_fingers_moving_together_pan_the_view() {
    let mut e = editor();
    down(&mut e, 1, 100.0, 100.0);
    down(&mut e, 2, 200.0, 150.0);
    slide(&mut e, 1, 130.0, 80.0);
    slide(&mut e, 2, 230.0, 130.0);
    assert_view(&e, 1.0, 12.0 + 30.0, 12.0 - 20.0);
    assert!(rects(&e).is_empty());
}

#[test]
fn a_pinch_that_zooms_and_pans_at_once_keeps_the_image_point_between_the_fingers() {
    let mut e = editor();
    let (a0, b0) = (
        ScreenPoint::new(120.0, 140.0),
        ScreenPoint::new(180.0, 220.0),
    );
    let start_mid = ScreenPoint::new(150.0, 180.0);
    let under_fingers = e.view().to_image(start_mid);
    down(&mut e, 3, a0.x, a0.y);
    down(&mut e, 4, b0.x, b0.y);
    // Both fingers wander and spread in steps; only where they end matters.
    let steps = [
        (
            ScreenPoint::new(110.0, 150.0),
            ScreenPoint::new(190.0, 230.0),
        ),
        (
            ScreenPoint::new(90.0, 170.0),
            ScreenPoint::new(230.0, 260.0),
        ),
        (
            ScreenPoint::new(60.0, 160.0),
            ScreenPoint::new(300.0, 340.0),
        ),
    ];
    for (a, b) in steps {
        slide(&mut e, 3, a.x, a.y);
        slide(&mut e, 4, b.x, b.y);
    }
    let (a1, b1) = steps[2];
    let end_mid = ScreenPoint::new((a1.x + b1.x) / 2.0, (a1.y + b1.y) / 2.0);
    let spread = (b1.x - a1.x).hypot(b1.y - a1.y) / (b0.x - a0.x).hypot(b0.y - a0.y);
    let expected_scale = spread;
    assert_view(
        &e,
        expected_scale,
        end_mid.x - under_fingers.x * expected_scale,
        end_mid.y - under_fingers.y * expected_scale,
    );
}

#[test]
fn a_second_finger_cancels_the_box_the_first_had_started() {
    let mut e = editor();
    down(&mut e, 1, 52.0, 42.0);
    slide(&mut e, 1, 200.0, 150.0);
    assert!(e.rubber_band().is_some(), "the first finger is drawing");
    let response = down(&mut e, 2, 300.0, 200.0);
    assert!(response.repaint);
    assert_eq!(e.rubber_band(), None);
    up(&mut e, 2, 300.0, 200.0);
    slide(&mut e, 1, 250.0, 180.0);
    up(&mut e, 1, 250.0, 180.0);
    assert!(rects(&e).is_empty());
    assert!(!e.can_undo(), "nothing happened to undo");
}

#[test]
fn the_finger_left_after_a_pinch_neither_draws_nor_pans() {
    let mut e = editor();
    down(&mut e, 1, 100.0, 100.0);
    down(&mut e, 2, 200.0, 100.0);
    slide(&mut e, 2, 300.0, 100.0); // 1.5× about (200, 100)
    let after_pinch = e.view();
    up(&mut e, 2, 300.0, 100.0);
    slide(&mut e, 1, 160.0, 180.0);
    slide(&mut e, 1, 260.0, 280.0);
    up(&mut e, 1, 260.0, 280.0);
    assert!(rects(&e).is_empty());
    assert_eq!(e.view(), after_pinch);
    // And with every finger lifted, one finger draws again.
    down(&mut e, 5, 100.0, 100.0);
    slide(&mut e, 5, 200.0, 200.0);
    up(&mut e, 5, 200.0, 200.0);
    assert_eq!(rects(&e).len(), 1);
}

#[test]
fn putting_a_second_finger_down_again_resumes_the_pinch() {
    let mut e = editor();
    down(&mut e, 1, 100.0, 100.0);
    down(&mut e, 2, 200.0, 100.0);
    up(&mut e, 2, 200.0, 100.0);
    down(&mut e, 3, 150.0, 100.0);
    // 50 px apart became 100: image (113, 88), between the fingers at (125, 100), ends between them at (150, 100).
    slide(&mut e, 3, 200.0, 100.0);
    assert_view(&e, 2.0, 150.0 - 113.0 * 2.0, 100.0 - 88.0 * 2.0);
}

#[test]
fn a_third_finger_is_ignored_by_the_pinch() {
    let mut e = editor();
    down(&mut e, 1, 100.0, 100.0);
    down(&mut e, 2, 200.0, 100.0);
    down(&mut e, 3, 300.0, 300.0);
    slide(&mut e, 3, 10.0, 10.0);
    assert_view(&e, 1.0, 12.0, 12.0);
    up(&mut e, 3, 10.0, 10.0);
    slide(&mut e, 2, 300.0, 100.0);
    assert_view(&e, 2.0, 100.0 - 88.0 * 2.0, 100.0 - 88.0 * 2.0);
}

#[test]
fn pinching_stops_at_the_zoom_limits() {
    let mut e = editor();
    down(&mut e, 1, 200.0, 150.0);
    down(&mut e, 2, 201.0, 150.0);
    slide(&mut e, 2, 5000.0, 150.0);
    assert!((e.view().scale - 32.0).abs() < 1e-9, "{:?}", e.view());
    slide(&mut e, 2, 200.0001, 150.0);
    assert!((e.view().scale - 0.5).abs() < 1e-9, "{:?}", e.view());
}

#[test]
fn a_cancelled_touch_undoes_its_drag_and_unknown_fingers_are_ignored() {
    let mut e = editor();
    assert!(slide(&mut e, 9, 10.0, 10.0).consumed);
    assert!(!up(&mut e, 9, 10.0, 10.0).repaint);
    down(&mut e, 1, 52.0, 42.0);
    slide(&mut e, 1, 200.0, 150.0);
    finger(&mut e, 1, TouchPhase::Cancel, 200.0, 150.0);
    assert!(rects(&e).is_empty() && e.rubber_band().is_none());
    down(&mut e, 1, 52.0, 42.0);
    slide(&mut e, 1, f64::NAN, 150.0);
    up(&mut e, 1, 152.0, 142.0);
    assert_eq!(rects(&e), vec![rect(40.0, 30.0, 100.0, 100.0)]);
}
