//! Turning the model's output numbers into scored boxes, for each [`OutputLayout`]. Pure: the detector hands in
//! the output tensors as flat `f32` slices in row-major order.

use crowdbox_core::geometry::ImageRect;

use crate::layout::{OutputLayout, RawLayout};
use crate::nms::nms_per_class;

/// A box in the model's input pixels (letterboxed), by its corners.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputBox {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

impl InputBox {
    pub fn from_center(cx: f64, cy: f64, w: f64, h: f64) -> Self {
        Self {
            x1: cx - w / 2.0,
            y1: cy - h / 2.0,
            x2: cx + w / 2.0,
            y2: cy + h / 2.0,
        }
    }

    pub fn iou(&self, other: &InputBox) -> f64 {
        let rect = |b: &InputBox| ImageRect::new(b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1);
        rect(self).iou(&rect(other))
    }
}

/// One detection before it is mapped back to the image: input-pixel box, score 0–1 and model class index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub input_box: InputBox,
    pub score: f32,
    pub class: usize,
}

/// The thresholds of one run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DecodeOptions {
    /// Boxes scoring below this are dropped (Ultralytics' `conf`).
    pub min_score: f32,
    /// IoU above which a lower-scoring box of the same class is suppressed (Ultralytics' `iou`).
    pub iou_nms: f64,
    /// At most this many boxes per image, highest scores first.
    pub max_detections: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            min_score: 0.25,
            iou_nms: 0.45,
            max_detections: 300,
        }
    }
}

/// The model's outputs as flat slices, in the model's output order.
pub fn decode(
    layout: &OutputLayout,
    outputs: &[&[f32]],
    options: &DecodeOptions,
) -> Vec<Candidate> {
    match layout {
        OutputLayout::Raw(raw) => {
            let candidates = decode_raw(raw, outputs[0], options.min_score);
            nms_per_class(candidates, options.iou_nms, options.max_detections)
        }
        OutputLayout::NmsRows => {
            let rows = outputs[0]
                .chunks_exact(6)
                .map(|r| ([r[0], r[1], r[2], r[3]], r[4], r[5]));
            already_suppressed(rows, options)
        }
        OutputLayout::NmsSeparate {
            boxes,
            scores,
            classes,
            count,
        } => {
            let valid = count
                .and_then(|c| outputs[c].first())
                .map_or(usize::MAX, |&n| n.max(0.0) as usize);
            let rows = outputs[*boxes]
                .chunks_exact(4)
                .zip(outputs[*scores])
                .zip(outputs[*classes])
                .take(valid)
                .map(|((b, &score), &class)| ([b[0], b[1], b[2], b[3]], score, class));
            already_suppressed(rows, options)
        }
    }
}

/// Raw predictions above `min_score`, before NMS.
fn decode_raw(raw: &RawLayout, data: &[f32], min_score: f32) -> Vec<Candidate> {
    let attributes = raw.classes + if raw.objectness { 5 } else { 4 };
    let n = raw.anchors;
    let value = |anchor: usize, attribute: usize| {
        if raw.attributes_first {
            data[attribute * n + anchor]
        } else {
            data[anchor * attributes + attribute]
        }
    };
    let first_class = if raw.objectness { 5 } else { 4 };
    let mut candidates = Vec::new();
    for anchor in 0..n {
        let objectness = if raw.objectness {
            value(anchor, 4)
        } else {
            1.0
        };
        if objectness < min_score {
            continue;
        }
        let (class, class_score) = (0..raw.classes)
            .map(|c| (c, value(anchor, first_class + c)))
            .fold((0, f32::NEG_INFINITY), |best, next| {
                if next.1 > best.1 {
                    next
                } else {
                    best
                }
            });
        let score = objectness * class_score;
        if score.is_nan() || score < min_score {
            continue;
        }
        let [cx, cy, w, h] = [0, 1, 2, 3].map(|a| f64::from(value(anchor, a)));
        candidates.push(Candidate {
            input_box: InputBox::from_center(cx, cy, w, h),
            score,
            class,
        });
    }
    candidates
}

