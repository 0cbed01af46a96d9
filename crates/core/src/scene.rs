//! The display list: what the canvas shows, as drawing commands in screen (CSS pixel) coordinates.
//!
//! The painter in the app draws these in order and knows nothing about boxes or selections, so everything about
//! how the editor looks is decided here and tested natively. Boxes off screen are left out, so the list stays
//! short however many boxes an image has.

use crate::editor::{Annotation, Cursor, Editor};
use crate::geometry::{ImagePoint, ImageRect, ScreenPoint};
use crate::hit::{box_at, Handle};

/// An sRGB colour with alpha in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: f32,
}

impl Color {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b, a: 1.0 }
    }

    pub const fn with_alpha(self, a: f32) -> Self {
        Color { a, ..self }
    }

    /// The CSS colour, e.g. `rgba(230,159,0,1)`.
    pub fn css(&self) -> String {
        format!("rgba({},{},{},{})", self.r, self.g, self.b, self.a)
    }

    /// Black or white, whichever reads better on this colour (by relative luminance).
    pub fn text_on(&self) -> Color {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let luminance = 0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b);
        if luminance > 0.18 {
            BLACK
        } else {
            WHITE
        }
    }
}

pub const BLACK: Color = Color::rgb(0, 0, 0);
pub const WHITE: Color = Color::rgb(255, 255, 255);
/// Behind the image: a neutral dark grey that neither hides dark images nor glares.
pub const BACKGROUND: Color = Color::rgb(0x2b, 0x2b, 0x2b);

/// Label colours: the Okabe–Ito palette, which stays distinguishable with the common colour-vision deficiencies.
/// Its black is left out (boxes need to show on dark photos); labels beyond seven reuse the colours, and their
/// name tags tell them apart.
pub const PALETTE: [Color; 7] = [
    Color::rgb(0xE6, 0x9F, 0x00), // orange
    Color::rgb(0x56, 0xB4, 0xE9), // sky blue
    Color::rgb(0x00, 0x9E, 0x73), // bluish green
    Color::rgb(0xF0, 0xE4, 0x42), // yellow
    Color::rgb(0x00, 0x72, 0xB2), // blue
    Color::rgb(0xD5, 0x5E, 0x00), // vermillion
    Color::rgb(0xCC, 0x79, 0xA7), // reddish purple
];

/// The colour of a label: by its place in the job's list of labels.
pub fn category_color(editor: &Editor, category_id: u64) -> Color {
    let index = editor
        .categories()
        .iter()
        .position(|c| c.id == category_id)
        .unwrap_or(0);
    PALETTE[index % PALETTE.len()]
}

/// A rectangle in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenRect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl ScreenRect {
    fn of(editor: &Editor, r: &ImageRect) -> Self {
        let (x, y, w, h) = editor.view().rect_to_screen(r);
        ScreenRect { x, y, w, h }
    }

    fn overlaps(&self, viewport: (f64, f64)) -> bool {
        self.x <= viewport.0
            && self.y <= viewport.1
            && self.x + self.w >= 0.0
            && self.y + self.h >= 0.0
    }
}

/// How a line or outline is stroked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub color: Color,
    pub width: f64,
    pub dashed: bool,
    /// A darker line drawn first, 2 px wider, so the line shows on light and dark images alike.
    pub halo: Option<Color>,
}

