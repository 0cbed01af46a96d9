//! The embedding protocol: what a host page and the worker app in its iframe say to each other through
//! `postMessage`, checked here so that both the app (wasm32) and tests (native) use the same rules.
//!
//! Host → app ([`HostMessage`]): `init` (labels, tasks, instructions, theme, token, …), `add_tasks`,
//! `set_theme`. App → host ([`AppMessage`]): `ready`, `changed`, `submitted`, `error`. Every app message carries
//! `"crowdbox": 1` so a host can tell them from other messages. The answer in `changed` and `submitted` has the
//! shape of SageMaker Ground Truth's `crowd-bounding-box` ([`CrowdAnswer`]), so a Ground Truth custom template
//! can move over; `submitted` also carries the COCO result and crowdbox's per-box change record.

mod theme;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::coco::{CocoAnnotation, CocoCategory, CocoImage};
use crate::editor::BoxChange;
use crate::wire::{CocoResult, Task, TaskBatch};

pub use theme::{app_variables, check_theme, ThemeVariable, THEME_VARIABLES};

/// The protocol's version, sent as `"crowdbox": 1` in every app message.
pub const PROTOCOL_VERSION: u32 = 1;

/// The answer's key when the host names none (Ground Truth's `name` attribute).
pub const DEFAULT_ANSWER_NAME: &str = "boundingBox";

/// A bad message from the host (or bad embedding setup), with the JSON path of the offending field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedError {
    pub message: String,
    /// E.g. `tasks[1].initial_value[0].label`; `None` when the message as a whole is wrong.
    pub field: Option<String>,
}

impl EmbedError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field: None,
        }
    }

    fn at(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field: Some(field.into()),
        }
    }
}

impl fmt::Display for EmbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) if !field.is_empty() => write!(f, "{} (field: {field})", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// One box in Ground Truth's `crowd-bounding-box` form: natural image pixels, top-left origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrowdBox {
    pub label: String,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// One image for the volunteer to box, as the host gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostTask {
    /// The task's id in the answers (≥ 1); the task's place in the list (1, 2, …) when not given.
    #[serde(default)]
    pub id: Option<u64>,
    /// The image's URL: absolute (`https:`, `http:`, `data:`, `blob:`) or relative to the app.
    pub src: String,
    /// The image's natural size; the app decodes the image to find it when not given.
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// Boxes to start from, like `crowd-bounding-box`'s `initial-value`.
    #[serde(default)]
    pub initial_value: Vec<CrowdBox>,
}

/// The host's first message: everything the app needs to show the work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Init {
    /// Keeps this work's drafts apart from other work's in the browser; with no `tasks`, the server job to
    /// lease tasks from.
    #[serde(default)]
    pub job: Option<String>,
    /// The labels, in display order (COCO category ids 1, 2, …). Required unless tasks come from a server job.
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub tasks: Vec<HostTask>,
    /// One line above the instructions (`crowd-bounding-box`'s `header`).
    #[serde(default)]
    pub header: Option<String>,
    /// Markdown (`<short-instructions>`).
    #[serde(default)]
    pub short_instructions: Option<String>,
    /// Markdown (`<full-instructions>`).
    #[serde(default)]
    pub full_instructions: Option<String>,
    /// The answer's key, like `crowd-bounding-box`'s `name`; `boundingBox` when not given.
    #[serde(default)]
    pub name: Option<String>,
    /// `--cb-*` CSS variables (see [`THEME_VARIABLES`]).
    #[serde(default)]
    pub theme: BTreeMap<String, String>,
    /// Where the crowdbox API is (an origin, optionally with a path), when it is not the app's own origin.
    #[serde(default)]
    pub api_base: Option<String>,
    /// The bearer token (a job invite) sent with every request to the crowdbox server.
    #[serde(default)]
    pub token: Option<String>,
    /// UI strings to replace the English defaults, by key.
    #[serde(default)]
    pub strings: BTreeMap<String, String>,
}

