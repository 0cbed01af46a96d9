//! Moving and resizing with the pointer, duplicating, and nudging with the arrow keys.

use super::*;
use crate::hit::Handle;

#[test]
fn dragging_inside_the_selected_box_moves_it_and_keeps_its_size() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    press(&mut e, 30.0, 30.0);
    let during = move_to(&mut e, 60.0, 50.0);
    assert_eq!(during.cursor, Cursor::Move);
    assert!(
        !during.annotations_changed,
        "the stored box only changes on release"
    );
    assert_eq!(
        e.displayed_rect(&e.annotations()[0]),
        rect(40.0, 30.0, 50.0, 40.0)
    );
    let response = release(&mut e, 70.0, 50.0);
    assert_eq!(rects(&e), vec![rect(50.0, 30.0, 50.0, 40.0)]);
    assert!(response.annotations_changed && !response.selection_changed);
    assert_eq!(e.selected(), Some(1));
}

#[test]
fn a_moved_box_stops_at_the_image_border() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    drag(&mut e, (30.0, 30.0), (1000.0, -500.0));
    assert_eq!(rects(&e), vec![rect(350.0, 0.0, 50.0, 40.0)]);
}

#[test]
fn a_click_inside_the_selected_box_selects_a_smaller_box_within_it() {
    let mut e = editor_with(&[
        rect(100.0, 100.0, 20.0, 20.0),
        rect(50.0, 50.0, 200.0, 200.0),
    ]);
    assert_eq!(e.selected(), Some(2));
    click(&mut e, 110.0, 110.0);
    assert_eq!(e.selected(), Some(1));
    assert_eq!(
        rects(&e)[1],
        rect(50.0, 50.0, 200.0, 200.0),
        "the click moved nothing"
    );
}

#[test]
fn each_of_the_eight_handles_resizes_its_own_edges() {
    let start = rect(100.0, 100.0, 100.0, 80.0);
    let cases = [
        (Handle::NorthWest, rect(90.0, 95.0, 110.0, 85.0)),
        (Handle::North, rect(100.0, 95.0, 100.0, 85.0)),
        (Handle::NorthEast, rect(100.0, 95.0, 90.0, 85.0)),
        (Handle::East, rect(100.0, 100.0, 90.0, 80.0)),
        (Handle::SouthEast, rect(100.0, 100.0, 90.0, 75.0)),
        (Handle::South, rect(100.0, 100.0, 100.0, 75.0)),
        (Handle::SouthWest, rect(90.0, 100.0, 110.0, 75.0)),
        (Handle::West, rect(90.0, 100.0, 110.0, 80.0)),
    ];
    for (handle, expected) in cases {
        let mut e = editor_with(&[start]);
        let at = handle.position(&start);
        press(&mut e, at.x, at.y);
        assert_eq!(e.cursor(), handle.cursor(), "{handle:?}");
        move_to(&mut e, at.x - 10.0, at.y - 5.0);
        release(&mut e, at.x - 10.0, at.y - 5.0);
        assert_eq!(rects(&e), vec![expected], "{handle:?}");
    }
}

#[test]
fn a_handle_can_be_grabbed_a_few_pixels_off_and_the_box_does_not_jump() {
    let mut e = editor_with(&[rect(100.0, 100.0, 100.0, 80.0)]);
    drag(&mut e, (203.0, 184.0), (223.0, 194.0)); // 3 px right of and 4 px below the bottom-right corner
    assert_eq!(rects(&e), vec![rect(100.0, 100.0, 120.0, 90.0)]);
}

#[test]
fn resizing_stays_inside_the_image() {
    let mut e = editor_with(&[rect(100.0, 100.0, 100.0, 80.0)]);
    drag(&mut e, (100.0, 100.0), (-50.0, -50.0));
    assert_eq!(rects(&e), vec![rect(0.0, 0.0, 200.0, 180.0)]);
}

#[test]
fn hovering_shows_what_a_press_would_do() {
    let mut e = editor_with(&[rect(100.0, 100.0, 100.0, 80.0)]);
    assert_eq!(move_to(&mut e, 150.0, 140.0).cursor, Cursor::Move);
    assert_eq!(move_to(&mut e, 100.0, 140.0).cursor, Cursor::ResizeEastWest);
    assert_eq!(
        move_to(&mut e, 200.0, 100.0).cursor,
        Cursor::ResizeNorthEastSouthWest
    );
    assert_eq!(move_to(&mut e, 300.0, 250.0).cursor, Cursor::Crosshair);
}

