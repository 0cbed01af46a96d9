//! Image URLs and sizes the page works out itself, for work that does not come from a crowdbox server (a static
//! site's job, a host page's own tasks): URLs resolved against the page, images decoded for their natural size.

use wasm_bindgen_futures::JsFuture;

/// `url` resolved against `base` (both may be relative to the page).
pub fn resolve(url: &str, base: &str) -> Result<String, String> {
    let page = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = web_sys::Url::new_with_base(base, &page)
        .map(|u| u.href())
        .unwrap_or(page);
    web_sys::Url::new_with_base(url, &base)
        .map(|u| u.href())
        .map_err(|_| format!("`{url}` is not a valid URL"))
}

/// Starts loading the image at `url`: the element, and a promise settled when it has loaded or failed.
fn start_loading(url: &str) -> Result<(web_sys::HtmlImageElement, js_sys::Promise), String> {
    let image = web_sys::HtmlImageElement::new().map_err(|_| "no image element".to_owned())?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(url);
    Ok((image, loaded))
}

fn not_an_image(url: &str) -> String {
    format!("The image {url} could not be loaded or is not an image.")
}

/// Decodes the image at `url` and returns its natural size.
pub async fn image_size(url: &str) -> Result<(u32, u32), String> {
    let (image, loaded) = start_loading(url)?;
    JsFuture::from(loaded)
        .await
        .map_err(|_| not_an_image(url))?;
    Ok((image.natural_width(), image.natural_height()))
}

/// The natural sizes of the images at `urls`, loaded at the same time.
pub async fn image_sizes(urls: &[&str]) -> Result<Vec<Result<(u32, u32), String>>, String> {
    let started = urls
        .iter()
        .map(|url| start_loading(url))
        .collect::<Result<Vec<_>, _>>()?;
    let promises: js_sys::Array = started.iter().map(|(_, p)| p.clone()).collect();
    // allSettled never rejects: each image is judged by its own size below.
    let _ = JsFuture::from(js_sys::Promise::all_settled(&promises)).await;
    Ok(started
        .iter()
        .zip(urls)
        .map(|((image, _), url)| match image.natural_width() {
            0 => Err(not_an_image(url)),
            width => Ok((width, image.natural_height())),
        })
        .collect())
}
