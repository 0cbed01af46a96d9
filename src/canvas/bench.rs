//! Hooks for the browser benchmark (`e2e/bench/paint.mjs`), present only on a page opened with `?bench` in its
//! address: `window.__crowdboxRepaint()` repaints the canvas at once (display list, painting, and the browser
//! finishing the drawing) and returns how long that took in ms; `window.__crowdboxImageDrawn` holds
//! `[url, performance.now()]` of the first paint of each task's image; for a tiled image,
//! `window.__crowdboxTiles` holds `[missing, in flight, decoded bytes cached, tiles drawn]` as of the last paint
//! (missing: the visible tiles of the matching level not loaded yet, so `[0, 0, …]` is a sharp, finished frame;
//! tiles drawn: the `drawImage` calls of that paint, coarser stand-ins included).

use std::cell::Cell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::clock::page_ms as now;

pub type Hook = Closure<dyn FnMut() -> f64>;

const REPAINT: &str = "__crowdboxRepaint";
const IMAGE_DRAWN: &str = "__crowdboxImageDrawn";
const TILES: &str = "__crowdboxTiles";

thread_local! {
    static ENABLED: Cell<Option<bool>> = const { Cell::new(None) };
    static LAST_DRAWN: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Whether the page was opened with `bench` among its query parameters (checked once).
pub fn enabled() -> bool {
    ENABLED.with(|e| {
        *e.get().get_or_insert_with(|| {
            web_sys::window()
                .and_then(|w| w.location().search().ok())
                .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
                .is_some_and(|p| p.has("bench"))
        })
    })
}

fn set(name: &str, value: &JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &JsValue::from_str(name), value);
    }
}

/// Puts `window.__crowdboxRepaint` in place; `repaint` paints and flushes (None when there is no canvas).
pub fn install(mut repaint: impl FnMut() -> Option<()> + 'static) -> Option<Hook> {
    let hook = Hook::new(move || {
        let start = now();
        match repaint() {
            Some(()) => now() - start,
            None => f64::NAN,
        }
    });
    set(REPAINT, hook.as_ref());
    Some(hook)
}

pub fn uninstall() {
    set(REPAINT, &JsValue::UNDEFINED);
}

/// Notes the first paint of the image at `url`.
pub fn image_drawn(url: &str) {
    let first = LAST_DRAWN.with(|last| {
        let mut last = last.borrow_mut();
        (*last != url).then(|| *last = url.to_owned()).is_some()
    });
    if first {
        let pair = js_sys::Array::of2(&JsValue::from_str(url), &JsValue::from_f64(now()));
        set(IMAGE_DRAWN, &pair);
    }
}

/// Notes the tiles of the last paint: `missing` visible tiles not loaded, `in_flight` on their way, `bytes` cached,
/// `drawn` tiles drawn.
pub fn tiles(missing: usize, in_flight: usize, bytes: usize, drawn: usize) {
    let state = js_sys::Array::of4(
        &JsValue::from_f64(missing as f64),
        &JsValue::from_f64(in_flight as f64),
        &JsValue::from_f64(bytes as f64),
        &JsValue::from_f64(drawn as f64),
    );
    set(TILES, &state);
}
