//! A huge image's tiles (the task's `tiles`): which ones each frame draws, fetching the missing ones a few at a
//! time, and the decoded ones kept in a cache bounded by bytes. The full image is never fetched or decoded.
//!
//! The choice of tiles is core's ([`plan_draw`]): the level that matches the zoom, coarser tiles stretched under
//! it while it loads. The overview tile (level 0) is fetched first, pinned in the cache, and is what the
//! next-task prefetch fetches ahead ([`overview_url`]).
//!
//! A tile that fails is asked for again later, as core's [`TileRetries`] schedules (backoff, then given up): a
//! timer wakes the layer when the next one is due and repaints, and the repaint fetches the due tiles still in
//! view. Meanwhile the coarser level stays stretched in their place.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crowdbox_core::geometry::ViewTransform;
use crowdbox_core::scene::ScreenRect;
use crowdbox_core::tiles::{
    plan_draw, prefetch_for_next_task, tile_url, TileCache, TileKey, TilePyramid, TileRetries,
    TileRetryPolicy, DEFAULT_TILE_CACHE_BYTES,
};
use leptos::prelude::*;
use web_sys::HtmlImageElement;

use super::surface::{ImageLoad, Surface};
use crate::clock::page_ms;

/// Tiles fetched at once: about the connections a browser opens to one host. More would only queue in the
/// browser, where a tile the volunteer has zoomed away from could no longer be passed over.
const IN_FLIGHT: usize = 6;

const OVERVIEW: TileKey = TileKey::new(0, 0, 0);

/// Where the overview tile of a task's image is: what the prefetch of the next task fetches.
pub fn overview_url(image_url: &str, pyramid: &TilePyramid) -> String {
    let key = prefetch_for_next_task(pyramid)
        .into_iter()
        .next()
        .unwrap_or(OVERVIEW);
    tile_url(image_url, key, pyramid.format)
}

/// One tile to draw: the decoded tile, where it goes (CSS pixels) and how many CSS pixels one of its pixels
/// covers.
pub(super) struct TileImage {
    pub image: HtmlImageElement,
    pub dest: ScreenRect,
    pub magnification: f64,
}

/// The tiles of the image on the canvas.
pub(super) struct TileLayer {
    pyramid: TilePyramid,
    image_url: String,
    /// Decoded tiles, the ones the cache holds. Lists, not maps: a few hundred at most, and a smaller bundle.
    loaded: RefCell<Vec<(TileKey, HtmlImageElement)>>,
    /// Tiles on their way (kept so the element lives until its pixels are decoded).
    loading: RefCell<Vec<(TileKey, HtmlImageElement)>>,
    /// Tiles that could not be fetched, and when each may be asked for again (a coarser one stands in).
    retries: RefCell<TileRetries<TileKey>>,
    /// The timer that wakes the layer when the next failed tile is due, and when.
    retry_timer: RefCell<Option<(f64, TimeoutHandle)>>,
    cache: RefCell<TileCache<TileKey>>,
}

impl TileLayer {
    pub(super) fn new(pyramid: TilePyramid, image_url: &str) -> Self {
        let mut cache = TileCache::new(DEFAULT_TILE_CACHE_BYTES);
        cache.pin(OVERVIEW);
        TileLayer {
            pyramid,
            image_url: image_url.to_owned(),
            loaded: RefCell::new(Vec::new()),
            loading: RefCell::new(Vec::new()),
            retries: RefCell::new(TileRetries::new(TileRetryPolicy::default())),
            retry_timer: RefCell::new(None),
            cache: RefCell::new(cache),
        }
    }

    /// This frame's tiles, bottom first, and the visible tiles of the matching level still to fetch.
    pub(super) fn frame(
        &self,
        view: &ViewTransform,
        canvas: (f64, f64),
        device_pixel_ratio: f64,
    ) -> (Vec<TileImage>, Vec<TileKey>) {
        let loaded = self.loaded.borrow();
        let find = |key: TileKey| loaded.iter().find(|(k, _)| *k == key).map(|(_, i)| i);
        let plan = plan_draw(&self.pyramid, view, canvas, device_pixel_ratio, |k| {
            find(k).is_some()
        });
        let mut cache = self.cache.borrow_mut();
        let draws = plan
            .draws
            .iter()
            .filter_map(|draw| {
                let image = find(draw.key)?;
                cache.touch(&draw.key);
                let (tile_w, _) = self.pyramid.tile_pixel_size(draw.key)?;
                Some(TileImage {
                    image: image.clone(),
                    dest: draw.dest,
                    magnification: draw.dest.w / f64::from(tile_w.max(1)),
                })
            })
            .collect();
        (draws, plan.missing)
    }

    fn wanted(&self, missing: &[TileKey], now_ms: f64) -> Vec<TileKey> {
        let loading = self.loading.borrow();
        let retries = self.retries.borrow();
        let room = IN_FLIGHT.saturating_sub(loading.len());
        missing
            .iter()
            .filter(|k| !loading.iter().any(|(l, _)| l == *k) && retries.may_fetch(**k, now_ms))
            .take(room)
            .copied()
            .collect()
    }