fn already_suppressed(
    rows: impl Iterator<Item = ([f32; 4], f32, f32)>,
    options: &DecodeOptions,
) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = rows
        .filter(|(_, score, class)| {
            *score >= options.min_score && *class >= 0.0 && class.is_finite()
        })
        .map(|(b, score, class)| Candidate {
            input_box: InputBox {
                x1: f64::from(b[0]),
                y1: f64::from(b[1]),
                x2: f64::from(b[2]),
                y2: f64::from(b[3]),
            },
            score,
            class: class.round() as usize,
        })
        .collect();
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    candidates.truncate(options.max_detections);
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes anchors' attribute rows in either order.
    fn raw_tensor(rows: &[Vec<f32>], attributes_first: bool) -> Vec<f32> {
        let attributes = rows[0].len();
        if !attributes_first {
            return rows.concat();
        }
        (0..attributes)
            .flat_map(|a| rows.iter().map(move |r| r[a]))
            .collect()
    }

    fn layout(
        attributes_first: bool,
        objectness: bool,
        classes: usize,
        anchors: usize,
    ) -> OutputLayout {
        OutputLayout::Raw(RawLayout {
            attributes_first,
            objectness,
            classes,
            anchors,
        })
    }

    #[test]
    fn raw_v8_rows_decode_to_corner_boxes_with_the_best_class() {
        let rows = vec![
            vec![50.0, 60.0, 20.0, 10.0, 0.1, 0.8],
            vec![200.0, 200.0, 30.0, 30.0, 0.05, 0.1], // below min_score
        ];
        for attributes_first in [true, false] {
            let data = raw_tensor(&rows, attributes_first);
            let out = decode(
                &layout(attributes_first, false, 2, 2),
                &[&data],
                &DecodeOptions::default(),
            );
            assert_eq!(
                out,
                vec![Candidate {
                    input_box: InputBox {
                        x1: 40.0,
                        y1: 55.0,
                        x2: 60.0,
                        y2: 65.0
                    },
                    score: 0.8,
                    class: 1
                }]
            );
        }
    }

    #[test]
    fn raw_v5_scores_are_objectness_times_class_score() {
        let rows = vec![
            vec![50.0, 50.0, 10.0, 10.0, 0.5, 0.9, 0.2],   // 0.45
            vec![150.0, 50.0, 10.0, 10.0, 0.9, 0.2, 0.25], // 0.225 < 0.25
            vec![250.0, 50.0, 10.0, 10.0, 0.2, 1.0, 1.0],  // objectness alone below
        ];
        let data = raw_tensor(&rows, false);
        let out = decode(
            &layout(false, true, 2, 3),
            &[&data],
            &DecodeOptions::default(),
        );
        assert_eq!(out.len(), 1);
        assert!((out[0].score - 0.45).abs() < 1e-6 && out[0].class == 0);
    }

    #[test]
    fn raw_predictions_go_through_per_class_nms() {
        let rows = vec![
            vec![50.0, 50.0, 20.0, 20.0, 0.9, 0.0],
            vec![51.0, 50.0, 20.0, 20.0, 0.7, 0.0], // same class, overlapping: suppressed
            vec![51.0, 50.0, 20.0, 20.0, 0.0, 0.6], // other class: kept
        ];
        let data = raw_tensor(&rows, true);
        let out = decode(
            &layout(true, false, 2, 3),
            &[&data],
            &DecodeOptions::default(),
        );
        let kept: Vec<(f32, usize)> = out.iter().map(|c| (c.score, c.class)).collect();
        assert_eq!(kept, vec![(0.9, 0), (0.6, 1)]);
    }

    #[test]
    fn nms_rows_keep_their_boxes_and_drop_low_scores() {
        let data = [
            10.0, 20.0, 30.0, 40.0, 0.9, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 5.0, 5.0,
            0.3, 0.0,
        ];
        let out = decode(&OutputLayout::NmsRows, &[&data], &DecodeOptions::default());
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].input_box,
            InputBox {
                x1: 10.0,
                y1: 20.0,
                x2: 30.0,
                y2: 40.0
            }
        );
        assert_eq!((out[0].class, out[1].class), (2, 0));
    }

    #[test]
    fn separate_nms_outputs_stop_at_the_count_of_valid_rows() {
        let count = [1.0];
        let boxes = [0.0, 0.0, 10.0, 10.0, 5.0, 5.0, 20.0, 20.0];
        let scores = [0.8, 0.9];
        let classes = [3.0, 1.0];
        let layout = OutputLayout::NmsSeparate {
            boxes: 1,
            scores: 2,
            classes: 3,
            count: Some(0),
        };
        let out = decode(
            &layout,
            &[&count, &boxes, &scores, &classes],
            &DecodeOptions::default(),
        );
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].score, out[0].class), (0.8, 3));
    }

    #[test]
    fn nan_scores_are_dropped() {
        let rows = vec![vec![50.0, 50.0, 10.0, 10.0, f32::NAN]];
        let data = raw_tensor(&rows, true);
        assert!(decode(
            &layout(true, false, 1, 1),
            &[&data],
            &DecodeOptions::default()
        )
        .is_empty());
    }
}
