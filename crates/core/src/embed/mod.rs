//! The embedding protocol: what a host page and the worker app in its iframe say to each other through
//! `postMessage`, checked here so that both the app (wasm32) and tests (native) use the same rules.
//!
//! Host → app ([`HostMessage`]): `init` (labels, tasks, instructions, theme, token, …) and `set_theme`. App → host ([`AppMessage`]): `ready`, `changed`, `submitted`, `error`. Every app message carries
//! `"crowdbox": 1` so a host can tell them from other messages. The answer in `changed` and `submitted` has the
//! shape of SageMaker Ground Truth's `crowd-bounding-box` ([`CrowdAnswer`]), so a Ground Truth custom template
//! can move over; `submitted` also carries the COCO result and crowdbox's per-box change record.

mod answer;
mod json;
mod parse;
mod theme;

use std::fmt;

use crate::coco::{CocoAnnotation, CocoCategory, CocoImage};
use crate::tiles::TilePyramid;
use crate::wire::{Task, TaskBatch};

pub use answer::{
    crowd_answer, named_answer, AppMessage, CrowdAnswer, ImageProperties, NamedAnswer,
};
pub use parse::parse_host_message;
pub use theme::{app_variables, check_theme, Theme, ThemeVariable, THEME_VARIABLES};

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
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CrowdBox {
    pub label: String,
    #[serde(serialize_with = "whole_as_integer")]
    pub left: f64,
    #[serde(serialize_with = "whole_as_integer")]
    pub top: f64,
    #[serde(serialize_with = "whole_as_integer")]
    pub width: f64,
    #[serde(serialize_with = "whole_as_integer")]
    pub height: f64,
}

/// A whole number is written as an integer (`10`, not `10.0`), as Ground Truth writes its answers' pixels.
fn whole_as_integer<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    // Within ±2^53 every integer is an exact f64, so the cast loses nothing.
    if value.fract() == 0.0 && value.abs() <= 9_007_199_254_740_992.0 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// One image for the volunteer to box, as the host gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct HostTask {
    /// The task's id in the answers; the task's place in the list (1, 2, …) when not given (or 0).
    pub id: u64,
    /// The image's URL: absolute (`https:`, `http:`, `data:`, `blob:`) or relative to the app.
    pub src: String,
    /// The image's natural size; the app decodes the image to find it when not given (or 0).
    pub width: u32,
    pub height: u32,
    /// Boxes to start from, like `crowd-bounding-box`'s `initial-value`.
    pub initial_value: Vec<CrowdBox>,
    /// A published tile pyramid of a huge image (its `pyramid.json`): `src` is then the pyramid's folder (ending
    /// in `/`) and only the tiles in view are fetched. The task's size is the pyramid's.
    pub tiles: Option<TilePyramid>,
}

/// The host's first message: everything the app needs to show the work.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Init {
    /// Keeps this work's drafts apart from other work's in the browser; with no `tasks`, the server job to
    /// lease tasks from.
    pub job: Option<String>,
    /// The labels, in display order (COCO category ids 1, 2, …). Required unless tasks come from a server job.
    pub labels: Vec<String>,
    pub tasks: Vec<HostTask>,
    /// One line above the instructions (`crowd-bounding-box`'s `header`).
    pub header: Option<String>,
    /// Markdown (`<short-instructions>`).
    pub short_instructions: Option<String>,
    /// Markdown (`<full-instructions>`).
    pub full_instructions: Option<String>,
    /// The answer's key, like `crowd-bounding-box`'s `name`; `boundingBox` when not given.
    pub name: Option<String>,
    /// `--cb-*` CSS variables (see [`THEME_VARIABLES`]).
    pub theme: Theme,
    /// Where the crowdbox API is (an origin, optionally with a path), when it is not the app's own origin.
    pub api_base: Option<String>,
    /// The bearer token (a job invite) sent with every request to the crowdbox server.
    pub token: Option<String>,
    /// UI strings to use instead of the English defaults, by key (see [`crate::strings::STRINGS`]).
    pub strings: Vec<(String, String)>,
}

/// A message from the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum HostMessage {
    Init(Box<Init>),
    SetTheme(Theme),
}

pub use crate::coco::categories_from_labels as categories;

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
        let id = if task.id > 0 {
            task.id
        } else {
            first_id + i as u64
        };
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
                score: None,
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
                outcomes: Default::default(),
            },
            image_url: task.src.clone(),
            initial_annotations,
            tiles: task.tiles,
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
        mode: Default::default(),
        allow_carry_forward: false,
        examples: Vec::new(),
    }
}

/// The instructions the app shows: the header line, then the short and the full instructions.
pub fn instructions(init: &Init) -> String {
    [
        init.header.clone(),
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
mod malformed_tests;
#[cfg(test)]
mod tests;
