//! The server's integration tests: one binary, one module per area. Every test gets its own temporary SQLite
//! database and image store and drives the real router (or the real `crowdbox` binary).

mod app_pages;
mod auth;
mod cli;
mod cli_support;
mod export;
mod export_formats;
mod export_images_cli;
mod group_commit;
mod helpers;
mod http;
mod idempotency;
mod image_bombs;
mod image_fixtures;
mod import;
mod import_datasets;
mod job_update_cli;
mod jobs_cli;
mod leasing;
mod limits;
mod malformed;
mod malformed_cases;
mod malformed_cli;
mod migrate;
#[path = "../../../prelabel/tests/support/onnx_graph.rs"]
mod onnx_graph;
mod openapi;
mod outcomes;
mod owner_events;
mod owner_examples;
mod owner_jobs;
mod owner_review;
mod owner_review_exports;
mod owner_review_support;
mod owner_upload;
mod prelabel;
mod prelabel_edges;
mod prelabel_work;
mod quality;
mod quality_redundancy;
mod quality_support;
mod roundtrip;
mod security;
mod stats_cli;
#[path = "../support/storage.rs"]
mod storage;
mod submissions;
mod tiles;
mod upgrade;
mod validation;
