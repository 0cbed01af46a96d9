//! The app's user-visible words that a host may replace, in one place: the English defaults are
//! `crowdbox_core::strings::STRINGS`. The embedding app gives its [`Wording`] to every view below it through
//! Leptos context and puts the host's `init.strings` in it before the worker's views are built; every other page
//! (a server job, a static site, the owner console) has no wording in context and gets the English defaults.

use crowdbox_core::strings::Words;
use leptos::prelude::*;

/// The page's words, cheap to copy into event handlers: take it with [`Wording::current`] while a view is
/// built (context is not there when a handler runs later). Outside the embedding app there are no replacements (`None`): no stored value is made for them.
#[derive(Clone, Copy, Debug)]
pub struct Wording(Option<StoredValue<Words>>);

impl Wording {
    /// Gives the English defaults to the views built below the current one, to be replaced by [`Self::replace`].
    pub fn provide() -> Self {
        let wording = Self(Some(StoredValue::new(Words::default())));
        provide_context(wording);
        wording
    }

    /// Uses the host's words (already checked: known keys, short texts) instead of the defaults, for the views
    /// built from now on.
    pub fn replace(self, strings: Vec<(String, String)>) {
        if let Some(words) = self.0 {
            words.set_value(Words::new(strings));
        }
    }

    /// The words as they are now (a session is given them when it starts).
    pub fn words(self) -> Words {
        self.0.map(|w| w.get_value()).unwrap_or_default()
    }

    /// The words given by the page being built, else the English defaults.
    pub fn current() -> Self {
        use_context::<Self>().unwrap_or(Self(None))
    }

    /// The words for `key`: the host's, else the English default.
    pub fn text(self, key: &'static str) -> String {
        match self.0 {
            Some(words) => words.with_value(|w| w.text(key)),
            None => Words::default().text(key),
        }
    }

    /// The words for `key` with each `{name}` replaced by its value (see `crowdbox_core::strings::fill`).
    pub fn fill(self, key: &'static str, values: &[(&str, &str)]) -> String {
        match self.0 {
            Some(words) => words.with_value(|w| w.fill(key, values)),
            None => Words::default().fill(key, values),
        }
    }
}
