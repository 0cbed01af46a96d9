//! Writing ONNX models from Rust (tract's own protobuf types, encoded with prost), so tests and benchmarks build
//! the models they need instead of downloading weights.
#![allow(dead_code)]

use prost::Message;
use tract_onnx::pb;

/// ONNX element types used here.
pub const FLOAT: i32 = 1;
pub const INT64: i32 = 7;

pub struct GraphBuilder {
    graph: pb::GraphProto,
    metadata: Vec<(String, String)>,
    next: usize,
}

pub enum Attr {
    Int(i64),
    Ints(Vec<i64>),
    Float(f32),
    Str(&'static str),
}

impl Default for GraphBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl GraphBuilder {
    pub fn new() -> Self {
        Self {
            graph: pb::GraphProto {
                name: "test".to_owned(),
                ..Default::default()
            },
            metadata: Vec::new(),
            next: 0,
        }
    }

    fn value_info(name: &str, elem_type: i32, dims: &[Option<i64>]) -> pb::ValueInfoProto {
        use pb::tensor_shape_proto::{dimension::Value, Dimension};
        let dim = dims
            .iter()
            .enumerate()
            .map(|(i, d)| Dimension {
                value: Some(match d {
                    Some(v) => Value::DimValue(*v),
                    None => Value::DimParam(format!("d{i}")),
                }),
                ..Default::default()
            })
            .collect();
        pb::ValueInfoProto {
            name: name.to_owned(),
            r#type: Some(pb::TypeProto {
                value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                    elem_type,
                    shape: Some(pb::TensorShapeProto { dim }),
                })),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// A graph input; `None` dimensions are symbolic.
    pub fn input(&mut self, name: &str, dims: &[Option<i64>]) -> String {
        self.graph.input.push(Self::value_info(name, FLOAT, dims));
        name.to_owned()
    }

    pub fn output(&mut self, name: &str, elem_type: i32, dims: &[Option<i64>]) {
        self.graph
            .output
            .push(Self::value_info(name, elem_type, dims));
    }

    pub fn metadata(&mut self, key: &str, value: &str) {
        self.metadata.push((key.to_owned(), value.to_owned()));
    }

    fn fresh(&mut self, hint: &str) -> String {
        self.next += 1;
        format!("{hint}_{}", self.next)
    }

    pub fn constant_f32(&mut self, dims: &[i64], data: Vec<f32>) -> String {
        let name = self.fresh("const");
        assert_eq!(
            dims.iter().product::<i64>() as usize,
            data.len(),
            "constant {name}"
        );
        self.graph.initializer.push(pb::TensorProto {
            name: name.clone(),
            dims: dims.to_vec(),
            data_type: FLOAT,
            float_data: data,
            ..Default::default()
        });
        name
    }

    pub fn constant_i64(&mut self, dims: &[i64], data: Vec<i64>) -> String {
        let name = self.fresh("const");
        self.graph.initializer.push(pb::TensorProto {
            name: name.clone(),
            dims: dims.to_vec(),
            data_type: INT64,
            int64_data: data,
            ..Default::default()
        });
        name
    }

    /// Adds a node with `outputs` outputs and returns their names.
    pub fn node_n(
        &mut self,
        op: &str,
        inputs: &[&str],
        attrs: Vec<(&str, Attr)>,
        outputs: usize,
    ) -> Vec<String> {
        let names: Vec<String> = (0..outputs)
            .map(|_| self.fresh(&op.to_lowercase()))
            .collect();
        let attribute = attrs
            .into_iter()
            .map(|(name, value)| {
                let mut a = pb::AttributeProto {
                    name: name.to_owned(),
                    ..Default::default()
                };
                match value {
                    Attr::Int(i) => (a.r#type, a.i) = (2, i),
                    Attr::Ints(ints) => (a.r#type, a.ints) = (7, ints),
                    Attr::Float(f) => (a.r#type, a.f) = (1, f),
                    Attr::Str(s) => (a.r#type, a.s) = (3, s.as_bytes().to_vec()),
                }
                a
            })
            .collect();
        let name = self.fresh(op);
        self.graph.node.push(pb::NodeProto {
            op_type: op.to_owned(),
            name,
            input: inputs.iter().map(|s| (*s).to_owned()).collect(),
            output: names.clone(),
            attribute,
            ..Default::default()
        });
        names
    }

    pub fn node(&mut self, op: &str, inputs: &[&str], attrs: Vec<(&str, Attr)>) -> String {
        self.node_n(op, inputs, attrs, 1).remove(0)
    }

    /// Renames the value `from` to the graph output name `to` (an Identity node).
    pub fn name_output(&mut self, from: &str, to: &str) {
        let name = self.fresh("Identity");
        self.graph.node.push(pb::NodeProto {
            op_type: "Identity".to_owned(),
            name,
            input: vec![from.to_owned()],
            output: vec![to.to_owned()],
            ..Default::default()
        });
    }

    /// `value + 0 × mean(input)`: a constant that still depends on the input, as a real model's outputs do.
    pub fn tied_to_input(&mut self, value: &str, input: &str) -> String {
        let mean = self.node("ReduceMean", &[input], vec![("keepdims", Attr::Int(0))]);
        let zero = self.constant_f32(&[], vec![0.0]);
        let nothing = self.node("Mul", &[&mean, &zero], vec![]);
        self.node("Add", &[value, &nothing], vec![])
    }

    pub fn encode(self) -> Vec<u8> {
        pb::ModelProto {
            ir_version: 8,
            opset_import: vec![pb::OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            }],
            producer_name: "crowdbox-prelabel tests".to_owned(),
            graph: Some(self.graph),
            metadata_props: self
                .metadata
                .into_iter()
                .map(|(key, value)| pb::StringStringEntryProto { key, value })
                .collect(),
            ..Default::default()
        }
        .encode_to_vec()
    }
}

/// A model whose one output is the given constant tensor (tied to a `[1, 3, h, w]` input; `None` for a
/// dynamic input size).
pub fn constant_output_model(
    input_size: Option<(i64, i64)>,
    output_dims: &[i64],
    output: Vec<f32>,
    metadata: &[(&str, &str)],
) -> Vec<u8> {
    constant_outputs_model(
        input_size,
        &[("output0", output_dims, FLOAT, output)],
        metadata,
    )
}

/// As [`constant_output_model`] with several outputs: `(name, dims, element type, values)`.
pub fn constant_outputs_model(
    input_size: Option<(i64, i64)>,
    outputs: &[(&str, &[i64], i32, Vec<f32>)],
    metadata: &[(&str, &str)],
) -> Vec<u8> {
    let mut g = GraphBuilder::new();
    let (h, w) = input_size.map_or((None, None), |(h, w)| (Some(h), Some(w)));
    let images = g.input("images", &[Some(1), Some(3), h, w]);
    for (name, dims, elem_type, values) in outputs {
        let constant = g.constant_f32(dims, values.clone());
        let tied = g.tied_to_input(&constant, &images);
        let typed = if *elem_type == INT64 {
            g.node("Cast", &[&tied], vec![("to", Attr::Int(7))])
        } else {
            tied
        };
        g.name_output(&typed, name);
        g.output(
            name,
            *elem_type,
            &dims.iter().map(|d| Some(*d)).collect::<Vec<_>>(),
        );
    }
    for (key, value) in metadata {
        g.metadata(key, value);
    }
    g.encode()
}
