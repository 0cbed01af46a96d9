//! Which kind of detector a model is, read from its output shapes.
//!
//! Supported (boxes in the model's input pixels, i.e. letterboxed):
//! - **Raw YOLO predictions**, one output, NMS done by crowdbox:
//!   - `[1, 4+C, N]`: YOLOv8 / YOLOv11 (rows `cx, cy, w, h`, then C class scores; no objectness);
//!   - `[1, N, 5+C]`: YOLOv5 / YOLOv7 (`cx, cy, w, h, objectness`, then C class scores; score = objectness ×
//!     class score);
//!   - the other two combinations (`[1, 5+C, N]`, `[1, N, 4+C]`) when the class names say which C it is.
//!
//!   The smaller of the two dimensions is the attributes one. Without class names, attributes first means
//!   no objectness (v8/v11) and attributes last means objectness (v5).
//! - **Already suppressed** (exported with NMS):
//!   - one output `[1, D, 6]`: rows `x1, y1, x2, y2, score, class` (Ultralytics `export(nms=True)`);
//!   - separate outputs: boxes `[1, D, 4]` (`x1, y1, x2, y2`), scores `[1, D]`, classes `[1, D]` and optionally
//!     a count `[1]` or `[1, 1]` of valid rows (TensorRT EfficientNMS-style `num_dets, det_boxes, det_scores,
//!     det_classes`). Classes are told from scores by an integer type, else by a name with "class" or "label".
//!
//! A `[1, D, 6]` output is read as raw one-class v5 predictions only when D is a YOLO anchor count for the input
//! size (strides 8, 16, 32 and optionally 64; 1 or 3 anchors per cell).

use crate::error::{format_shape, format_shapes, PrelabelError};

