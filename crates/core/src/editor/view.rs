//! The view: fitting the image to the canvas, zooming about a point, panning.

use super::{Editor, Outcome, FIT_MARGIN_PX};
use crate::geometry::{ScreenPoint, ViewTransform};

/// How far one + or - press zooms.
const ZOOM_STEP: f64 = 1.25;
/// Wheel delta (CSS pixels) that doubles or halves the zoom; a mouse notch is about 100.
const WHEEL_PX_PER_DOUBLING: f64 = 400.0;
/// The closest zoom: this many CSS pixels per image pixel (unless fitting a tiny image needs more).
const MAX_SCALE: f64 = 32.0;
/// The farthest zoom, as a fraction of the fitted scale.
const MIN_SCALE_OF_FIT: f64 = 0.5;

impl Editor {
    /// Tells the editor the canvas's CSS size. Until the volunteer zooms or pans, the image is refitted to it.
    pub fn set_viewport(&mut self, css_width: f64, css_height: f64) {
        if !(css_width.is_finite() && css_height.is_finite()) {
            return;
        }
        self.viewport = (css_width.max(0.0), css_height.max(0.0));
        if self.view_follows_viewport {
            self.view = self.fitted_view();
        }
    }

    /// The canvas's CSS size as last set.
    pub fn viewport(&self) -> (f64, f64) {
        self.viewport
    }

    /// The transform between image pixels and the canvas's CSS pixels.
    pub fn view(&self) -> ViewTransform {
        self.view
    }

    fn fitted_view(&self) -> ViewTransform {
        let (w, h) = self.viewport;
        ViewTransform::fit(self.image, w, h, FIT_MARGIN_PX)
    }

    /// Shows the whole image again, and follows the canvas size from now on.
    pub fn fit(&mut self) {
        self.view = self.fitted_view();
        self.view_follows_viewport = true;
    }

    /// Zooms by `factor` keeping the image point under `anchor` in place, within the zoom limits.
    pub fn zoom_about(&mut self, anchor: ScreenPoint, factor: f64) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let fit_scale = self.fitted_view().scale;
        let min = fit_scale * MIN_SCALE_OF_FIT;
        let max = MAX_SCALE.max(fit_scale);
        let scale = (self.view.scale * factor).clamp(min, max);
        self.view = self.view.zoomed_about(anchor, scale / self.view.scale);
        self.view_follows_viewport = false;
    }

    /// Shifts the view by a screen-space delta.
    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.view = self.view.panned(dx, dy);
        self.view_follows_viewport = false;
    }

    pub(crate) fn wheel(&mut self, at: ScreenPoint, delta_y: f64) -> Outcome {
        if !delta_y.is_finite() || delta_y == 0.0 {
            return Outcome::consumed();
        }
        // One event never zooms more than 4× (some devices report whole pages as huge deltas).
        let delta = delta_y.clamp(-800.0, 800.0);
        self.zoom_about(at, (-delta / WHEEL_PX_PER_DOUBLING).exp2());
        self.hover = Some(at);
        Outcome::consumed()
    }

    /// + and -: zoom about the pointer when it is over the canvas, else about the canvas's centre.
    pub(crate) fn zoom_step(&mut self, zoom_in: bool) -> Outcome {
        let anchor = self.hover.unwrap_or(ScreenPoint::new(
            self.viewport.0 / 2.0,
            self.viewport.1 / 2.0,
        ));
        self.zoom_about(anchor, if zoom_in { ZOOM_STEP } else { 1.0 / ZOOM_STEP });
        Outcome::consumed().say(self.zoom_announcement())
    }

    /// "Zoom 150%": CSS pixels per image pixel, as a percentage.
    pub(crate) fn zoom_announcement(&self) -> String {
        format!("Zoom {:.0}%", self.view.scale * 100.0)
    }
}
