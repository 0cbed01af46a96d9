//! Scripted-input tests of the editor. The helpers speak image pixels and convert with the editor's own view,
//! like a volunteer who points at things on the picture.

mod changes;
mod editing;
mod fields;
mod history;
mod keyboard;
mod pointer;
mod properties;
mod remap;
mod touch;
mod verify;
mod view;

use super::*;
use crate::geometry::{ImagePoint, ScreenPoint};

pub(crate) fn categories() -> Vec<CocoCategory> {
    ["cat", "dog", "bird"]
        .iter()
        .zip(1..)
        .map(|(name, id)| CocoCategory {
            id,
            name: (*name).to_owned(),
            supercategory: String::new(),
        })
        .collect()
}

/// A 400 × 300 image in a canvas exactly its size plus the fit margin: scale 1, image pixel (x, y) on screen at
/// (x + 12, y + 12).
pub(crate) fn editor() -> Editor {
    let mut e = Editor::new(ImageSize::new(400.0, 300.0), categories());
    e.set_viewport(400.0 + 2.0 * FIT_MARGIN_PX, 300.0 + 2.0 * FIT_MARGIN_PX);
    e
}

/// Where the image pixel (x, y) is on screen now.
pub(crate) fn screen(e: &Editor, x: f64, y: f64) -> ScreenPoint {
    e.view().to_screen(ImagePoint::new(x, y))
}

pub(crate) fn press(e: &mut Editor, x: f64, y: f64) -> Response {
    let at = screen(e, x, y);
    e.handle(Input::PointerDown {
        at,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    })
}

pub(crate) fn move_to(e: &mut Editor, x: f64, y: f64) -> Response {
    let at = screen(e, x, y);
    e.handle(Input::PointerMove {
        at,
        mods: Modifiers::NONE,
    })
}

pub(crate) fn release(e: &mut Editor, x: f64, y: f64) -> Response {
    let at = screen(e, x, y);
    e.handle(Input::PointerUp {
        at,
        button: PointerButton::Primary,
        mods: Modifiers::NONE,
    })
}

/// Press at `from`, move halfway and then to `to`, release there (image pixels); returns the release's response.
pub(crate) fn drag(e: &mut Editor, from: (f64, f64), to: (f64, f64)) -> Response {
    press(e, from.0, from.1);
    move_to(e, (from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
    move_to(e, to.0, to.1);
    release(e, to.0, to.1)
}

pub(crate) fn click(e: &mut Editor, x: f64, y: f64) -> Response {
    press(e, x, y);
    release(e, x, y)
}

pub(crate) fn key_with(e: &mut Editor, key: &str, mods: Modifiers) -> Response {
    e.handle(Input::KeyDown {
        key: key.to_owned(),
        mods,
    })
}

pub(crate) fn key(e: &mut Editor, key: &str) -> Response {
    key_with(e, key, Modifiers::NONE)
}

pub(crate) fn rect(x: f64, y: f64, w: f64, h: f64) -> ImageRect {
    ImageRect::new(x, y, w, h)
}

/// The rectangles of all boxes, in drawing order.
pub(crate) fn rects(e: &Editor) -> Vec<ImageRect> {
    e.annotations().iter().map(|a| a.rect).collect()
}

/// An editor with boxes drawn at these rectangles (the last one stays selected).
pub(crate) fn editor_with(boxes: &[ImageRect]) -> Editor {
    let mut e = editor();
    for r in boxes {
        key(&mut e, "Escape"); // so a drag inside the previous box draws rather than moves
        drag(&mut e, (r.x, r.y), (r.right(), r.bottom()));
    }
    assert_eq!(rects(&e), boxes, "setting up the boxes");
    e
}
