//! The app's user-visible words that a host may replace, in one place: the English defaults are
//! `crowdbox_core::strings::STRINGS`; an embedding host's `init.strings` replaces them for the page's lifetime.

use std::cell::RefCell;

thread_local! {
    static REPLACED: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

/// Uses the host's words (already checked: known keys, short texts) instead of the defaults.
pub fn replace(strings: Vec<(String, String)>) {
    REPLACED.with(|r| *r.borrow_mut() = strings);
}

/// The words for `key`: the host's, else the English default.
pub fn text(key: &'static str) -> String {
    REPLACED
        .with(|r| {
            r.borrow()
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
        .unwrap_or_else(|| {
            crowdbox_core::strings::default_text(key)
                .unwrap_or(key)
                .to_owned()
        })
}

/// The words for `key` with each `{name}` replaced by its value (see `crowdbox_core::strings::fill`).
pub fn fill(key: &'static str, values: &[(&str, &str)]) -> String {
    crowdbox_core::strings::fill(&text(key), values)
}
