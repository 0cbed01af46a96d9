//! The worker app's user-visible English strings that an embedding host may replace (`init.strings`), by key.
//! Kept here, as data, so the protocol's check of a host's strings is tested natively; the app reads them through
//! `src/strings.rs`. So far: the app shell's and embedding mode's own words (the task view's are still in its
//! components).

/// `(key, English default)`.
pub const STRINGS: &[(&str, &str)] = &[
    ("loading_job", "Loading the job…"),
    ("job_failed", "This job could not be loaded"),
    ("job_label", "Job:"),
    ("embed_waiting", "Waiting for the work from the host page…"),
    ("embed_failed", "The work could not be started"),
];

/// The longest replacement accepted.
pub const MAX_STRING_CHARS: usize = 300;

/// The English default of `key`.
pub fn default_text(key: &str) -> Option<&'static str> {
    STRINGS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}
