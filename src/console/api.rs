//! The console's calls to the owner API. Every request carries the owner token in `Authorization`, never in a
//! URL: JSON requests with gloo-net, the upload with `XMLHttpRequest` (for its upload progress), the events
//! stream with `fetch` read chunk by chunk (`EventSource` cannot send a header), exports fetched and handed to
//! the browser as a download.

use std::cell::RefCell;
use std::rc::Rc;

use crowdbox_core::console::exports::encode;
use crowdbox_core::console::sse::SseParser;
use crowdbox_core::owner::ProgressEvent;
use crowdbox_core::wire::ErrorBody;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the tab keeps the owner token (session storage: gone when the tab closes, never in a URL).
const TOKEN_KEY: &str = "crowdbox-owner-token";

pub fn stored_token() -> Option<String> {
    session_storage()?
        .get_item(TOKEN_KEY)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

pub fn store_token(token: Option<&str>) {
    if let Some(storage) = session_storage() {
        let _ = match token {
            Some(token) => storage.set_item(TOKEN_KEY, token),
            None => storage.remove_item(TOKEN_KEY),
        };
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// A failed owner request, in words the owner can act on.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerError {
    pub status: Option<u16>,
    pub message: String,
    /// The JSON field the server named as wrong, if one was.
    pub field: Option<String>,
}

impl OwnerError {
    /// The token was refused: the console signs out.
    pub fn is_unauthorized(&self) -> bool {
        self.status == Some(401)
    }
}

impl std::fmt::Display for OwnerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub const WRONG_TOKEN: &str =
    "That owner token is wrong. Use the token `crowdbox serve` printed or \
     keeps in the owner-token file next to the database (or $CROWDBOX_OWNER_TOKEN).";

/// `/api/jobs/{job}` with the name encoded as one path segment.
pub fn job_path(job: &str) -> String {
    format!("/api/jobs/{}", encode(job))
}

fn with_token(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

pub async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, OwnerError> {
    let response = with_token(Request::get(path), token)
        .send()
        .await
        .map_err(unreachable)?;
    decode(response).await
}

/// A JSON body sent with `method` (POST, PATCH).
pub async fn send<B: Serialize, T: DeserializeOwned>(
    token: &str,
    method: &str,
    path: &str,
    body: &B,
) -> Result<T, OwnerError> {
    let builder = match method {
        "PATCH" => Request::patch(path),
        "DELETE" => Request::delete(path),
        _ => Request::post(path),
    };
    let request = with_token(builder, token)
        .json(body)
        .map_err(|e| OwnerError {
            status: None,
            message: format!("The request could not be made ({e})."),
            field: None,
        })?;
    decode(request.send().await.map_err(unreachable)?).await
}

/// `DELETE` without a body, answered without one (204).
pub async fn delete(token: &str, path: &str) -> Result<(), OwnerError> {
    let response = with_token(Request::delete(path), token)
        .send()
        .await
        .map_err(unreachable)?;
    if response.ok() {
        return Ok(());
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    Err(error_from(status, &text))
}

fn unreachable(e: gloo_net::Error) -> OwnerError {
    OwnerError {
        status: None,
        message: format!("The server could not be reached ({e}). Try again."),
        field: None,
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, OwnerError> {
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|e| OwnerError {
            status: Some(status),
            message: format!("The server's answer was not understood ({e})."),
            field: None,
        });
    }
    let text = response.text().await.unwrap_or_default();
    Err(error_from(status, &text))
}

/// The server's error sentence (with the field it names), or one naming the status.
pub fn error_from(status: u16, body: &str) -> OwnerError {
    let mut field = None;
    let message = match serde_json::from_str::<ErrorBody>(body) {
        _ if status == 401 => WRONG_TOKEN.to_owned(),
        Ok(ErrorBody { error }) => {
            field.clone_from(&error.field);
            match error.field {
                Some(field) if !error.message.contains(&field) => {
                    format!("{} (field: {field})", error.message)
                }
                _ => error.message,
            }
        }
        Err(_) => format!("The server answered {status}."),
    };
    OwnerError {
        status: Some(status),
        message,
        field,
    }
}

/// Sends `form` to `path` with `XMLHttpRequest`, reporting `(sent, total)` bytes as the upload goes, and calls
/// `done` with the answer's status and text (status 0: the request failed before an answer).
pub fn upload(
    token: &str,
    path: &str,
    form: &web_sys::FormData,
    on_progress: impl Fn(f64, f64) + 'static,
    done: impl FnOnce(u16, String) + 'static,
) -> Result<(), OwnerError> {
    let failed = |e: JsValue| OwnerError {
        status: None,
        message: format!("The upload could not start ({e:?})."),
        field: None,
    };
    let xhr = web_sys::XmlHttpRequest::new().map_err(failed)?;
    xhr.open_with_async("POST", path, true).map_err(failed)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(failed)?;
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() {
                on_progress(e.loaded(), e.total());
            }
        });
    xhr.upload()
        .map_err(failed)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    // The closures live until the request ends; then the last one drops them all.
    let keep: Rc<RefCell<Vec<Box<dyn std::any::Any>>>> =
        Rc::new(RefCell::new(vec![Box::new(progress)]));
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = {
        let xhr = xhr.clone();
        let keep = Rc::clone(&keep);
        let done = Rc::clone(&done);
        move || {
            let status = xhr.status().unwrap_or(0);
            let text = xhr.response_text().ok().flatten().unwrap_or_default();
            if let Some(done) = done.borrow_mut().take() {
                done(status, text);
            }
            let keep = Rc::clone(&keep);
            // Dropped after this call returns, not while the browser is inside one of them.
            wasm_bindgen_futures::spawn_local(async move {
                keep.borrow_mut().clear();
            });
        }
    };
    let finish = Rc::new(finish);
    let on_load = {
        let finish = Rc::clone(&finish);
        Closure::<dyn FnMut()>::new(move || finish())
    };
    let on_error = Closure::<dyn FnMut()>::new(move || finish());
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    keep.borrow_mut().push(Box::new(on_load));
    keep.borrow_mut().push(Box::new(on_error));
    xhr.send_with_opt_form_data(Some(form)).map_err(failed)?;
    Ok(())
}

/// Follows `GET /api/jobs/{job}/events` until `abort` is aborted, calling `on_event` with each `progress`
/// event. The stream is a `fetch` whose body is read as it arrives; when it ends or fails it is opened again
/// after a pause (as `EventSource` would), unless aborted or refused (401, 404).
pub async fn follow_events(
    token: String,
    job: String,
    abort: web_sys::AbortSignal,
    on_event: impl Fn(ProgressEvent) + 'static,
    on_state: impl Fn(bool) + 'static,
) {
    let path = format!("{}/events", job_path(&job));
    loop {
        let result = read_events(&token, &path, &abort, &on_event, &on_state).await;
        on_state(false);
        if abort.aborted() || matches!(result, Err(Some(401 | 404))) {
            return;
        }
        gloo_timers_sleep(3000).await;
        if abort.aborted() {
            return;
        }
    }
}

/// One connection of the stream: `Err(Some(status))` when refused, `Err(None)` when it broke.
async fn read_events(
    token: &str,
    path: &str,
    abort: &web_sys::AbortSignal,
    on_event: &impl Fn(ProgressEvent),
    on_state: &impl Fn(bool),
) -> Result<(), Option<u16>> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(abort));
    let headers = web_sys::Headers::new().map_err(|_| None)?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(|_| None)?;
    headers
        .set("Accept", "text/event-stream")
        .map_err(|_| None)?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(None)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| None)?
        .unchecked_into();
    if !response.ok() {
        return Err(Some(response.status()));
    }
    on_state(true);
    let body = response.body().ok_or(None)?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let decoder = web_sys::TextDecoder::new().map_err(|_| None)?;
    let options = web_sys::TextDecodeOptions::new();
    options.set_stream(true);
    let mut parser = SseParser::default();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| None)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Err(None);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| None)?;
        let bytes: js_sys::Uint8Array = value.unchecked_into();
        let text = decoder
            .decode_with_js_u8_array_and_options(&bytes, &options)
            .map_err(|_| None)?;
        for event in parser.feed(&text) {
            if event.event == "progress" {
                if let Ok(progress) = serde_json::from_str::<ProgressEvent>(&event.data) {
                    on_event(progress);
                }
            }
        }
    }
}

/// Waits `ms` milliseconds.
pub async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Fetches an export with the token and hands it to the browser as a download named `file_name`.
pub async fn download(token: &str, path: &str, file_name: &str) -> Result<(), OwnerError> {
    let response = with_token(Request::get(path), token)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    if !response.ok() {
        let text = response.text().await.unwrap_or_default();
        return Err(error_from(status, &text));
    }
    let bytes = response.binary().await.map_err(unreachable)?;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let failed = |e: JsValue| OwnerError {
        status: None,
        message: format!("The download could not be saved ({e:?})."),
        field: None,
    };
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| failed(JsValue::NULL))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(failed)?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoked once the browser has surely started the download.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
