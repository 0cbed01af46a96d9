//! The painter: the only code that draws on the canvas. It draws a display list ([`DrawCmd`]s, CSS pixels) and
//! knows nothing about boxes; the backing store is devicePixelRatio times the CSS size, so lines stay crisp.

use std::cell::Cell;

use crowdbox_core::scene::{Color, DrawCmd, ScreenRect, Stroke};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};

use super::tiles::TileImage;

/// What the display list's image stands for.
pub enum Picture<'a> {
    /// The whole image, once it has loaded.
    Whole(Option<&'a HtmlImageElement>),
    /// A huge image's tiles, bottom first, each in its own place (the display list's image rect is unused).
    Tiles(&'a [TileImage]),
}

/// The UI font for tags and the readout (the size comes with each command).
const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', sans-serif";
/// Dash pattern for dashed strokes, in CSS pixels.
const DASH_PX: f64 = 5.0;

pub struct Painter {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    css_width: f64,
    css_height: f64,
    /// Device pixels per CSS pixel.
    ratio: f64,
    /// The context's current styles, so 10,000 boxes of a handful of colours do not set (and format, and for
    /// dashes allocate) the same style 10,000 times a frame.
    fill: Cell<Option<Color>>,
    stroke: Cell<Option<(Color, f64, bool)>>,
}

impl Painter {
    /// A painter for `canvas`, or `None` when the browser gives no 2D context.
    pub fn new(canvas: HtmlCanvasElement) -> Option<Self> {
        let ctx = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Painter {
            canvas,
            ctx,
            css_width: 0.0,
            css_height: 0.0,
            ratio: 1.0,
            fill: Cell::new(None),
            stroke: Cell::new(None),
        })
    }

    /// Device pixels per CSS pixel, as last sized.
    pub fn ratio(&self) -> f64 {
        self.ratio
    }

    /// Sizes the backing store to the canvas's CSS size times the device pixel ratio. Resizing clears the
    /// canvas, so it only happens when something changed.
    pub fn resize(&mut self, css_width: f64, css_height: f64, ratio: f64) {
        let ratio = if ratio.is_finite() && ratio > 0.0 {
            ratio
        } else {
            1.0
        };
        if (css_width, css_height, ratio) == (self.css_width, self.css_height, self.ratio) {
            return;
        }
        self.css_width = css_width;
        self.css_height = css_height;
        self.ratio = ratio;
        self.canvas
            .set_width((css_width * ratio).round().max(1.0) as u32);
        self.canvas
            .set_height((css_height * ratio).round().max(1.0) as u32);
    }

    /// Draws `cmds` in order; the picture is drawn where the list has its image, through the CSS
    /// `image_filter` (`none` or empty for none), which touches the image only.
    pub fn paint(&self, cmds: &[DrawCmd], picture: Picture<'_>, image_filter: &str) {
        let ctx = &self.ctx;
        // Resizing the backing store resets the context's state: start from nothing known.
        self.fill.set(None);
        self.stroke.set(None);
        // Draw in CSS pixels: the transform maps them onto device pixels.
        let _ = ctx.set_transform(self.ratio, 0.0, 0.0, self.ratio, 0.0, 0.0);
        let mut index = 0;
        while index < cmds.len() {
            let run = outline_run(&cmds[index..]);
            if run > 1 {
                self.stroke_outlines(&cmds[index..index + run]);
                index += run;
                continue;
            }
            let cmd = &cmds[index];
            index += 1;
            match cmd {
                DrawCmd::Clear { color } => {
                    self.set_fill(*color);
                    ctx.fill_rect(0.0, 0.0, self.css_width, self.css_height);
                }
                DrawCmd::Image { rect } => match picture {
                    Picture::Whole(image) => self.draw_image(rect, image, image_filter),
                    Picture::Tiles(tiles) => self.draw_tiles(rect, tiles, image_filter),
                },
                DrawCmd::Rect { rect, fill, stroke } => {
                    if let Some(fill) = fill {
                        self.set_fill(*fill);
                        ctx.fill_rect(rect.x, rect.y, rect.w, rect.h);
                    }
                    if let Some(stroke) = stroke {
                        self.stroke_rect(rect, stroke);
                    }
                }
                DrawCmd::Line { from, to, stroke } => {
                    for (color, width) in layers(stroke) {
                        let offset = self.crisp_offset(width);
                        self.set_stroke(color, width, stroke.dashed);
                        ctx.begin_path();
                        ctx.move_to(self.snap(from.x) + offset, self.snap(from.y) + offset);
                        ctx.line_to(self.snap(to.x) + offset, self.snap(to.y) + offset);
                        ctx.stroke();
                    }
                }
                DrawCmd::Text {
                    at,
                    text,
                    color,
                    background,
                    size,
                } => self.draw_tag(at.x, at.y, text, *color, *background, *size),
            }
        }
    }

    /// Waits until everything painted so far is really on the canvas (reading one pixel forces the browser to
    /// finish its queued drawing): for timing a repaint in the benchmark page.
    pub fn flush(&self) {
        let _ = self.ctx.get_image_data(0.0, 0.0, 1.0, 1.0);
    }

    fn draw_image(&self, rect: &ScreenRect, image: Option<&HtmlImageElement>, filter: &str) {
        let ctx = &self.ctx;
        let filtered = !filter.is_empty() && filter != "none";
        match image.filter(|img| img.complete() && img.natural_width() > 0) {
            Some(img) => {
                // Zoomed in past 2 screen pixels per image pixel, show the pixels themselves: boxes are drawn
                // to pixel edges, and smoothing would blur them.
                let magnification = rect.w / f64::from(img.natural_width());
                ctx.set_image_smoothing_enabled(magnification < 2.0);
                if filtered {
                    ctx.set_filter(filter);
                }
                let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(
                    img, rect.x, rect.y, rect.w, rect.h,
                );
                if filtered {
                    ctx.set_filter("none");
                }
            }
            None => {
                self.set_fill(Color::rgb(255, 255, 255).with_alpha(0.08));
                ctx.fill_rect(rect.x, rect.y, rect.w, rect.h);
            }
        }
    }

    /// Draws each tile scaled into its place; the placeholder while not even the overview has arrived.
    fn draw_tiles(&self, rect: &ScreenRect, tiles: &[TileImage], filter: &str) {
        if tiles.is_empty() {
            return self.draw_image(rect, None, filter);
        }
        let ctx = &self.ctx;
        let filtered = !filter.is_empty() && filter != "none";
        if filtered {
            ctx.set_filter(filter);
        }
        let mut smoothing = None;
        for tile in tiles {
            // As for the whole image: past 2 screen pixels per pixel, show the pixels themselves.
            let smooth = tile.magnification < 2.0;
            if smoothing != Some(smooth) {
                ctx.set_image_smoothing_enabled(smooth);
                smoothing = Some(smooth);
            }
            let d = &tile.dest;
            let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(
                &tile.image,
                d.x,
                d.y,
                d.w,
                d.h,
            );
        }
        if filtered {
            ctx.set_filter("none");
        }
    }

    /// Strokes a run of plain box outlines (see [`outline_run`]) grouped by colour and width: all the halos
    /// first, then all the lines, setting each style once, so 10,000 boxes of a few labels cost 20,000 calls
    /// into the browser rather than 60,000 (and the lines are never hidden under a later box's halo).
    /// Coordinates are device pixels (whole, or half for odd widths), as crisp as [`Painter::stroke_rect`].
    fn stroke_outlines(&self, cmds: &[DrawCmd]) {
        let ratio = self.ratio;
        let mut halos: Vec<(Color, f64, Vec<[f64; 4]>)> = Vec::new();
        let mut lines: Vec<(Color, f64, Vec<[f64; 4]>)> = Vec::new();
        for cmd in cmds {
            let DrawCmd::Rect {
                rect,
                stroke: Some(stroke),
                ..
            } = cmd
            else {
                continue;
            };
            let x0 = (rect.x * ratio).round();
            let y0 = (rect.y * ratio).round();
            let x1 = ((rect.x + rect.w) * ratio).round();
            let y1 = ((rect.y + rect.h) * ratio).round();
            let halo = stroke.halo.map(|color| (color, stroke.width + 2.0));
            for (groups, layer) in [
                (&mut halos, halo),
                (&mut lines, Some((stroke.color, stroke.width))),
            ] {
                let Some((color, width)) = layer else {
                    continue;
                };
                let device_width = (width * ratio).round().max(1.0);
                let half = device_width as i64 % 2 == 1;
                let rects = match groups
                    .iter()
                    .position(|(c, w, _)| *c == color && *w == device_width)
                {
                    Some(i) => &mut groups[i].2,
                    None => {
                        groups.push((color, device_width, Vec::with_capacity(cmds.len())));
                        &mut groups.last_mut().expect("just pushed").2
                    }
                };
                let offset = if half { 0.5 } else { 0.0 };
                rects.push([x0 + offset, y0 + offset, x1 - x0, y1 - y0]);
            }
        }
        let ctx = &self.ctx;
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        for (color, width, rects) in halos.iter().chain(lines.iter()) {
            self.set_stroke(*color, *width, false);
            for [x, y, w, h] in rects {
                ctx.stroke_rect(*x, *y, *w, *h);
            }
        }
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    }

    fn stroke_rect(&self, rect: &ScreenRect, stroke: &Stroke) {
        let (x0, y0) = (self.snap(rect.x), self.snap(rect.y));
        let (x1, y1) = (self.snap(rect.x + rect.w), self.snap(rect.y + rect.h));
        for (color, width) in layers(stroke) {
            let offset = self.crisp_offset(width);
            self.set_stroke(color, width, stroke.dashed);
            self.ctx
                .stroke_rect(x0 + offset, y0 + offset, x1 - x0, y1 - y0);
        }
    }

    fn set_fill(&self, color: Color) {
        if self.fill.replace(Some(color)) != Some(color) {
            self.ctx.set_fill_style_str(&color.css());
        }
    }

    fn set_stroke(&self, color: Color, width: f64, dashed: bool) {
        let before = self.stroke.replace(Some((color, width, dashed)));
        if before.map(|(c, _, _)| c) != Some(color) {
            self.ctx.set_stroke_style_str(&color.css());
        }
        if before.map(|(_, w, _)| w) != Some(width) {
            self.ctx.set_line_width(width);
        }
        if before.map(|(_, _, d)| d) != Some(dashed) {
            let dash = if dashed {
                js_sys::Array::of2(&DASH_PX.into(), &DASH_PX.into())
            } else {
                js_sys::Array::new()
            };
            let _ = self.ctx.set_line_dash(&JsValue::from(dash));
        }
    }

    fn draw_tag(&self, x: f64, y: f64, text: &str, color: Color, background: Color, size: f64) {
        let ctx = &self.ctx;
        let padding = (size / 4.0).round();
        ctx.set_font(&format!("{size}px {FONT_FAMILY}"));
        ctx.set_text_baseline("top");
        let width = ctx
            .measure_text(text)
            .map_or(size * text.len() as f64 * 0.6, |m| m.width());
        self.set_fill(background);
        ctx.fill_rect(
            self.snap(x),
            self.snap(y),
            width + 2.0 * padding,
            size + 2.0 * padding,
        );
        self.set_fill(color);
        let _ = ctx.fill_text(text, self.snap(x) + padding, self.snap(y) + padding);
    }

    /// Rounds a CSS coordinate to the nearest device pixel edge.
    fn snap(&self, v: f64) -> f64 {
        (v * self.ratio).round() / self.ratio
    }

    /// A line an odd number of device pixels wide is centred on a pixel centre, not an edge, or it blurs.
    fn crisp_offset(&self, width: f64) -> f64 {
        if ((width * self.ratio).round() as i64) % 2 == 1 {
            0.5 / self.ratio
        } else {
            0.0
        }
    }
}

/// How many commands from the start are plain box outlines (no fill, a solid stroke): those can be stroked
/// together.
fn outline_run(cmds: &[DrawCmd]) -> usize {
    cmds.iter()
        .take_while(
            |cmd| matches!(cmd, DrawCmd::Rect { fill: None, stroke: Some(s), .. } if !s.dashed),
        )
        .count()
}

/// The strokes to draw for `stroke`, bottom first: the halo (2 px wider), then the line.
fn layers(stroke: &Stroke) -> impl Iterator<Item = (Color, f64)> {
    let halo = stroke.halo.map(|color| (color, stroke.width + 2.0));
    halo.into_iter()
        .chain(std::iter::once((stroke.color, stroke.width)))
}
