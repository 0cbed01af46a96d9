//! What the app tells the host: the `crowd-bounding-box` answer made from a COCO result, and the app's messages,
//! written as JSON by serde.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;

use super::{CrowdBox, EmbedError, PROTOCOL_VERSION};
use crate::wire::CocoResult;

/// `inputImageProperties` of a `crowd-bounding-box` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ImageProperties {
    pub width: u32,
    pub height: u32,
}

/// The value of a `crowd-bounding-box` answer (what sits under its `name`, e.g. `boundingBox`):
/// `{"boundingBoxes":[{"label":…,"left":…,"top":…,"width":…,"height":…}],"inputImageProperties":{…}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrowdAnswer {
    pub bounding_boxes: Vec<CrowdBox>,
    pub input_image_properties: ImageProperties,
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

impl Serialize for NamedAnswer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&self.name, &self.answer)?;
        map.end()
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
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppMessage {
    /// The app is listening; the host sends `init` now.
    Ready,
    /// The boxes of the task on screen changed (sent at most a few times a second).
    Changed { task_id: u64, answer: NamedAnswer },
    /// The volunteer submitted a task: the answer, and crowdbox's whole submission (a
    /// [`crate::wire::Submission`] as the very JSON that was sent or kept: `submission_id`, the COCO `result`
    /// with unrounded boxes, the `outcome`, and what became of each initial box in `changes`, `verdicts` in
    /// verify mode). `remaining` counts the tasks still to do.
    Submitted {
        task_id: u64,
        answer: NamedAnswer,
        submission: Box<RawValue>,
        remaining: usize,
    },
    /// A host message was refused (or the app could not do what it asked).
    Error {
        code: String,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
}

/// Every app message, with the protocol's version beside its own fields.
#[derive(Serialize)]
struct Versioned<'a> {
    #[serde(flatten)]
    message: &'a AppMessage,
    crowdbox: u32,
}

impl AppMessage {
    pub fn error(code: &str, e: &EmbedError) -> Self {
        Self::Error {
            code: code.to_owned(),
            message: e.message.clone(),
            field: e.field.clone(),
        }
    }

    /// A `submitted` message; `submission_json` is a submission's JSON (as sent to the server or kept).
    pub fn submitted(
        task_id: u64,
        answer: NamedAnswer,
        submission_json: String,
        remaining: usize,
    ) -> Result<Self, EmbedError> {
        let submission = RawValue::from_string(submission_json)
            .map_err(|e| EmbedError::new(format!("The submission is not JSON ({e}).")))?;
        Ok(Self::Submitted {
            task_id,
            answer,
            submission,
            remaining,
        })
    }

    /// The message as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&Versioned {
            message: self,
            crowdbox: PROTOCOL_VERSION,
        })
        .unwrap_or_default()
    }
}
