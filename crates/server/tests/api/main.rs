//! The server's integration tests: one binary, one module per area. Every test gets its own temporary SQLite
//! database and image store and drives the real router (or the real `crowdbox` binary).

mod auth;
mod cli;
mod export;
mod helpers;
mod http;
mod idempotency;
mod import;
mod leasing;
mod limits;
mod security;
mod submissions;
mod validation;
