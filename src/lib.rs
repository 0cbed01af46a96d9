//! crowdbox worker app: a volunteer leases image tasks, draws labelled boxes, and submits each image's result.
//!
//! `main.rs` only mounts [`app::App`]; everything lives here so browser tests (`tests/`) can mount parts of it.
//! Natively this crate is empty: it only makes sense on wasm32, and its web dependencies are wasm32-only.
#![cfg(target_arch = "wasm32")]

pub mod api;
pub mod app;
pub mod clock;
pub mod components;
/// The owner console (`--features console`, its own bundle).
#[cfg(feature = "console")]
pub mod console;
pub mod drafts;
#[cfg(feature = "embed")]
pub mod embed;
pub mod invite;
pub mod outbox_driver;
#[cfg(any(feature = "static-site", feature = "embed"))]
pub mod page_images;
#[cfg(feature = "static-site")]
pub mod static_mode;
pub mod strings;
pub mod work_source;
pub mod worker_id;

mod canvas;