#[test]
fn escape_during_a_move_puts_the_box_back() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    press(&mut e, 30.0, 30.0);
    move_to(&mut e, 130.0, 130.0);
    key(&mut e, "Escape");
    release(&mut e, 130.0, 130.0);
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 40.0)]);
    assert!(
        !e.can_undo() || e.undo() == Some("add box"),
        "the cancelled move left no undo step"
    );
}

#[test]
fn arrow_keys_move_the_selected_box_one_pixel_and_ten_with_shift() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    key(&mut e, "ArrowRight");
    key(&mut e, "ArrowDown");
    key_with(&mut e, "ArrowRight", Modifiers::SHIFT);
    let response = key_with(&mut e, "ArrowUp", Modifiers::SHIFT);
    assert!(response.consumed && response.annotations_changed);
    assert_eq!(rects(&e), vec![rect(21.0, 1.0, 50.0, 40.0)]);
    key_with(&mut e, "ArrowUp", Modifiers::SHIFT);
    key(&mut e, "ArrowLeft");
    assert_eq!(
        rects(&e),
        vec![rect(20.0, 0.0, 50.0, 40.0)],
        "stopped at the top border"
    );
}

#[test]
fn alt_arrows_move_the_right_and_bottom_edges() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    key_with(&mut e, "ArrowRight", Modifiers::ALT);
    key_with(
        &mut e,
        "ArrowDown",
        Modifiers {
            alt: true,
            shift: true,
            ..Modifiers::NONE
        },
    );
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 51.0, 50.0)]);
    key_with(&mut e, "ArrowLeft", Modifiers::ALT);
    key_with(&mut e, "ArrowUp", Modifiers::ALT);
    assert_eq!(rects(&e), vec![rect(10.0, 10.0, 50.0, 49.0)]);
}

#[test]
fn alt_arrows_keep_the_box_at_least_a_pixel_and_inside_the_image() {
    let mut e = editor_with(&[rect(390.0, 10.0, 5.0, 5.0)]);
    for _ in 0..3 {
        key_with(
            &mut e,
            "ArrowRight",
            Modifiers {
                alt: true,
                shift: true,
                ..Modifiers::NONE
            },
        );
        key_with(
            &mut e,
            "ArrowUp",
            Modifiers {
                alt: true,
                shift: true,
                ..Modifiers::NONE
            },
        );
    }
    assert_eq!(rects(&e), vec![rect(390.0, 10.0, 10.0, 1.0)]);
}

#[test]
fn arrow_keys_with_nothing_selected_pan_the_view() {
    let mut e = editor();
    let before = e.view();
    let response = key(&mut e, "ArrowRight");
    assert!(response.consumed && response.repaint && !response.annotations_changed);
    assert!(
        e.view().offset_x < before.offset_x,
        "the image moves left to show more of its right"
    );
}

#[test]
fn ctrl_d_duplicates_the_selected_box_beside_it_and_selects_the_copy() {
    let mut e = editor_with(&[rect(10.0, 10.0, 50.0, 40.0)]);
    click(&mut e, 30.0, 30.0);
    e.set_active_category(2);
    let response = key_with(&mut e, "d", Modifiers::CTRL);
    assert!(response.consumed && response.annotations_changed && response.selection_changed);
    assert_eq!(
        rects(&e),
        vec![rect(10.0, 10.0, 50.0, 40.0), rect(22.0, 22.0, 50.0, 40.0)]
    );
    assert_eq!(e.annotations()[1].category_id, 2);
    assert_eq!(e.selected(), Some(e.annotations()[1].id));
}

#[test]
fn a_duplicate_of_a_box_in_the_bottom_right_corner_goes_up_and_left() {
    let mut e = editor_with(&[rect(350.0, 260.0, 50.0, 40.0)]);
    key_with(
        &mut e,
        "D",
        Modifiers {
            meta: true,
            ..Modifiers::NONE
        },
    );
    assert_eq!(rects(&e)[1], rect(338.0, 248.0, 50.0, 40.0));
}

#[test]
fn duplicate_with_nothing_selected_is_left_to_the_browser() {
    let mut e = editor();
    assert!(!key_with(&mut e, "d", Modifiers::CTRL).consumed);
}
