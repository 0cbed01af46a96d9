use super::*;
use crate::coco::CocoCategory;
use crate::editor::{Input, Modifiers, PointerButton, FIT_MARGIN_PX};
use crate::geometry::ImageSize;

fn editor() -> Editor {
    let categories = ["cat", "dog"]
        .iter()
        .zip(1..)
        .map(|(name, id)| CocoCategory {
            id,
            name: (*name).to_owned(),
            supercategory: String::new(),
        })
        .collect();
    let mut e = Editor::new(ImageSize::new(400.0, 300.0), categories);
    e.set_viewport(400.0 + 2.0 * FIT_MARGIN_PX, 300.0 + 2.0 * FIT_MARGIN_PX);
    e
}

fn at(e: &Editor, x: f64, y: f64) -> ScreenPoint {
    e.view().to_screen(ImagePoint::new(x, y))
}

fn drag(e: &mut Editor, from: (f64, f64), to: (f64, f64)) {
    let (a, b) = (at(e, from.0, from.1), at(e, to.0, to.1));
    e.handle(Input::PointerDown {
        at: a,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerMove {
        at: b,
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerUp {
        at: b,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
}

fn hover(e: &mut Editor, x: f64, y: f64) {
    let p = at(e, x, y);
    e.handle(Input::PointerMove {
        at: p,
        mods: Modifiers::NONE,
    });
}

/// The outlined rectangles (boxes and rubber band, not handles), as (rect, stroke).
fn outlines(cmds: &[DrawCmd]) -> Vec<(ScreenRect, Stroke)> {
    cmds.iter()
        .filter_map(|c| match c {
            DrawCmd::Rect {
                rect,
                stroke: Some(stroke),
                ..
            } if stroke.halo.is_some() => Some((*rect, *stroke)),
            _ => None,
        })
        .collect()
}

fn texts(cmds: &[DrawCmd]) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            DrawCmd::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_scene_starts_with_the_background_and_the_image_where_the_view_puts_it() {
    let cmds = scene(&editor());
    assert_eq!(cmds[0], DrawCmd::Clear { color: BACKGROUND });
    assert_eq!(
        cmds[1],
        DrawCmd::Image {
            rect: ScreenRect {
                x: 12.0,
                y: 12.0,
                w: 400.0,
                h: 300.0
            }
        }
    );
    assert_eq!(cmds.len(), 2, "no boxes and no pointer: nothing else");
}

#[test]
fn boxes_get_their_labels_colour_and_the_selected_one_is_drawn_last_thicker_with_eight_handles() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    e.select(None);
    e.set_active_category(2);
    drag(&mut e, (100.0, 100.0), (150.0, 150.0));
    e.select(Some(1));
    e.handle(Input::PointerLeave);
    let cmds = scene(&e);
    let boxes = outlines(&cmds);
    assert_eq!(boxes.len(), 2);
    assert_eq!(
        boxes[0].0,
        ScreenRect {
            x: 112.0,
            y: 112.0,
            w: 50.0,
            h: 50.0
        }
    );
    assert_eq!((boxes[0].1.color, boxes[0].1.width), (PALETTE[1], 2.0));
    assert_eq!(
        boxes[1].0,
        ScreenRect {
            x: 22.0,
            y: 22.0,
            w: 50.0,
            h: 50.0
        }
    );
    assert_eq!((boxes[1].1.color, boxes[1].1.width), (PALETTE[0], 3.0));
    let handles = cmds
        .iter()
        .filter(|c| {
            matches!(
                c,
                DrawCmd::Rect {
                    fill: Some(WHITE),
                    ..
                }
            )
        })
        .count();
    assert_eq!(handles, 8);
    assert_eq!(texts(&cmds), vec!["cat"]);
}

#[test]
fn the_rubber_band_is_dashed_in_the_active_labels_colour_with_a_size_readout() {
    let mut e = editor();
    e.set_active_category(2);
    let (a, b) = (at(&e, 10.0, 20.0), at(&e, 110.0, 70.0));
    e.handle(Input::PointerDown {
        at: a,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerMove {
        at: b,
        mods: Modifiers::NONE,
    });
    let cmds = scene(&e);
    let band = outlines(&cmds);
    assert_eq!(band.len(), 1);
    assert_eq!(
        band[0].0,
        ScreenRect {
            x: 22.0,
            y: 32.0,
            w: 100.0,
            h: 50.0
        }
    );
    assert!(band[0].1.dashed);
    assert_eq!(band[0].1.color, PALETTE[1]);
    assert_eq!(texts(&cmds), vec!["100 × 50 px"]);
    let lines = cmds
        .iter()
        .filter(|c| matches!(c, DrawCmd::Line { .. }))
        .count();
    assert_eq!(lines, 2, "crosshair guides while drawing");
}

#[test]
fn hovering_over_the_image_shows_guides_through_the_pointer_and_the_pixel_under_it() {
    let mut e = editor();
    hover(&mut e, 123.6, 45.2);
    let cmds = scene(&e);
    let lines: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Line { from, to, .. } => Some((*from, *to)),
            _ => None,
        })
        .collect();
    let p = at(&e, 123.6, 45.2);
    assert_eq!(
        lines,
        vec![
            (ScreenPoint::new(12.0, p.y), ScreenPoint::new(412.0, p.y)),
            (ScreenPoint::new(p.x, 12.0), ScreenPoint::new(p.x, 312.0)),
        ]
    );
    assert_eq!(texts(&cmds), vec!["x 123, y 45"]);
}

#[test]
fn no_guides_outside_the_image_or_over_the_selected_box() {
    let mut e = editor();
    hover(&mut e, -5.0, 10.0);
    assert!(!scene(&e).iter().any(|c| matches!(c, DrawCmd::Line { .. })));
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    hover(&mut e, 30.0, 30.0);
    assert!(
        !scene(&e).iter().any(|c| matches!(c, DrawCmd::Line { .. })),
        "over the selected box a drag moves"
    );
}

#[test]
fn hovering_an_unselected_box_thickens_it_and_names_its_label() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    e.select(None);
    hover(&mut e, 30.0, 30.0);
    let cmds = scene(&e);
    assert_eq!(outlines(&cmds)[0].1.width, 3.0);
    assert!(texts(&cmds).contains(&"cat".to_owned()));
}

#[test]
fn boxes_off_screen_are_left_out() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (30.0, 30.0));
    drag(&mut e, (300.0, 200.0), (350.0, 250.0));
    e.select(None);
    e.zoom_about(at(&e, 0.0, 0.0), 8.0);
    assert_eq!(outlines(&scene(&e)).len(), 1);
}

