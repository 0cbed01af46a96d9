//! The volunteer's side of a job, with no browser in it: the session (batch, task on screen, progress, status),
//! the outbox's sync state and counts, the drafts' keys and shape, and the answer built from the editor with the
//! reason it cannot be sent yet.
//!
//! The worker app keeps only the Leptos views, the DOM and the browser's APIs (requests, localStorage, the page
//! clock, random ids): it feeds what happened to [`Session::apply`] as [`Event`]s and shows the result. Like the
//! editor, everything here is tested natively with scripted events (`tests/`).

mod answer;
mod drafts;
mod session;
mod sync;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::wire::ErrorCode;

pub use answer::{answer, box_rows, not_ready, verify_rows, BoxRow, VerifyRow};
pub use drafts::{Draft, DraftBox, DraftKey, DraftStore};
pub use session::{Event, Phase, Session};
pub use sync::{
    outbox_storage_key, outcome_of, task_of, Discarded, DiscardedResult, Refused, SyncCounts,
    SyncState,
};

/// A failed request, in words a volunteer can read.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status when the server answered; `None` when it could not be reached.
    pub status: Option<u16>,
    /// The server's machine-readable code (`ErrorBody.error.code`), when it sent one.
    pub code: Option<ErrorCode>,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
