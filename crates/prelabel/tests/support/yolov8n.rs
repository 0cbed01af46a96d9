//! The YOLOv8n architecture (Ultralytics `yolov8n.yaml`: depth 0.33, width 0.25) as an ONNX graph with random
//! weights, exported the way Ultralytics exports it: batch norm folded into the convolutions, SiLU as
//! `x · sigmoid(x)`, the Detect head decoding DFL boxes to `[1, 4 + C, N]` in input pixels. Same layers, shapes
//! and operation count as the real model (3.2 M parameters, 8.7 GFLOPs at 640), so its speed is the real model's.
#![allow(dead_code)]

use crowdbox_core::random::SplitMix;

use super::onnx_graph::{Attr, GraphBuilder, FLOAT};

pub struct YoloBuilder {
    g: GraphBuilder,
    rng: SplitMix,
    pub parameters: usize,
}

impl YoloBuilder {
    /// Uniform in [-1, 1), deterministic for the seed.
    fn random(&mut self) -> f32 {
        (self.rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }

    fn weights(&mut self, dims: &[i64], fan_in: i64) -> String {
        // Uniform with variance 1 / fan_in, so activations neither vanish nor blow up through 60 layers.
        let bound = (3.0 / fan_in as f32).sqrt();
        let count = dims.iter().product::<i64>() as usize;
        self.parameters += count;
        let data = (0..count).map(|_| self.random() * bound).collect();
        self.g.constant_f32(dims, data)
    }

    /// Conv2d + folded BN (+ SiLU).
    fn conv(&mut self, x: &str, c1: i64, c2: i64, k: i64, s: i64, act: bool) -> String {
        let w = self.weights(&[c2, c1, k, k], c1 * k * k);
        let b = self.weights(&[c2], 1000);
        let p = k / 2;
        let y = self.g.node(
            "Conv",
            &[x, &w, &b],
            vec![
                ("kernel_shape", Attr::Ints(vec![k, k])),
                ("strides", Attr::Ints(vec![s, s])),
                ("pads", Attr::Ints(vec![p, p, p, p])),
            ],
        );
        if !act {
            return y;
        }
        let sig = self.g.node("Sigmoid", &[&y], vec![]);
        self.g.node("Mul", &[&y, &sig], vec![])
    }

    fn bottleneck(&mut self, x: &str, c: i64, shortcut: bool) -> String {
        let a = self.conv(x, c, c, 3, 1, true);
        let b = self.conv(&a, c, c, 3, 1, true);
        if shortcut {
            self.g.node("Add", &[x, &b], vec![])
        } else {
            b
        }
    }

    fn concat(&mut self, parts: &[&str], axis: i64) -> String {
        self.g
            .node("Concat", parts, vec![("axis", Attr::Int(axis))])
    }

    fn split(&mut self, x: &str, sizes: &[i64], axis: i64) -> Vec<String> {
        let sizes_name = self.g.constant_i64(&[sizes.len() as i64], sizes.to_vec());
        self.g.node_n(
            "Split",
            &[x, &sizes_name],
            vec![("axis", Attr::Int(axis))],
            sizes.len(),
        )
    }

    fn c2f(&mut self, x: &str, c1: i64, c2: i64, n: usize, shortcut: bool) -> String {
        let c = c2 / 2;
        let y = self.conv(x, c1, 2 * c, 1, 1, true);
        let mut ys = self.split(&y, &[c, c], 1);
        for _ in 0..n {
            let last = ys.last().unwrap().clone();
            let next = self.bottleneck(&last, c, shortcut);
            ys.push(next);
        }
        let refs: Vec<&str> = ys.iter().map(String::as_str).collect();
        let cat = self.concat(&refs, 1);
        self.conv(&cat, (2 + n as i64) * c, c2, 1, 1, true)
    }

    fn sppf(&mut self, x: &str, c1: i64, c2: i64) -> String {
        let c = c1 / 2;
        let a = self.conv(x, c1, c, 1, 1, true);
        let pool = |b: &mut Self, x: &str| {
            b.g.node(
                "MaxPool",
                &[x],
                vec![
                    ("kernel_shape", Attr::Ints(vec![5, 5])),
                    ("strides", Attr::Ints(vec![1, 1])),
                    ("pads", Attr::Ints(vec![2, 2, 2, 2])),
                ],
            )
        };
        let y1 = pool(self, &a);
        let y2 = pool(self, &y1);
        let y3 = pool(self, &y2);
        let cat = self.concat(&[&a, &y1, &y2, &y3], 1);
        self.conv(&cat, 4 * c, c2, 1, 1, true)
    }

    fn upsample(&mut self, x: &str) -> String {
        let scales = self.g.constant_f32(&[4], vec![1.0, 1.0, 2.0, 2.0]);
        self.g.node(
            "Resize",
            &[x, "", &scales],
            vec![("mode", Attr::Str("nearest"))],
        )
    }

    fn reshape(&mut self, x: &str, shape: &[i64]) -> String {
        let shape = self.g.constant_i64(&[shape.len() as i64], shape.to_vec());
        self.g.node("Reshape", &[x, &shape], vec![])
    }
}

/// The model for a fixed `size`×`size` input and `classes` classes (80 for COCO), as ONNX bytes, with the
/// number of parameters.
pub fn yolov8n(size: i64, classes: i64, seed: u64) -> (Vec<u8>, usize) {
    let mut b = YoloBuilder {
        g: GraphBuilder::new(),
        rng: SplitMix(seed),
        parameters: 0,
    };
    let images =
        b.g.input("images", &[Some(1), Some(3), Some(size), Some(size)]);
    // Backbone.
    let x0 = b.conv(&images, 3, 16, 3, 2, true);
    let x1 = b.conv(&x0, 16, 32, 3, 2, true);
    let x2 = b.c2f(&x1, 32, 32, 1, true);
    let x3 = b.conv(&x2, 32, 64, 3, 2, true);
    let p3 = b.c2f(&x3, 64, 64, 2, true);
    let x5 = b.conv(&p3, 64, 128, 3, 2, true);
    let p4 = b.c2f(&x5, 128, 128, 2, true);
    let x7 = b.conv(&p4, 128, 256, 3, 2, true);
    let x8 = b.c2f(&x7, 256, 256, 1, true);
    let p5 = b.sppf(&x8, 256, 256);
    // Neck.
    let up = b.upsample(&p5);
    let cat = b.concat(&[&up, &p4], 1);
    let h12 = b.c2f(&cat, 384, 128, 1, false);
    let up = b.upsample(&h12);
    let cat = b.concat(&[&up, &p3], 1);
    let out3 = b.c2f(&cat, 192, 64, 1, false);
    let down = b.conv(&out3, 64, 64, 3, 2, true);
    let cat = b.concat(&[&down, &h12], 1);
    let out4 = b.c2f(&cat, 192, 128, 1, false);
    let down = b.conv(&out4, 128, 128, 3, 2, true);
    let cat = b.concat(&[&down, &p5], 1);
    let out5 = b.c2f(&cat, 384, 256, 1, false);

    // Detect head: per level, a box branch (4 × 16 DFL bins) and a class branch.
    let reg_max = 16;
    // Ultralytics: c2 = max(16, ch[0] / 4, 4 · reg_max), c3 = max(ch[0], min(C, 100)), with ch[0] = 64 here.
    let c2 = 4 * reg_max;
    let c3 = 64.max(classes.min(100));
    let mut levels = Vec::new();
    let (mut anchors, mut strides) = (Vec::new(), Vec::new());
    for (feature, channels, stride) in [(&out3, 64, 8), (&out4, 128, 16), (&out5, 256, 32)] {
        let a = b.conv(feature, channels, c2, 3, 1, true);
        let a = b.conv(&a, c2, c2, 3, 1, true);
        let boxes = b.conv(&a, c2, 4 * reg_max, 1, 1, false);
        let c = b.conv(feature, channels, c3, 3, 1, true);
        let c = b.conv(&c, c3, c3, 3, 1, true);
        let scores = b.conv(&c, c3, classes, 1, 1, false);
        let cat = b.concat(&[&boxes, &scores], 1);
        levels.push(b.reshape(&cat, &[1, 4 * reg_max + classes, -1]));
        let cells = size / stride;
        for y in 0..cells {
            for x in 0..cells {
                anchors.push((x as f32 + 0.5, y as f32 + 0.5));
                strides.push(stride as f32);
            }
        }
    }
    let n = anchors.len() as i64;
    let refs: Vec<&str> = levels.iter().map(String::as_str).collect();
    let all = b.concat(&refs, 2);
    let parts = b.split(&all, &[4 * reg_max, classes], 1);
    // DFL: softmax over the 16 bins of each side, expectation by a fixed 1×1 convolution with weights 0..15.
    let dfl = b.reshape(&parts[0], &[1, 4, reg_max, n]);
    let dfl = b.g.node(
        "Transpose",
        &[&dfl],
        vec![("perm", Attr::Ints(vec![0, 2, 1, 3]))],
    );
    let dfl = b.g.node("Softmax", &[&dfl], vec![("axis", Attr::Int(1))]);
    let bins = b.g.constant_f32(
        &[1, reg_max, 1, 1],
        (0..reg_max).map(|i| i as f32).collect(),
    );
    let dfl = b.g.node(
        "Conv",
        &[&dfl, &bins],
        vec![("kernel_shape", Attr::Ints(vec![1, 1]))],
    );
    let dist = b.reshape(&dfl, &[1, 4, n]);
    let lt_rb = b.split(&dist, &[2, 2], 1);
    let anchor_points = b.g.constant_f32(
        &[1, 2, n],
        anchors
            .iter()
            .map(|a| a.0)
            .chain(anchors.iter().map(|a| a.1))
            .collect(),
    );
    let x1y1 = b.g.node("Sub", &[&anchor_points, &lt_rb[0]], vec![]);
    let x2y2 = b.g.node("Add", &[&anchor_points, &lt_rb[1]], vec![]);
    let sum = b.g.node("Add", &[&x1y1, &x2y2], vec![]);
    let half = b.g.constant_f32(&[], vec![0.5]);
    let center = b.g.node("Mul", &[&sum, &half], vec![]);
    let wh = b.g.node("Sub", &[&x2y2, &x1y1], vec![]);
    let cxcywh = b.concat(&[&center, &wh], 1);
    let stride_tensor = b.g.constant_f32(&[1, 1, n], strides);
    let dbox = b.g.node("Mul", &[&cxcywh, &stride_tensor], vec![]);
    let cls = b.g.node("Sigmoid", &[&parts[1]], vec![]);
    let out = b.concat(&[&dbox, &cls], 1);
    b.g.name_output(&out, "output0");
    b.g.output("output0", FLOAT, &[Some(1), Some(4 + classes), Some(n)]);
    let parameters = b.parameters;
    (b.g.encode(), parameters)
}
