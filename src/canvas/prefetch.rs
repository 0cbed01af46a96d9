//! The next images of the batch, fetched and decoded ahead while the volunteer works on this one, so that after
//! a submit the next image is drawn at once instead of waiting on the network and the decoder.

use leptos::prelude::*;
use web_sys::HtmlImageElement;

/// How many images are kept ready (VIA preloads 4).
const AHEAD: usize = 4;

/// The images asked for ahead, `(url, image)`, oldest first: made by the worker's page and given to the task
/// view (which asks for the next images) and the canvas (which takes its image from it) through context. Pages
/// without one (the owner console's review) load each image when it is shown.
#[derive(Clone, Copy, Debug)]
pub struct Prefetch(StoredValue<Vec<(String, HtmlImageElement)>, LocalStorage>);

impl Prefetch {
    /// Gives an empty cache to the views built below the current one.
    pub fn provide() {
        provide_context(Self(StoredValue::new_local(Vec::new())));
    }

    /// The page's cache, if it has one.
    pub fn current() -> Option<Self> {
        use_context()
    }

    /// Starts fetching and decoding `urls` (those not already under way); keeps at most [`AHEAD`] besides.
    pub fn ahead<'a>(self, urls: impl IntoIterator<Item = &'a str>) {
        self.0.update_value(|ready| {
            for url in urls.into_iter().take(AHEAD) {
                if ready.iter().any(|(u, _)| u == url) {
                    continue;
                }
                let Ok(image) = HtmlImageElement::new() else {
                    return;
                };
                image.set_decoding("async");
                image.set_src(url);
                // The promise settles when the pixels are decoded, or fails for an image that could not be
                // fetched (the canvas then loads it again itself and reports any error). Its outcome is taken
                // here so a failure is no unhandled rejection; the decoded pixels stay with the element.
                let decoded = wasm_bindgen_futures::JsFuture::from(image.decode());
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = decoded.await;
                });
                ready.push((url.to_owned(), image));
            }
            let excess = ready.len().saturating_sub(AHEAD);
            ready.drain(..excess);
        });
    }

    /// The image for `url` if it was asked for ahead (loaded, or still on its way), taken out of the cache.
    pub fn take(self, url: &str) -> Option<HtmlImageElement> {
        self.0
            .try_update_value(|ready| {
                let index = ready.iter().position(|(u, _)| u == url)?;
                Some(ready.remove(index).1)
            })
            .flatten()
    }
}
