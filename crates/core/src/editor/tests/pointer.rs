//! Drawing, clicking and cancelling with the pointer.

use super::*;
use crate::coco::CocoImage;

#[test]
fn a_drag_on_empty_image_draws_a_box_with_the_active_label_and_selects_it() {
    let mut e = editor();
    let response = drag(&mut e, (10.0, 20.0), (110.0, 70.0));
    assert_eq!(rects(&e), vec![rect(10.0, 20.0, 100.0, 50.0)]);
    let a = &e.annotations()[0];
    assert_eq!((a.id, a.category_id), (1, 1));
    assert_eq!(e.selected(), Some(1));
    assert!(
        response.annotations_changed
            && response.selection_changed
            && response.consumed
            && response.repaint
    );
    assert!(response.announcement.unwrap().contains("box 1 of 1, cat"));
}

#[test]
fn a_drag_in_any_direction_makes_the_same_box() {
    for (from, to) in [
        ((110.0, 70.0), (10.0, 20.0)),
        ((10.0, 70.0), (110.0, 20.0)),
        ((110.0, 20.0), (10.0, 70.0)),
    ] {
        let mut e = editor();
        drag(&mut e, from, to);
        assert_eq!(
            rects(&e),
            vec![rect(10.0, 20.0, 100.0, 50.0)],
            "drag from {from:?} to {to:?}"
        );
    }
}

#[test]
fn a_drag_smaller_than_the_minimum_in_either_dimension_makes_no_box() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (12.0, 12.0));
    drag(&mut e, (10.0, 10.0), (200.0, 13.0));
    drag(&mut e, (10.0, 10.0), (13.0, 200.0));
    assert!(e.annotations().is_empty());
    drag(&mut e, (10.0, 10.0), (14.0, 14.0));
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 4.0, 4.0)]);
}

#[test]
fn the_minimum_drag_is_measured_on_screen_so_it_holds_at_any_zoom() {
    let mut e = editor();
    e.zoom_about(screen(&e, 0.0, 0.0), 4.0);
    drag(&mut e, (10.0, 10.0), (11.5, 30.0)); // 6 × 80 screen pixels
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 1.5, 20.0)]);
}

#[test]
fn a_tiny_drag_counts_as_a_click_and_selects_the_box_under_it() {
    let mut e = editor_with(&[
        rect(10.0, 10.0, 100.0, 100.0),
        rect(200.0, 10.0, 50.0, 50.0),
    ]);
    drag(&mut e, (50.0, 50.0), (52.0, 51.0));
    assert_eq!(e.annotations().len(), 2);
    assert_eq!(e.selected(), Some(1));
}

#[test]
fn a_click_selects_the_smallest_box_under_the_point() {
    let mut e = editor_with(&[rect(0.0, 0.0, 300.0, 200.0), rect(50.0, 50.0, 40.0, 40.0)]);
    key(&mut e, "Escape");
    let response = click(&mut e, 60.0, 60.0);
    assert_eq!(e.selected(), Some(2));
    assert!(response.selection_changed && !response.annotations_changed);
    click(&mut e, 150.0, 150.0);
    assert_eq!(e.selected(), Some(1));
}

#[test]
fn a_click_just_outside_a_thin_box_still_selects_it() {
    let mut e = editor_with(&[rect(100.0, 100.0, 50.0, 4.0)]);
    key(&mut e, "Escape");
    click(&mut e, 120.0, 106.0);
    assert_eq!(e.selected(), Some(1));
}

#[test]
fn a_click_on_empty_space_clears_the_selection() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    let response = click(&mut e, 300.0, 200.0);
    assert_eq!(e.selected(), None);
    assert!(response.selection_changed);
    assert_eq!(response.announcement.as_deref(), Some("Selection cleared"));
}

#[test]
fn a_click_outside_the_image_clears_the_selection_too() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 50.0)]);
    click(&mut e, -8.0, -8.0);
    assert_eq!(e.selected(), None);
}

#[test]
fn a_drag_inside_an_unselected_box_draws_a_box_inside_it() {
    let mut e = editor_with(&[rect(10.0, 10.0, 200.0, 200.0)]);
    key(&mut e, "Escape");
    drag(&mut e, (50.0, 50.0), (100.0, 100.0));
    assert_eq!(
        rects(&e),
        vec![rect(10.0, 10.0, 200.0, 200.0), rect(50.0, 50.0, 50.0, 50.0)]
    );
    assert_eq!(e.selected(), Some(2));
}

#[test]
fn a_drawn_box_is_clipped_to_the_image() {
    let mut e = editor();
    drag(&mut e, (-10.0, 250.0), (50.0, 320.0));
    assert_eq!(rects(&e), vec![rect(0.0, 250.0, 50.0, 50.0)]);
    drag(&mut e, (350.0, -5.0), (450.0, 20.0));
    assert_eq!(rects(&e)[1], rect(350.0, 0.0, 50.0, 20.0));
}

