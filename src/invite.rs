//! The volunteer's invite for an invite-only job. The job owner hands out links like `/?job=NAME&invite=TOKEN`;
//! the app sends the token as `Authorization: Bearer <token>` with every request of that job.
//!
//! The token is moved from the address into localStorage (per job) at once, so a reload still works, and the
//! address bar, history and any copied link no longer show it.

/// localStorage key of the invite for `job`.
pub fn storage_key(job: &str) -> String {
    format!("crowdbox.invite.{job}")
}

/// The invite for `job`: from the page address (then remembered and removed from the address) or remembered
/// from an earlier visit.
pub fn invite_for_job(job: &str) -> Option<String> {
    let window = web_sys::window()?;
    let storage = window.local_storage().ok().flatten();
    let from_address = take_invite_from_address(&window);
    if let Some(token) = from_address {
        if let Some(storage) = &storage {
            // When storage is blocked the invite still works for this page; a reload then needs the link again.
            let _ = storage.set_item(&storage_key(job), &token);
        }
        return Some(token);
    }
    storage?
        .get_item(&storage_key(job))
        .ok()
        .flatten()
        .filter(|t| !t.trim().is_empty())
}

/// Reads `invite` from the query string and rewrites the address without it (no reload, no history entry).
fn take_invite_from_address(window: &web_sys::Window) -> Option<String> {
    let location = window.location();
    let params = web_sys::UrlSearchParams::new_with_str(&location.search().ok()?).ok()?;
    let token = params.get("invite")?.trim().to_owned();
    params.delete("invite");
    let query: String = params.to_string().into();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let cleaned = if query.is_empty() {
        format!("{path}{hash}")
    } else {
        format!("{path}?{query}{hash}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&cleaned));
    }
    (!token.is_empty()).then_some(token)
}
