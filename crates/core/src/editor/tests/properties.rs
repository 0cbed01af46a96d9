//! Property tests: random input scripts, checked after every single input.

use proptest::prelude::*;

use super::*;
use crate::editor::history::History;

/// Screen points around and over the test image (which sits at 12..412 × 12..312).
fn point() -> impl Strategy<Value = ScreenPoint> {
    (-60.0..480.0f64, -60.0..380.0f64).prop_map(|(x, y)| ScreenPoint::new(x, y))
}

fn mods() -> impl Strategy<Value = Modifiers> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(shift, ctrl, alt, meta)| Modifiers {
            shift,
            ctrl,
            alt,
            meta,
        },
    )
}

fn button() -> impl Strategy<Value = PointerButton> {
    prop_oneof![
        6 => Just(PointerButton::Primary),
        1 => Just(PointerButton::Middle),
        1 => Just(PointerButton::Secondary),
    ]
}

const KEYS: &[&str] = &[
    "Delete",
    "Backspace",
    "Escape",
    "Tab",
    "1",
    "2",
    "3",
    "4",
    "d",
    "z",
    "Z",
    "y",
    "ArrowLeft",
    "ArrowRight",
    "ArrowUp",
    "ArrowDown",
    "+",
    "-",
    "0",
    "h",
    " ",
];

/// Any input at all, weighted towards the ones that edit boxes.
fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        3 => (point(), button(), mods()).prop_map(|(at, button, mods)| Input::PointerDown { at, button, mods }),
        6 => (point(), mods()).prop_map(|(at, mods)| Input::PointerMove { at, mods }),
        3 => (point(), button(), mods()).prop_map(|(at, button, mods)| Input::PointerUp { at, button, mods }),
        1 => Just(Input::PointerCancel),
        1 => Just(Input::PointerLeave),
        6 => (proptest::sample::select(KEYS), mods())
            .prop_map(|(key, mods)| Input::KeyDown { key: key.to_owned(), mods }),
        1 => (proptest::sample::select(KEYS), mods()).prop_map(|(key, mods)| Input::KeyUp { key: key.to_owned(), mods }),
        1 => (point(), -600.0..600.0f64, mods()).prop_map(|(at, delta_y, mods)| Input::Wheel { at, delta_y, mods }),
    ]
}

/// Boxes to start from, drawn inside the image.
fn start_boxes() -> impl Strategy<Value = Vec<ImageRect>> {
    proptest::collection::vec(
        (0.0..390.0f64, 0.0..290.0f64, 4.0..200.0f64, 4.0..200.0f64)
            .prop_map(|(x, y, w, h)| rect(x, y, w.min(400.0 - x), h.min(300.0 - y))),
        0..4,
    )
}

/// An editor with `boxes` and an empty history.
fn start(boxes: &[ImageRect]) -> Editor {
    let mut e = editor();
    for (r, id) in boxes.iter().zip(1..) {
        e.annotations.push(Annotation {
            id,
            rect: *r,
            category_id: 1,
        });
    }
    e.next_id = boxes.len() as u64 + 1;
    e.history = History::default();
    e
}

fn check_inside_image(e: &Editor, step: usize) -> Result<(), TestCaseError> {
    let bounds = e.image_size().bounds();
    for a in e.annotations() {
        for r in [a.rect, e.displayed_rect(a)] {
            prop_assert!(
                r.is_finite() && r.w > 0.0 && r.h > 0.0,
                "step {step}: degenerate box {r:?}"
            );
            prop_assert!(r.is_within(&bounds), "step {step}: {r:?} leaves the image");
        }
    }
    if let Some(band) = e.rubber_band() {
        prop_assert!(
            band.is_within(&bounds),
            "step {step}: rubber band {band:?} leaves the image"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn no_box_ever_leaves_the_image_whatever_the_input(
        boxes in start_boxes(),
        script in proptest::collection::vec(input(), 1..120),
    ) {
        let mut e = start(&boxes);
        for (step, input) in script.into_iter().enumerate() {
            e.handle(input);
            check_inside_image(&e, step)?;
            let mut ids: Vec<u64> = e.annotations().iter().map(|a| a.id).collect();
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(ids.len(), e.annotations().len(), "step {}: ids must be unique", step);
            if let Some(selected) = e.selected() {
                prop_assert!(e.annotation(selected).is_some(), "step {}: a deleted box is selected", step);
            }
        }
    }

    #[test]
    fn undoing_every_edit_restores_the_start_and_redoing_them_restores_the_end(
        boxes in start_boxes(),
        script in proptest::collection::vec(input(), 1..120),
    ) {
        let mut e = start(&boxes);
        let initial = e.annotations().to_vec();
        for input in script {
            e.handle(input);
        }
        e.handle(Input::PointerCancel);
        let end = e.annotations().to_vec();
        let mut steps = 0;
        while e.undo().is_some() {
            steps += 1;
        }
        prop_assert_eq!(e.annotations(), &initial[..], "after undoing {} steps", steps);
        // Redoing exactly the steps just undone (the redo stack may hold more from undos inside the script).
        for _ in 0..steps {
            prop_assert!(e.redo().is_some());
        }
        prop_assert_eq!(e.annotations(), &end[..]);
    }

    #[test]
    fn screen_and_image_points_round_trip_in_any_view(
        viewport in (1.0..3000.0f64, 1.0..3000.0f64),
        zooms in proptest::collection::vec((point(), -800.0..800.0f64), 0..8),
        pan in (-2000.0..2000.0f64, -2000.0..2000.0f64),
        p in (-100.0..500.0f64, -100.0..400.0f64),
    ) {
        let mut e = editor();
        e.set_viewport(viewport.0, viewport.1);
        for (at, delta_y) in zooms {
            e.handle(Input::Wheel { at, delta_y, mods: Modifiers::NONE });
        }
        e.pan_by(pan.0, pan.1);
        let view = e.view();
        let image_point = ImagePoint::new(p.0, p.1);
        let back = view.to_image(view.to_screen(image_point));
        prop_assert!((back.x - p.0).abs() < 1e-6 && (back.y - p.1).abs() < 1e-6, "{:?} -> {:?}", image_point, back);
        let screen_point = ScreenPoint::new(p.0, p.1);
        let back = view.to_screen(view.to_image(screen_point));
        prop_assert!((back.x - p.0).abs() < 1e-6 && (back.y - p.1).abs() < 1e-6, "{:?} -> {:?}", screen_point, back);
    }
}
