//! The app's side of the outbox: submissions are written to localStorage before they are sent, sent in the
//! background, and kept until the server stored them (or, if it refused them, until the volunteer decides). The
//! rules and counts are core's [`SyncState`] (tested natively); this module stores it and [`Driver`] does the I/O.

mod run;

use crowdbox_core::worker::SyncState;

pub use run::Driver;

/// The stored outbox. Text that does not parse is moved aside under `<key>.unreadable` (never overwritten
/// unseen), and an empty outbox is used.
pub fn load(storage: &web_sys::Storage, key: &str) -> SyncState {
    let Some(text) = storage.get_item(key).ok().flatten() else {
        return SyncState::default();
    };
    serde_json::from_str(&text).unwrap_or_else(|_| {
        let _ = storage.set_item(&format!("{key}.unreadable"), &text);
        SyncState::default()
    })
}

pub fn save(storage: &web_sys::Storage, key: &str, state: &SyncState) -> Result<(), String> {
    let text = serde_json::to_string(state).map_err(|e| e.to_string())?;
    storage
        .set_item(key, &text)
        .map_err(|_| "the browser's storage is full or blocked".to_owned())
}

#[cfg(test)]
mod tests;