#[test]
fn hidden_boxes_are_not_drawn_and_a_notice_says_how_to_show_them() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    e.handle(Input::KeyDown {
        key: "h".into(),
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerLeave);
    let cmds = scene(&e);
    assert!(outlines(&cmds).is_empty());
    assert_eq!(texts(&cmds), vec!["Boxes hidden: press H to show"]);
}

#[test]
fn a_moving_box_is_drawn_where_it_is_dragged() {
    let mut e = editor();
    drag(&mut e, (10.0, 10.0), (60.0, 60.0));
    let (a, b) = (at(&e, 30.0, 30.0), at(&e, 130.0, 30.0));
    e.handle(Input::PointerDown {
        at: a,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    });
    e.handle(Input::PointerMove {
        at: b,
        mods: Modifiers::NONE,
    });
    assert_eq!(
        outlines(&scene(&e))[0].0,
        ScreenRect {
            x: 122.0,
            y: 22.0,
            w: 50.0,
            h: 50.0
        }
    );
}

#[test]
fn the_palette_colours_are_distinct_and_tags_use_readable_text() {
    for (i, a) in PALETTE.iter().enumerate() {
        for b in &PALETTE[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(PALETTE[3].text_on(), BLACK, "black on yellow");
    assert_eq!(PALETTE[4].text_on(), WHITE, "white on blue");
    assert_eq!(BLACK.with_alpha(0.75).css(), "rgba(0,0,0,0.75)");
}

#[test]
fn a_rejected_box_of_a_verify_job_is_drawn_dashed_and_an_accepted_one_solid() {
    let mut e = Editor::new(
        crate::geometry::ImageSize::new(400.0, 300.0),
        vec![crate::coco::CocoCategory {
            id: 1,
            name: "cat".into(),
            supercategory: String::new(),
        }],
    );
    e.set_viewport(424.0, 324.0);
    e.load_given_boxes([
        (
            1,
            crate::geometry::ImageRect::new(10.0, 10.0, 40.0, 40.0),
            1,
        ),
        (
            2,
            crate::geometry::ImageRect::new(100.0, 100.0, 40.0, 40.0),
            1,
        ),
    ]);
    e.set_read_only(true);
    e.set_verdict(1, true);
    e.set_verdict(2, false);
    let dashed: Vec<bool> = scene(&e)
        .iter()
        .filter_map(|cmd| match cmd {
            DrawCmd::Rect {
                stroke: Some(stroke),
                ..
            } => Some(stroke.dashed),
            _ => None,
        })
        .collect();
    assert_eq!(dashed, [false, true]);
}

#[test]
fn beyond_the_halo_limit_unselected_boxes_lose_their_halo_and_the_selected_one_keeps_it() {
    let halos = |count: usize| {
        let mut e = editor();
        e.load_boxes((0..count).map(|i| {
            let x = (i % 50) as f64 * 7.0;
            let y = (i / 50) as f64 * 5.0 % 280.0;
            (crate::geometry::ImageRect::new(x, y, 6.0, 4.0), 1)
        }));
        e.select(e.annotations().first().map(|a| a.id));
        scene(&e)
            .iter()
            .filter_map(|cmd| match cmd {
                DrawCmd::Rect {
                    stroke: Some(stroke),
                    fill,
                    ..
                } => Some((fill.is_some(), stroke.halo.is_some())),
                _ => None,
            })
            .filter(|(_, halo)| *halo)
            .count()
    };
    assert_eq!(halos(10), 10, "every box has its halo");
    assert_eq!(
        halos(HALO_BOX_LIMIT + 1),
        1,
        "only the selected box keeps its halo"
    );
}
