//! The owner API's bodies (`/api/jobs…` with the owner token): what the server sends and the console reads.
//! With the `openapi` feature each type also describes itself for the server's OpenAPI document.
//!
//! By the part of the API they belong to: jobs (settings, examples, uploads, invites, live progress), the review
//! queue, and statistics.

mod jobs;
mod review;
mod stats;

pub use jobs::*;
pub use review::*;
pub use stats::*;
