//! The next images of the batch, fetched and decoded ahead while the volunteer works on this one, so that after
//! a submit the next image is drawn at once instead of waiting on the network and the decoder.

use std::cell::RefCell;

use web_sys::HtmlImageElement;

/// How many images are kept ready (VIA preloads 4).
const AHEAD: usize = 4;

thread_local! {
    /// `(url, image)` for images asked for ahead, oldest first.
    static READY: RefCell<Vec<(String, HtmlImageElement)>> = const { RefCell::new(Vec::new()) };
}

/// Starts fetching and decoding `urls` (those not already under way); keeps at most [`AHEAD`] besides.
pub fn prefetch<'a>(urls: impl IntoIterator<Item = &'a str>) {
    READY.with(|ready| {
        let mut ready = ready.borrow_mut();
        for url in urls.into_iter().take(AHEAD) {
            if ready.iter().any(|(u, _)| u == url) {
                continue;
            }
            let Ok(image) = HtmlImageElement::new() else {
                return;
            };
            image.set_decoding("async");
            image.set_src(url);
            // The promise settles when the pixels are decoded, or fails for an image that could not be fetched
            // (the canvas then loads it again itself and reports any error). Its outcome is taken here so a
            // failure is no unhandled rejection; the decoded pixels stay with the element.
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
pub fn take(url: &str) -> Option<HtmlImageElement> {
    READY.with(|ready| {
        let mut ready = ready.borrow_mut();
        let index = ready.iter().position(|(u, _)| u == url)?;
        Some(ready.remove(index).1)
    })
}
