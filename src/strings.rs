//! The app's user-visible words that a host may replace, in one place: the English defaults are
//! `crowdbox_core::strings::STRINGS`; an embedding host's `init.strings` replaces them for the page's lifetime.

use std::cell::RefCell;

use crowdbox_core::strings::Words;

thread_local! {
    static WORDS: RefCell<Words> = RefCell::new(Words::default());
}

/// Uses the host's words (already checked: known keys, short texts) instead of the defaults.
pub fn replace(strings: Vec<(String, String)>) {
    WORDS.with(|w| *w.borrow_mut() = Words::new(strings));
}

/// The page's words now (the session is given them when it starts).
pub fn words() -> Words {
    WORDS.with(|w| w.borrow().clone())
}

/// The words for `key`: the host's, else the English default.
pub fn text(key: &'static str) -> String {
    WORDS.with(|w| w.borrow().text(key))
}

/// The words for `key` with each `{name}` replaced by its value (see `crowdbox_core::strings::fill`).
pub fn fill(key: &'static str, values: &[(&str, &str)]) -> String {
    WORDS.with(|w| w.borrow().fill(key, values))
}