/// One model output as loading found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputInfo {
    pub name: String,
    /// `None` where the dimension is symbolic (e.g. a dynamic number of detections).
    pub shape: Vec<Option<usize>>,
    pub integer: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputLayout {
    Raw(RawLayout),
    /// One output, rows `x1, y1, x2, y2, score, class`.
    NmsRows,
    /// Output indices of each part.
    NmsSeparate {
        boxes: usize,
        scores: usize,
        classes: usize,
        count: Option<usize>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawLayout {
    /// `[1, attributes, N]` (true) or `[1, N, attributes]` (false).
    pub attributes_first: bool,
    pub objectness: bool,
    pub classes: usize,
    pub anchors: usize,
}

impl OutputLayout {
    /// How many classes the model has, where its shapes tell.
    pub fn class_count(&self) -> Option<usize> {
        match self {
            Self::Raw(raw) => Some(raw.classes),
            Self::NmsRows | Self::NmsSeparate { .. } => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Raw(r) if r.objectness => format!(
                "raw YOLOv5-style predictions ({} classes, with objectness)",
                r.classes
            ),
            Self::Raw(r) => format!("raw YOLOv8/v11-style predictions ({} classes)", r.classes),
            Self::NmsRows => "boxes after NMS (x1, y1, x2, y2, score, class)".to_owned(),
            Self::NmsSeparate { .. } => {
                "boxes after NMS (separate boxes, scores and classes)".to_owned()
            }
        }
    }
}

/// Whether `n` is a YOLO anchor count for a `width`×`height` input.
fn is_anchor_count(n: usize, width: usize, height: usize) -> bool {
    let cells = |strides: &[usize]| {
        strides
            .iter()
            .map(|s| (width / s) * (height / s))
            .sum::<usize>()
    };
    let counts = [cells(&[8, 16, 32]), cells(&[8, 16, 32, 64])];
    counts.iter().any(|&c| n == c || n == 3 * c)
}

/// The layout of a model with these outputs, given its input size and, where known, its number of classes.
pub fn detect_layout(
    outputs: &[OutputInfo],
    input_width: usize,
    input_height: usize,
    known_classes: Option<usize>,
) -> Result<OutputLayout, PrelabelError> {
    let shapes: Vec<Vec<Option<usize>>> = outputs.iter().map(|o| o.shape.clone()).collect();
    let unsupported = |reason: &str| PrelabelError::UnsupportedOutputs {
        shapes: format_shapes(&shapes),
        reason: reason.to_owned(),
    };
    match outputs {
        [] => Err(unsupported("the model has no outputs")),
        [single] => single_output_layout(single, input_width, input_height, known_classes)
            .map_err(|reason| unsupported(&reason)),
        _ => separate_nms_layout(outputs).map_err(|reason| unsupported(&reason)),
    }
}

fn single_output_layout(
    output: &OutputInfo,
    input_width: usize,
    input_height: usize,
    known_classes: Option<usize>,
) -> Result<OutputLayout, String> {
    let [Some(1), a, b] = output.shape[..] else {
        return Err(format!(
            "one output must be [1, 4+C, N], [1, N, 5+C] (raw YOLO) or [1, D, 6] (after NMS), not {}",
            format_shape(&output.shape)
        ));
    };
    // Rows of six after NMS, unless the row count is one of raw YOLO's (a one-class YOLOv5).
    if b == Some(6)
        && known_classes != Some(1)
        && !a.is_some_and(|n| is_anchor_count(n, input_width, input_height))
    {
        return Ok(OutputLayout::NmsRows);
    }
    let (attributes, anchors, attributes_first) = match (a, b) {
        (Some(a), Some(b)) if a < b => (a, Some(b), true),
        (Some(a), Some(b)) => (b, Some(a), false),
        (Some(a), None) => (a, None, true),
        (None, Some(b)) => (b, None, false),
        (None, None) => return Err("both box dimensions are symbolic".to_owned()),
    };
    if attributes < 5 {
        return Err(format!(
            "a box row has {attributes} values; raw YOLO rows have at least 5 (cx, cy, w, h, a class score)"
        ));
    }
    let anchors = anchors.ok_or("the number of raw predictions is symbolic")?;
    let objectness = match known_classes {
        Some(c) if attributes == 4 + c => false,
        Some(c) if attributes == 5 + c => true,
        Some(c) => {
            return Err(format!(
                "a box row has {attributes} values, which is neither 4 + {c} nor 5 + {c} for the {c} class names \
                 given"
            ))
        }
        None => !attributes_first,
    };
    let classes = attributes - if objectness { 5 } else { 4 };
    Ok(OutputLayout::Raw(RawLayout {
        attributes_first,
        objectness,
        classes,
        anchors,
    }))
}

fn separate_nms_layout(outputs: &[OutputInfo]) -> Result<OutputLayout, String> {
    let elements = |o: &OutputInfo| o.shape.iter().try_fold(1usize, |acc, d| d.map(|d| acc * d));
    let is_boxes = |o: &OutputInfo| matches!(o.shape[..], [Some(1), _, Some(4)] | [_, Some(4)]);
    let is_count = |o: &OutputInfo| elements(o) == Some(1);
    let is_per_detection =
        |o: &OutputInfo| matches!(o.shape[..], [Some(1), _] | [_]) && !is_count(o);
    let too_many = || {
        "several outputs must be boxes [1, D, 4], scores [1, D], classes [1, D] and optionally a count [1, 1]"
            .to_owned()
    };
    let mut boxes = None;
    let mut count = None;
    let mut per_detection = Vec::new();
    for (index, output) in outputs.iter().enumerate() {
        if is_boxes(output) && boxes.is_none() {
            boxes = Some(index);
        } else if is_count(output) && count.is_none() {
            count = Some(index);
        } else if is_per_detection(output) {
            per_detection.push(index);
        } else {
            return Err(too_many());
        }
    }
    let boxes = boxes.ok_or_else(too_many)?;
    let [first, second] = per_detection[..] else {
        return Err(too_many());
    };
    let names_classes = |o: &OutputInfo| {
        let name = o.name.to_lowercase();
        name.contains("class") || name.contains("label")
    };
    let (a, b) = (&outputs[first], &outputs[second]);
    let (scores, classes) = if a.integer != b.integer {
        if a.integer {
            (second, first)
        } else {
            (first, second)
        }
    } else if names_classes(a) != names_classes(b) {
        if names_classes(a) {
            (second, first)
        } else {
            (first, second)
        }
    } else {
        // EfficientNMS order: scores before classes.
        (first, second)
    };
    Ok(OutputLayout::NmsSeparate {
        boxes,
        scores,
        classes,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(name: &str, shape: &[Option<usize>], integer: bool) -> OutputInfo {
        OutputInfo {
            name: name.to_owned(),
            shape: shape.to_vec(),
            integer,
        }
    }

    fn raw(shape: &[usize]) -> Vec<OutputInfo> {
        vec![output(
            "output0",
            &shape.iter().map(|&d| Some(d)).collect::<Vec<_>>(),
            false,
        )]
    }

    #[test]
    fn yolov8_output_is_attributes_first_without_objectness() {
        let layout = detect_layout(&raw(&[1, 84, 8400]), 640, 640, None).unwrap();
        assert_eq!(
            layout,
            OutputLayout::Raw(RawLayout {
                attributes_first: true,
                objectness: false,
                classes: 80,
                anchors: 8400
            })
        );
    }

    #[test]
    fn yolov5_output_is_attributes_last_with_objectness() {
        let layout = detect_layout(&raw(&[1, 25200, 85]), 640, 640, None).unwrap();
        assert_eq!(
            layout,
            OutputLayout::Raw(RawLayout {
                attributes_first: false,
                objectness: true,
                classes: 80,
                anchors: 25200
            })
        );
    }

    #[test]
    fn class_names_decide_objectness_where_the_layout_is_unusual() {
        let transposed_v8 = detect_layout(&raw(&[1, 8400, 84]), 640, 640, Some(80)).unwrap();
        assert_eq!(transposed_v8.class_count(), Some(80));
        let v5_first = detect_layout(&raw(&[1, 85, 25200]), 640, 640, Some(80)).unwrap();
        assert!(matches!(
            v5_first,
            OutputLayout::Raw(RawLayout {
                objectness: true,
                classes: 80,
                ..
            })
        ));
    }

    #[test]
    fn class_names_that_fit_neither_layout_are_an_error_naming_the_count() {
        let error = detect_layout(&raw(&[1, 84, 8400]), 640, 640, Some(3))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("[1, 84, 8400]") && error.contains("3 class names"),
            "{error}"
        );
    }

    #[test]
    fn rows_of_six_after_nms_are_told_from_one_class_yolov5_by_the_anchor_count() {
        assert_eq!(
            detect_layout(&raw(&[1, 300, 6]), 640, 640, None).unwrap(),
            OutputLayout::NmsRows
        );
        let symbolic = vec![output("out", &[Some(1), None, Some(6)], false)];
        assert_eq!(
            detect_layout(&symbolic, 640, 640, None).unwrap(),
            OutputLayout::NmsRows
        );
        // 3 × (40² + 20² + 10²) = 6300 at 320.
        let v5 = detect_layout(&raw(&[1, 6300, 6]), 320, 320, None).unwrap();
        assert!(matches!(
            v5,
            OutputLayout::Raw(RawLayout {
                objectness: true,
                classes: 1,
                ..
            })
        ));
    }

    #[test]
    fn separate_nms_outputs_are_found_by_shape_type_and_name() {
        let outputs = vec![
            output("num_dets", &[Some(1), Some(1)], true),
            output("det_boxes", &[Some(1), Some(100), Some(4)], false),
            output("det_scores", &[Some(1), Some(100)], false),
            output("det_classes", &[Some(1), Some(100)], true),
        ];
        assert_eq!(
            detect_layout(&outputs, 640, 640, None).unwrap(),
            OutputLayout::NmsSeparate {
                boxes: 1,
                scores: 2,
                classes: 3,
                count: Some(0)
            }
        );
        let by_name = vec![
            output("labels", &[Some(1), Some(100)], false),
            output("boxes", &[Some(1), Some(100), Some(4)], false),
            output("scores", &[Some(1), Some(100)], false),
        ];
        assert_eq!(
            detect_layout(&by_name, 640, 640, None).unwrap(),
            OutputLayout::NmsSeparate {
                boxes: 1,
                scores: 2,
                classes: 0,
                count: None
            }
        );
    }

    #[test]
    fn unsupported_outputs_are_an_error_naming_their_shapes() {
        for outputs in [
            raw(&[1, 1000]),
            raw(&[1, 3, 80, 80, 85]),
            raw(&[2, 84, 8400]),
            raw(&[1, 4, 8400]),
            vec![
                output("a", &[Some(1), Some(10), Some(4)], false),
                output("b", &[Some(1), Some(10), Some(4)], false),
            ],
        ] {
            let error = detect_layout(&outputs, 640, 640, None)
                .unwrap_err()
                .to_string();
            let shapes =
                format_shapes(&outputs.iter().map(|o| o.shape.clone()).collect::<Vec<_>>());
            assert!(
                error.starts_with("unsupported model outputs") && error.contains(&shapes),
                "{error}"
            );
        }
    }
}