/// A message from the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum HostMessage {
    Init(Box<Init>),
    AddTasks(Vec<HostTask>),
    SetTheme(BTreeMap<String, String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddTasks {
    tasks: Vec<HostTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetTheme {
    theme: BTreeMap<String, String>,
}

/// Reads a message the host posted (as JSON text), naming the field that is wrong. The fields of each message
/// type are checked strictly: a misspelt field (`initialValue`) is an error rather than silently ignored.
pub fn parse_host_message(json: &str) -> Result<HostMessage, EmbedError> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| EmbedError::new(format!("The message is not JSON ({e}).")))?;
    let Value::Object(mut map) = value else {
        return Err(EmbedError::new(
            "A message must be an object with a `type` (init, add_tasks or set_theme).",
        ));
    };
    let kind = match map.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => return Err(EmbedError::at("type", "`type` must be a string.")),
        None => {
            return Err(EmbedError::at(
                "type",
                "The message has no `type` (init, add_tasks or set_theme).",
            ))
        }
    };
    // Hosts may echo the version marker back; it is not part of the fields below.
    map.remove("crowdbox");
    let body = Value::Object(map);
    let message = match kind.as_str() {
        "init" => {
            let init: Init = deserialize(body)?;
            check_init(&init)?;
            HostMessage::Init(Box::new(init))
        }
        "add_tasks" => {
            let AddTasks { tasks } = deserialize(body)?;
            check_tasks(&tasks, "tasks")?;
            HostMessage::AddTasks(tasks)
        }
        "set_theme" => {
            let SetTheme { theme } = deserialize(body)?;
            check_theme(&theme)?;
            HostMessage::SetTheme(theme)
        }
        other => {
            return Err(EmbedError::at(
                "type",
                format!("Unknown message type `{other}` (expected init, add_tasks or set_theme)."),
            ))
        }
    };
    Ok(message)
}

fn deserialize<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, EmbedError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { String::new() } else { path };
        EmbedError {
            message: format!("{}.", error.into_inner()),
            field: (!field.is_empty()).then_some(field),
        }
    })
}

fn check_init(init: &Init) -> Result<(), EmbedError> {
    if init.tasks.is_empty() && init.job.is_none() {
        return Err(EmbedError::at(
            "tasks",
            "`init` needs `tasks` (images to box) or a `job` to lease tasks from.",
        ));
    }
    if !init.tasks.is_empty() && init.labels.is_empty() {
        return Err(EmbedError::at("labels", "`init` names no labels."));
    }
    for (i, label) in init.labels.iter().enumerate() {
        if label.trim().is_empty() {
            return Err(EmbedError::at(format!("labels[{i}]"), "A label is empty."));
        }
        if init.labels[..i].contains(label) {
            return Err(EmbedError::at(
                format!("labels[{i}]"),
                format!("The label `{label}` is given twice."),
            ));
        }
    }
    if let Some(job) = &init.job {
        if job.trim().is_empty() {
            return Err(EmbedError::at("job", "`job` is empty."));
        }
    }
    if let Some(name) = &init.name {
        if name.trim().is_empty() {
            return Err(EmbedError::at("name", "`name` is empty."));
        }
    }
    if let Some(base) = &init.api_base {
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(EmbedError::at(
                "api_base",
                format!("`{base}` is not an http(s) URL."),
            ));
        }
    }
    check_tasks(&init.tasks, "tasks")?;
    check_theme(&init.theme)
}

fn check_tasks(tasks: &[HostTask], path: &str) -> Result<(), EmbedError> {
    for (i, task) in tasks.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        if task.src.trim().is_empty() {
            return Err(EmbedError::at(at("src"), "The image's `src` is empty."));
        }
        let lower = task.src.trim_start().to_ascii_lowercase();
        if lower.starts_with("javascript:") || lower.starts_with("s3://") {
            return Err(EmbedError::at(
                at("src"),
                format!(
                    "`{}` is not an image URL a browser can load (use https:, http:, data: or blob:).",
                    task.src
                ),
            ));
        }
        if task.id == Some(0) {
            return Err(EmbedError::at(at("id"), "Task ids start at 1."));
        }
        if matches!(task.width, Some(0)) || matches!(task.height, Some(0)) {
            return Err(EmbedError::at(
                at("width"),
                "An image size must be above 0.",
            ));
        }
        if task.width.is_some() != task.height.is_some() {
            return Err(EmbedError::at(
                at("width"),
                "Give both `width` and `height`, or neither.",
            ));
        }
        for (j, b) in task.initial_value.iter().enumerate() {
            let finite = [b.left, b.top, b.width, b.height]
                .iter()
                .all(|v| v.is_finite());
            if !finite || b.width <= 0.0 || b.height <= 0.0 {
                return Err(EmbedError::at(
                    format!("{path}[{i}].initial_value[{j}]"),
                    "A box needs finite numbers and a width and height above 0.",
                ));
            }
        }
    }
    Ok(())
}

/// The labels as COCO categories, ids from 1 in the given order.
pub fn categories(labels: &[String]) -> Vec<CocoCategory> {
    labels
        .iter()
        .zip(1..)
        .map(|(name, id)| CocoCategory {
            id,
            name: name.clone(),
            supercategory: String::new(),
        })
        .collect()
}