    /// Lets go of every tile (the task is done with): the decoded pixels can be freed at once.
    pub(super) fn clear(&self) {
        self.loaded.borrow_mut().clear();
        self.loading.borrow_mut().clear();
        self.retries.borrow_mut().clear();
        if let Some((_, timer)) = self.retry_timer.borrow_mut().take() {
            timer.clear();
        }
    }

    pub(super) fn image_url(&self) -> &str {
        &self.image_url
    }

    /// `(tiles on their way, decoded bytes held)`, for the benchmark page.
    pub(super) fn stats(&self) -> (usize, usize) {
        (
            self.loading.borrow().len(),
            self.cache.borrow().used_bytes(),
        )
    }
}

impl Surface {
    /// Starts with the overview tile (taken from the prefetch when it was fetched ahead).
    pub(super) fn load_tiles(self: &Rc<Self>) {
        self.fetch_tile(OVERVIEW);
    }

    /// Fetches the frame's missing tiles, nearest the centre first, while fewer than [`IN_FLIGHT`] are on their
    /// way.
    pub(super) fn fetch_tiles(self: &Rc<Self>, missing: &[TileKey]) {
        let Some(layer) = self.tiles.as_ref() else {
            return;
        };
        for key in layer.wanted(missing, page_ms()) {
            self.fetch_tile(key);
        }
    }

    fn fetch_tile(self: &Rc<Self>, key: TileKey) {
        let Some(layer) = self.tiles.as_ref() else {
            return;
        };
        let url = tile_url(&layer.image_url, key, layer.pyramid.format);
        let prefetched = self.prefetched.filter(|_| key == OVERVIEW);
        let image = match prefetched.and_then(|p| p.take(&url)) {
            // Fetched ahead and failed: try once more.
            Some(image) if image.complete() && image.natural_width() == 0 => {
                image.set_src(&url);
                image
            }
            Some(image) => image,
            None => {
                let Ok(image) = HtmlImageElement::new() else {
                    return;
                };
                image.set_decoding("async");
                image.set_src(&url);
                image
            }
        };
        // Settles once the pixels are decoded (off the main thread), so drawing the tile never waits on its
        // decoder; fails for a tile that could not be fetched.
        let decoded = wasm_bindgen_futures::JsFuture::from(image.decode());
        layer.loading.borrow_mut().push((key, image));
        let weak = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let ok = decoded.await.is_ok();
            if let Some(surface) = weak.upgrade() {
                surface.tile_arrived(key, ok);
            }
        });
    }

    fn tile_arrived(self: &Rc<Self>, key: TileKey, ok: bool) {
        let Some(layer) = self.tiles.as_ref() else {
            return;
        };
        let image = {
            let mut loading = layer.loading.borrow_mut();
            let Some(i) = loading.iter().position(|(k, _)| *k == key) else {
                return;
            };
            loading.swap_remove(i).1
        };
        if ok {
            let bytes = layer.pyramid.tile_decoded_bytes(key);
            let evicted = layer.cache.borrow_mut().insert(key, bytes);
            let mut loaded = layer.loaded.borrow_mut();
            loaded.retain(|(k, _)| *k != key && !evicted.contains(k));
            if !evicted.contains(&key) {
                loaded.push((key, image));
            }
            layer.retries.borrow_mut().succeeded(key);
        } else {
            layer.retries.borrow_mut().failed(key, page_ms());
            self.wake_for_retries();
        }
        if key == OVERVIEW {
            if ok {
                self.load.set(ImageLoad::Ready);
            } else if layer.retries.borrow().given_up(OVERVIEW) {
                // Still "Loading" while it is being tried again.
                self.load.set(ImageLoad::Failed);
            }
        }
        self.request_paint();
    }

    /// Sets the timer for the next failed tile that is due (unless one is set for then or sooner).
    fn wake_for_retries(self: &Rc<Self>) {
        let Some(layer) = self.tiles.as_ref() else {
            return;
        };
        let now = page_ms();
        let Some(due) = layer.retries.borrow().next_due_after(now) else {
            return;
        };
        let mut timer = layer.retry_timer.borrow_mut();
        if timer.as_ref().is_some_and(|(at, _)| *at <= due) {
            return;
        }
        if let Some((_, old)) = timer.take() {
            old.clear();
        }
        let weak = Rc::downgrade(self);
        let handle = set_timeout_with_handle(
            move || {
                if let Some(surface) = weak.upgrade() {
                    surface.retry_due();
                }
            },
            Duration::from_millis((due - now).ceil().max(0.0) as u64),
        );
        *timer = handle.ok().map(|h| (due, h));
    }

    /// The timer went off: fetches the overview again if it is due, and repaints, which fetches the due tiles
    /// still in view; then waits for the next one.
    fn retry_due(self: &Rc<Self>) {
        let Some(layer) = self.tiles.as_ref() else {
            return;
        };
        layer.retry_timer.borrow_mut().take();
        let now = page_ms();
        let overview_due = layer.retries.borrow().failures(OVERVIEW) > 0
            && layer.retries.borrow().may_fetch(OVERVIEW, now)
            && !layer.loading.borrow().iter().any(|(k, _)| *k == OVERVIEW);
        if overview_due {
            self.fetch_tile(OVERVIEW);
        }
        self.request_paint();
        self.wake_for_retries();
    }
}
