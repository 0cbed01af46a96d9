//! What the app tells the host: the `crowd-bounding-box` answer made from a COCO result, and the app's messages
//! as JSON (written by hand: serde's derive costs the worker app more wasm than these few lines).

use super::{CrowdBox, EmbedError, PROTOCOL_VERSION};
use crate::wire::CocoResult;

/// `inputImageProperties` of a `crowd-bounding-box` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageProperties {
    pub width: u32,
    pub height: u32,
}

/// The value of a `crowd-bounding-box` answer (what sits under its `name`, e.g. `boundingBox`).
#[derive(Clone, Debug, PartialEq)]
pub struct CrowdAnswer {
    pub bounding_boxes: Vec<CrowdBox>,
    pub input_image_properties: ImageProperties,
}

impl CrowdAnswer {
    /// `{"boundingBoxes":[{"label":…,"left":…,"top":…,"width":…,"height":…}],"inputImageProperties":{…}}`.
    /// Written by hand: serde's derive costs the worker app more wasm than these few lines.
    pub fn to_json(&self) -> String {
        let boxes: Vec<String> = self
            .bounding_boxes
            .iter()
            .map(|b| {
                format!(
                    r#"{{"label":{},"left":{},"top":{},"width":{},"height":{}}}"#,
                    quoted(&b.label),
                    b.left,
                    b.top,
                    b.width,
                    b.height
                )
            })
            .collect();
        format!(
            r#"{{"boundingBoxes":[{}],"inputImageProperties":{{"width":{},"height":{}}}}}"#,
            boxes.join(","),
            self.input_image_properties.width,
            self.input_image_properties.height
        )
    }
}

/// `text` as a JSON string.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One image's COCO result as a `crowd-bounding-box` answer. Like Ground Truth's, coordinates are whole pixels:
/// each edge is rounded to the nearest pixel, so no edge moves by more than half a pixel.
pub fn crowd_answer(result: &CocoResult) -> Result<CrowdAnswer, EmbedError> {
    let image = result
        .images
        .first()
        .ok_or_else(|| EmbedError::new("The result has no image."))?;
    let mut boxes = Vec::with_capacity(result.annotations.len());
    for a in &result.annotations {
        let label = result
            .categories
            .iter()
            .find(|c| c.id == a.category_id)
            .ok_or_else(|| {
                EmbedError::new(format!("A box has an unknown label id {}.", a.category_id))
            })?;
        let [x, y, w, h] = a.bbox;
        let (left, top) = (x.round(), y.round());
        boxes.push(CrowdBox {
            label: label.name.clone(),
            left,
            top,
            width: (x + w).round() - left,
            height: (y + h).round() - top,
        });
    }
    Ok(CrowdAnswer {
        bounding_boxes: boxes,
        input_image_properties: ImageProperties {
            width: image.width,
            height: image.height,
        },
    })
}

/// `{ <name>: answer }`, the form a `crowd-form` submits.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedAnswer {
    pub name: String,
    pub answer: CrowdAnswer,
}

impl NamedAnswer {
    pub fn to_json(&self) -> String {
        format!("{{{}:{}}}", quoted(&self.name), self.answer.to_json())
    }
}

pub fn named_answer(name: &str, answer: CrowdAnswer) -> NamedAnswer {
    NamedAnswer {
        name: name.to_owned(),
        answer,
    }
}

/// A message to the host page. As JSON ([`AppMessage::to_json`]) each has its `type` (`ready`, `changed`,
/// `submitted`, `error`) and `"crowdbox": 1`.
#[derive(Clone, Debug, PartialEq)]
pub enum AppMessage {
    /// The app is listening; the host sends `init` now.
    Ready,
    /// The boxes of the task on screen changed (sent at most a few times a second).
    Changed { task_id: u64, answer: NamedAnswer },
    /// The volunteer submitted a task: the answer, and crowdbox's whole submission (the JSON of a
    /// [`crate::wire::Submission`]: `submission_id`, the COCO `result` with unrounded boxes, the `outcome`, and
    /// what became of each initial box in `changes`, `verdicts` in verify mode). `remaining` counts the tasks
    /// still to do.
    Submitted {
        task_id: u64,
        answer: NamedAnswer,
        submission_json: String,
        remaining: usize,
    },
    /// A host message was refused (or the app could not do what it asked).
    Error {
        code: String,
        message: String,
        field: Option<String>,
    },
}

impl AppMessage {
    pub fn error(code: &str, e: &EmbedError) -> Self {
        Self::Error {
            code: code.to_owned(),
            message: e.message.clone(),
            field: e.field.clone(),
        }
    }

    /// The message as JSON. Written by hand (the parts are serde's), which keeps the worker app's wasm smaller.
    pub fn to_json(&self) -> String {
        let head = |kind: &str| format!(r#"{{"type":"{kind}","crowdbox":{PROTOCOL_VERSION}"#);
        match self {
            AppMessage::Ready => format!("{}}}", head("ready")),
            AppMessage::Changed { task_id, answer } => format!(
                r#"{},"task_id":{task_id},"answer":{}}}"#,
                head("changed"),
                answer.to_json()
            ),
            AppMessage::Submitted {
                task_id,
                answer,
                submission_json,
                remaining,
            } => format!(
                r#"{},"task_id":{task_id},"answer":{},"submission":{submission_json},"remaining":{remaining}}}"#,
                head("submitted"),
                answer.to_json(),
            ),
            AppMessage::Error {
                code,
                message,
                field,
            } => {
                let field = field
                    .as_deref()
                    .map_or_else(String::new, |f| format!(r#","field":{}"#, quoted(f)));
                format!(
                    r#"{},"code":{},"message":{}{field}}}"#,
                    head("error"),
                    quoted(code),
                    quoted(message)
                )
            }
        }
    }
}