/// One drawing step. The painter draws them in order; all coordinates are CSS pixels.
#[derive(Clone, Debug, PartialEq)]
pub enum DrawCmd {
    /// Fill the whole canvas.
    Clear { color: Color },
    /// Draw the task's image scaled into `rect`.
    Image { rect: ScreenRect },
    Rect {
        rect: ScreenRect,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Line {
        from: ScreenPoint,
        to: ScreenPoint,
        stroke: Stroke,
    },
    /// A short text on a filled tag whose top-left corner is `at`, in the painter's UI font of `size` px.
    Text {
        at: ScreenPoint,
        text: String,
        color: Color,
        background: Color,
        size: f64,
    },
}

const HALO: Color = Color {
    r: 0,
    g: 0,
    b: 0,
    a: 0.55,
};
const BOX_LINE_PX: f64 = 2.0;
const SELECTED_LINE_PX: f64 = 3.0;
const HANDLE_PX: f64 = 8.0;
const TEXT_PX: f64 = 12.0;
/// Approximate advance of one character of the UI font at [`TEXT_PX`], to keep tags on screen.
const CHAR_PX: f64 = 7.0;
const TAG_PADDING_PX: f64 = 3.0;
/// Above this many boxes, unselected boxes are drawn without their dark halo: it doubles the strokes the browser
/// draws, and among thousands of boxes the outlines of the others, not the image, are what a line is seen against.
pub const HALO_BOX_LIMIT: usize = 2000;

/// The display list for the editor as it is now.
pub fn scene(editor: &Editor) -> Vec<DrawCmd> {
    let viewport = editor.viewport();
    let image = ScreenRect::of(editor, &editor.image_size().bounds());
    let mut cmds = vec![
        DrawCmd::Clear { color: BACKGROUND },
        DrawCmd::Image { rect: image },
    ];

    if editor.boxes_hidden() {
        cmds.push(tag(
            ScreenPoint::new(8.0, 8.0),
            "Boxes hidden: press H to show".to_owned(),
            WHITE.with_alpha(0.9),
            viewport,
        ));
    } else {
        push_boxes(editor, &mut cmds, viewport);
    }

    if let Some(band) = editor.rubber_band() {
        let color = category_color(editor, editor.active_category());
        let rect = ScreenRect::of(editor, &band);
        cmds.push(DrawCmd::Rect {
            rect,
            fill: Some(color.with_alpha(0.12)),
            stroke: Some(Stroke {
                color,
                width: BOX_LINE_PX,
                dashed: true,
                halo: Some(HALO),
            }),
        });
    }

    push_guides(editor, &mut cmds, image, viewport);
    cmds
}

fn push_boxes(editor: &Editor, cmds: &mut Vec<DrawCmd>, viewport: (f64, f64)) {
    let selected = editor.selected();
    // The box a click would select gets its name shown (only when no drag is in progress).
    let hovered = match (editor.hover(), editor.cursor()) {
        (Some(at), Cursor::Crosshair) => {
            let tolerance = editor
                .view()
                .screen_len_to_image(crate::editor::CLICK_TOLERANCE_PX);
            box_at(editor.annotations(), editor.view().to_image(at), tolerance)
        }
        _ => None,
    };
    let mut selected_box: Option<&Annotation> = None;
    let halo = (editor.annotations().len() <= HALO_BOX_LIMIT).then_some(HALO);
    for a in editor.annotations() {
        if Some(a.id) == selected {
            selected_box = Some(a); // drawn last, on top of the rest
            continue;
        }
        let rect = ScreenRect::of(editor, &editor.displayed_rect(a));
        if !rect.overlaps(viewport) {
            continue;
        }
        let color = category_color(editor, a.category_id);
        let width = if Some(a.id) == hovered {
            SELECTED_LINE_PX
        } else {
            BOX_LINE_PX
        };
        // In a verify job a rejected box is drawn dashed, so what is still accepted stands out.
        let rejected = editor.is_read_only() && matches!(editor.verdict(a.id), Some((false, _)));
        cmds.push(DrawCmd::Rect {
            rect,
            fill: None,
            stroke: Some(Stroke {
                color,
                width,
                dashed: rejected,
                halo,
            }),
        });
    }
    if let Some(id) = hovered.filter(|id| Some(*id) != selected) {
        if let Some(a) = editor.annotation(id) {
            push_name_tag(editor, cmds, a, viewport);
        }
    }
    if let Some(a) = selected_box {
        let rect = ScreenRect::of(editor, &editor.displayed_rect(a));
        let color = category_color(editor, a.category_id);
        cmds.push(DrawCmd::Rect {
            rect,
            fill: Some(color.with_alpha(0.15)),
            stroke: Some(Stroke {
                color,
                width: SELECTED_LINE_PX,
                dashed: false,
                halo: Some(HALO),
            }),
        });
        let shown = editor.displayed_rect(a);
        for handle in Handle::ALL {
            let at = editor.view().to_screen(handle.position(&shown));
            cmds.push(DrawCmd::Rect {
                rect: ScreenRect {
                    x: at.x - HANDLE_PX / 2.0,
                    y: at.y - HANDLE_PX / 2.0,
                    w: HANDLE_PX,
                    h: HANDLE_PX,
                },
                fill: Some(WHITE),
                stroke: Some(Stroke {
                    color: BLACK,
                    width: 1.0,
                    dashed: false,
                    halo: None,
                }),
            });
        }
        push_name_tag(editor, cmds, a, viewport);
    }
}

/// The label's name on a tag just above the box's top-left corner (inside the box when there is no room).
fn push_name_tag(editor: &Editor, cmds: &mut Vec<DrawCmd>, a: &Annotation, viewport: (f64, f64)) {
    let rect = ScreenRect::of(editor, &editor.displayed_rect(a));
    let tag_h = TEXT_PX + 2.0 * TAG_PADDING_PX;
    let y = if rect.y - tag_h >= 0.0 {
        rect.y - tag_h
    } else {
        rect.y
    };
    let color = category_color(editor, a.category_id);
    cmds.push(tag(
        ScreenPoint::new(rect.x, y),
        editor.category_name(a.category_id),
        color,
        viewport,
    ));
}

fn tag(at: ScreenPoint, text: String, background: Color, viewport: (f64, f64)) -> DrawCmd {
    let width = text.chars().count() as f64 * CHAR_PX + 2.0 * TAG_PADDING_PX;
    let x = at.x.min(viewport.0 - width).max(0.0);
    DrawCmd::Text {
        at: ScreenPoint::new(x, at.y.max(0.0)),
        text,
        color: background.text_on(),
        background,
        size: TEXT_PX,
    }
}

/// Crosshair guide lines across the image through the pointer, and a readout of the image pixel under it (and
/// of the box size while drawing), while a press would draw or a box is being drawn.
fn push_guides(editor: &Editor, cmds: &mut Vec<DrawCmd>, image: ScreenRect, viewport: (f64, f64)) {
    let Some(at) = editor.hover() else { return };
    let drawing = editor.rubber_band();
    if drawing.is_none() && editor.cursor() != Cursor::Crosshair {
        return;
    }
    let size = editor.image_size();
    let p = editor.view().to_image(at);
    let on_image = p.x >= 0.0 && p.y >= 0.0 && p.x <= size.width && p.y <= size.height;
    if !on_image && drawing.is_none() {
        return;
    }
    let guide = Stroke {
        color: WHITE.with_alpha(0.8),
        width: 1.0,
        dashed: true,
        halo: Some(HALO),
    };
    let x = at.x.clamp(image.x, image.x + image.w);
    let y = at.y.clamp(image.y, image.y + image.h);
    cmds.push(DrawCmd::Line {
        from: ScreenPoint::new(image.x, y),
        to: ScreenPoint::new(image.x + image.w, y),
        stroke: guide,
    });
    cmds.push(DrawCmd::Line {
        from: ScreenPoint::new(x, image.y),
        to: ScreenPoint::new(x, image.y + image.h),
        stroke: guide,
    });

    let clamped = ImagePoint::new(p.x.clamp(0.0, size.width), p.y.clamp(0.0, size.height));
    let text = match drawing {
        Some(band) => format!("{:.0} × {:.0} px", band.w, band.h),
        None => format!("x {:.0}, y {:.0}", clamped.x.floor(), clamped.y.floor()),
    };
    let width = text.chars().count() as f64 * CHAR_PX + 2.0 * TAG_PADDING_PX;
    let tag_h = TEXT_PX + 2.0 * TAG_PADDING_PX;
    // Below right of the pointer, flipped to the other side near the canvas's right or bottom edge.
    let tx = if at.x + 16.0 + width > viewport.0 {
        at.x - 16.0 - width
    } else {
        at.x + 16.0
    };
    let ty = if at.y + 16.0 + tag_h > viewport.1 {
        at.y - 16.0 - tag_h
    } else {
        at.y + 16.0
    };
    cmds.push(tag(
        ScreenPoint::new(tx, ty),
        text,
        BLACK.with_alpha(0.75),
        viewport,
    ));
}

#[cfg(test)]
mod tests;