/// The host's tasks as crowdbox tasks. `sizes[i]` is task `i`'s natural size (the host's, or the decoded
/// image's); `first_id` numbers tasks without an id (tasks already given count). Initial boxes get annotation
/// ids 1, 2, … per task; a label the job does not have is an error naming the box.
pub fn tasks(
    host: &[HostTask],
    sizes: &[(u32, u32)],
    categories: &[CocoCategory],
    first_id: u64,
    path: &str,
) -> Result<Vec<Task>, EmbedError> {
    let mut out: Vec<Task> = Vec::with_capacity(host.len());
    for (i, (task, &(width, height))) in host.iter().zip(sizes).enumerate() {
        let id = task.id.unwrap_or(first_id + i as u64);
        if out.iter().any(|t| t.task_id == id) {
            return Err(EmbedError::at(
                format!("{path}[{i}].id"),
                format!("Two tasks have the id {id}."),
            ));
        }
        let mut initial_annotations = Vec::with_capacity(task.initial_value.len());
        for (j, b) in task.initial_value.iter().enumerate() {
            let category = categories
                .iter()
                .find(|c| c.name == b.label)
                .ok_or_else(|| {
                    EmbedError::at(
                        format!("{path}[{i}].initial_value[{j}].label"),
                        format!("`{}` is not one of the labels.", b.label),
                    )
                })?;
            initial_annotations.push(CocoAnnotation {
                id: j as u64 + 1,
                image_id: id,
                category_id: category.id,
                bbox: [b.left, b.top, b.width, b.height],
                area: b.width * b.height,
                iscrowd: 0,
            });
        }
        out.push(Task {
            task_id: id,
            image: CocoImage {
                id,
                file_name: task.src.clone(),
                width,
                height,
                license: None,
                date_captured: None,
            },
            image_url: task.src.clone(),
            initial_annotations,
        });
    }
    Ok(out)
}

/// A batch of every task not `done`, as the last batch of its job (the host gives all the work there is).
pub fn batch(
    job: &str,
    instructions: &str,
    categories: &[CocoCategory],
    all: &[Task],
    done: &[u64],
) -> TaskBatch {
    TaskBatch {
        job: job.to_owned(),
        instructions: instructions.to_owned(),
        categories: categories.to_vec(),
        tasks: all
            .iter()
            .filter(|t| !done.contains(&t.task_id))
            .cloned()
            .collect(),
        lease_expires_at: i64::MAX,
        job_done: true,
        images_total: all.len() as u64,
        images_done: all.iter().filter(|t| done.contains(&t.task_id)).count() as u64,
    }
}

/// The instructions the app shows: the header as a heading, then the short and the full instructions.
pub fn instructions(init: &Init) -> String {
    [
        init.header.as_deref().map(|h| format!("**{}**", h.trim())),
        init.short_instructions.clone(),
        init.full_instructions.clone(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.trim().to_owned())
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n")
}

/// `inputImageProperties` of a `crowd-bounding-box` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageProperties {
    pub width: u32,
    pub height: u32,
}

/// The value of a `crowd-bounding-box` answer (what sits under its `name`, e.g. `boundingBox`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
pub fn named_answer(name: &str, answer: &CrowdAnswer) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(
        name.to_owned(),
        serde_json::to_value(answer).unwrap_or(Value::Null),
    );
    Value::Object(map)
}

/// A message to the host page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppMessage {
    /// The app is listening; the host sends `init` now.
    Ready { crowdbox: u32 },
    /// The boxes of the task on screen changed (sent at most a few times a second).
    Changed {
        crowdbox: u32,
        task_id: u64,
        answer: Value,
    },
    /// The volunteer submitted a task: the answer, the same boxes as COCO (unrounded), and what became of
    /// each initial box. `remaining` counts the tasks still to do.
    Submitted {
        crowdbox: u32,
        task_id: u64,
        answer: Value,
        coco: CocoResult,
        changes: Vec<BoxChange>,
        remaining: usize,
    },
    /// A host message was refused (or the app could not do what it asked).
    Error {
        crowdbox: u32,
        code: String,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
}

impl AppMessage {
    pub fn error(code: &str, e: &EmbedError) -> Self {
        Self::Error {
            crowdbox: PROTOCOL_VERSION,
            code: code.to_owned(),
            message: e.message.clone(),
            field: e.field.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `scheme://host[:port]` as `MessageEvent.origin` reports it, or an error saying why `text` is not one. Only
/// http(s) origins: never `*` or `null`, which would send the volunteer's work to any page.
pub fn parse_origin(text: &str) -> Result<String, EmbedError> {
    let bad = |why: &str| EmbedError::at("embed", format!("`{text}` is not a host origin: {why}"));
    let text = text.trim();
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| bad("it must start with https:// or http://."))?;
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.is_empty() {
        return Err(bad("it names no host."));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if !host.chars().all(allowed) {
        return Err(bad("only scheme, host and port (no path, query or user)."));
    }
    let scheme_len = text.len() - rest.len();
    Ok(format!(
        "{}{}",
        &text[..scheme_len],
        host.to_ascii_lowercase()
    ))
}

#[cfg(test)]
mod tests;
