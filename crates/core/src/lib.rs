//! crowdbox-core: everything that is pure logic, shared by the worker app (wasm32) and the server (native).
//!
//! No web, UI or async runtime crates here, so all of it is tested natively with `cargo test`.

pub mod coco;
#[cfg(any(feature = "console", test))]
pub mod console;
pub mod consolidate;
pub mod editor;
pub mod embed;
pub mod formats;
pub mod geometry;
pub mod hit;
pub mod outbox;
pub mod owner;
pub mod quality;
pub mod random;
pub mod review;
pub mod scene;
pub mod strings;
pub mod tiles;
pub mod validate;
pub mod wire;
pub mod worker;