#[test]
fn a_drag_entirely_outside_the_image_makes_no_box() {
    let mut e = Editor::new(ImageSize::new(400.0, 300.0), categories());
    e.set_viewport(1000.0, 1000.0); // image fitted with wide margins above and below
    let above = ScreenPoint::new(100.0, 20.0);
    e.handle(Input::PointerDown {
        at: above,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerMove {
        at: ScreenPoint::new(300.0, 120.0),
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerUp {
        at: ScreenPoint::new(300.0, 120.0),
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
    assert!(e.annotations().is_empty());
}

#[test]
fn the_rubber_band_follows_the_pointer_and_moves_do_not_touch_the_boxes() {
    let mut e = editor();
    press(&mut e, 10.0, 10.0);
    assert_eq!(e.rubber_band(), None, "no band before the drag threshold");
    let response = move_to(&mut e, 60.0, 40.0);
    assert_eq!(e.rubber_band(), Some(rect(10.0, 10.0, 50.0, 30.0)));
    assert!(response.repaint && response.consumed);
    assert!(!response.annotations_changed && !response.selection_changed);
    assert!(e.annotations().is_empty());
}

#[test]
fn escape_during_a_drag_cancels_it() {
    let mut e = editor();
    press(&mut e, 10.0, 10.0);
    move_to(&mut e, 100.0, 100.0);
    let response = key(&mut e, "Escape");
    assert!(response.consumed);
    assert_eq!(e.rubber_band(), None);
    release(&mut e, 100.0, 100.0);
    assert!(e.annotations().is_empty());
}

#[test]
fn pointer_cancel_ends_a_drag_without_a_box() {
    let mut e = editor();
    press(&mut e, 10.0, 10.0);
    move_to(&mut e, 100.0, 100.0);
    e.handle(Input::PointerCancel);
    release(&mut e, 100.0, 100.0);
    assert!(e.annotations().is_empty());
}

#[test]
fn the_secondary_button_does_nothing_and_is_left_to_the_browser() {
    let mut e = editor();
    let at = screen(&e, 10.0, 10.0);
    let response = e.handle(Input::PointerDown {
        at,
        button: PointerButton::Secondary,
        mods: Modifiers::NONE,
    });
    assert!(!response.consumed);
    e.handle(Input::PointerMove {
        at: screen(&e, 100.0, 100.0),
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerUp {
        at: screen(&e, 100.0, 100.0),
        button: PointerButton::Secondary,
        mods: Modifiers::NONE,
    });
    assert!(e.annotations().is_empty());
}

#[test]
fn hovering_repaints_for_the_crosshair_but_changes_nothing_shared() {
    let mut e = editor();
    let response = move_to(&mut e, 50.0, 50.0);
    assert!(response.repaint && !response.consumed && !response.changed_shared_state());
    assert_eq!(response.cursor, Cursor::Crosshair);
    let response = e.handle(Input::PointerLeave);
    assert!(response.repaint);
    assert_eq!(e.hover(), None);
    assert_eq!(response.cursor, Cursor::Default);
}

#[test]
fn boxes_get_ids_that_are_never_reused() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (50.0, 50.0));
    key(&mut e, "Delete");
    drag(&mut e, (10.0, 10.0), (50.0, 50.0));
    assert_eq!(e.annotations()[0].id, 2);
}

#[test]
fn the_coco_result_numbers_boxes_from_one_with_their_areas() {
    let mut e = editor_with(&[rect(10.0, 10.0, 20.0, 10.0), rect(100.0, 100.0, 5.0, 8.0)]);
    click(&mut e, 102.0, 104.0);
    e.set_active_category(3);
    let image = CocoImage {
        id: 42,
        file_name: "a.jpg".into(),
        width: 400,
        height: 300,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    };
    let result = e.to_coco_result(&image);
    assert_eq!(result.images, vec![image]);
    assert_eq!(result.categories, categories());
    let summary: Vec<_> = result
        .annotations
        .iter()
        .map(|a| (a.id, a.image_id, a.category_id, a.bbox, a.area, a.iscrowd))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, 42, 1, [10.0, 10.0, 20.0, 10.0], 200.0, 0),
            (2, 42, 3, [100.0, 100.0, 5.0, 8.0], 40.0, 0)
        ]
    );
}

#[test]
fn a_job_without_labels_draws_no_boxes() {
    let mut e = Editor::new(ImageSize::new(100.0, 100.0), Vec::new());
    e.set_viewport(100.0, 100.0);
    assert_eq!(e.active_category(), 0);
    let response = drag(&mut e, (10.0, 10.0), (50.0, 50.0));
    assert!(e.annotations().is_empty());
    assert!(response.announcement.unwrap().contains("no labels"));
}

#[test]
fn loaded_boxes_are_clipped_and_unknown_labels_are_skipped_without_an_undo_step() {
    let mut e = editor();
    let loaded = e.load_boxes([
        (rect(10.0, 10.0, 20.0, 20.0), 2),
        (rect(390.0, 290.0, 50.0, 50.0), 1),
        (rect(10.0, 10.0, 20.0, 20.0), 9),
        (rect(500.0, 10.0, 20.0, 20.0), 1),
        (rect(f64::NAN, 10.0, 20.0, 20.0), 1),
    ]);
    assert_eq!(loaded, 2);
    assert_eq!(
        rects(&e),
        vec![rect(10.0, 10.0, 20.0, 20.0), rect(390.0, 290.0, 10.0, 10.0)]
    );
    assert_eq!(
        e.annotations()
            .iter()
            .map(|a| (a.id, a.category_id))
            .collect::<Vec<_>>(),
        vec![(1, 2), (2, 1)]
    );
    assert!(!e.can_undo());
    drag(&mut e, (100.0, 100.0), (150.0, 150.0));
    assert_eq!(e.annotations()[2].id, 3);
}

#[test]
fn a_pointer_cancel_after_a_finished_drag_keeps_the_crosshair() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (50.0, 50.0));
    let hover = e.hover();
    let response = e.handle(Input::PointerCancel);
    assert!(!response.repaint && !response.changed_shared_state());
    assert_eq!(e.hover(), hover);
}
