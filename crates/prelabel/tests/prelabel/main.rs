//! crowdbox-prelabel against real tract inference on ONNX models the tests write themselves.

#[path = "../support/onnx_graph.rs"]
mod onnx_graph;
#[path = "../support/yolov8n.rs"]
mod yolov8n;

mod loading;
mod models;
mod running;
