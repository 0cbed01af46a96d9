//! Hooks for the browser benchmark (`e2e/bench/paint.mjs`), present only on a page opened with `?bench` in its
//! address: `window.__crowdboxRepaint()` repaints the canvas at once (display list, painting, and the browser
//! finishing the drawing) and returns how long that took in ms; `window.__crowdboxImageDrawn` holds
//! `[url, performance.now()]` of the first paint of each task's image; for a tiled image,
//! `window.__crowdboxTiles` holds `[missing, in flight, decoded bytes cached, tiles drawn]` as of the last paint
//! (missing: the visible tiles of the matching level not loaded yet, so `[0, 0, …]` is a sharp, finished frame;
//! tiles drawn: the `drawImage` calls of that paint, coarser stand-ins included).

use std::cell::{Cell, RefCell};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::clock::page_ms as now;

type Hook = Closure<dyn FnMut() -> f64>;

const REPAINT: &str = "__crowdboxRepaint";
const IMAGE_DRAWN: &str = "__crowdboxImageDrawn";
const TILES: &str = "__crowdboxTiles";

/// One canvas's hooks on a `?bench` page.
pub struct Probe {
    repaint: RefCell<Option<Hook>>,
    /// Whether this canvas's image has been painted (only its first paint is noted).
    image_drawn: Cell<bool>,
}

impl Probe {
    /// A probe when the page was opened with `bench` among its query parameters, else `None`.
    pub fn for_page() -> Option<Self> {
        let bench = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
            .is_some_and(|p| p.has("bench"));
        bench.then(|| Self {
            repaint: RefCell::new(None),
            image_drawn: Cell::new(false),
        })
    }

    /// Puts `window.__crowdboxRepaint` in place; `repaint` paints and flushes (None when there is no canvas).
    pub fn install(&self, mut repaint: impl FnMut() -> Option<()> + 'static) {
        let hook = Hook::new(move || {
            let start = now();
            match repaint() {
                Some(()) => now() - start,
                None => f64::NAN,
            }
        });
        set(REPAINT, hook.as_ref());
        *self.repaint.borrow_mut() = Some(hook);
    }

    /// Takes the repaint hook away again (the canvas is leaving the page).
    pub fn uninstall(&self) {
        if self.repaint.borrow_mut().take().is_some() {
            set(REPAINT, &JsValue::UNDEFINED);
        }
    }

    /// Notes the first paint of this canvas's image, at `url`.
    pub fn image_drawn(&self, url: &str) {
        if !self.image_drawn.replace(true) {
            let pair = js_sys::Array::of2(&JsValue::from_str(url), &JsValue::from_f64(now()));
            set(IMAGE_DRAWN, &pair);
        }
    }

    /// Notes the tiles of the last paint: `missing` visible tiles not loaded, `in_flight` on their way, `bytes`
    /// cached, `drawn` tiles drawn.
    pub fn tiles(&self, missing: usize, in_flight: usize, bytes: usize, drawn: usize) {
        let state = js_sys::Array::of4(
            &JsValue::from_f64(missing as f64),
            &JsValue::from_f64(in_flight as f64),
            &JsValue::from_f64(bytes as f64),
            &JsValue::from_f64(drawn as f64),
        );
        set(TILES, &state);
    }
}

fn set(name: &str, value: &JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &JsValue::from_str(name), value);
    }
}
