//! crowdbox-prelabel against real tract inference on ONNX models the tests write themselves.

#[path = "../support/onnx_graph.rs"]
mod onnx_graph;

mod loading;
mod models;
mod running;
