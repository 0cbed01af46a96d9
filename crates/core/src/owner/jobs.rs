//! Jobs: their settings and where they stand, examples, uploads, invites, live progress and the export's file name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::quality::JobQuality;
use crate::wire::{ExampleKind, TaskMode};

/// The order in which leasing offers a job's open images (`--order`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum LeaseOrder {
    /// By image id: the order they were imported in.
    #[default]
    Id,
    /// Images whose pre-labels are least certain first (ascending highest pre-annotation score), then images
    /// without scored pre-annotations, each by id.
    UncertainFirst,
}

impl LeaseOrder {
    pub const ALL: [LeaseOrder; 2] = [LeaseOrder::Id, LeaseOrder::UncertainFirst];

    /// The name job files, the command line and the database (`jobs.lease_order`) use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::UncertainFirst => "uncertain-first",
        }
    }
}

impl std::fmt::Display for LeaseOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for LeaseOrder {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|order| order.as_str() == text)
            .ok_or_else(|| format!("unknown order {text:?}: the orders are id and uncertain-first"))
    }
}

/// A job with its settings and where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobOverview {
    pub name: String,
    pub labels: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "draw"))]
    pub mode: TaskMode,
    pub instructions: String,
    pub workers_per_image: u32,
    pub batch_size: u32,
    pub lease_seconds: u32,
    pub allow_carry_forward: bool,
    pub requires_invite: bool,
    /// Objects per label the owner aims for (e.g. 1,000 per class); labels without a target are left out.
    #[serde(default)]
    pub label_targets: BTreeMap<String, u64>,
    /// Gold rate, blocking and adaptive redundancy.
    #[serde(default)]
    pub quality: JobQuality,
    /// The order leasing offers open images in.
    #[serde(default)]
    pub order: LeaseOrder,
    /// The example images volunteers see with the instructions, good ones first.
    #[serde(default)]
    pub examples: Vec<JobExample>,
    pub images_total: u64,
    pub images_done: u64,
    /// Images that are not done and that a worker holds an unexpired lease on.
    pub images_in_progress: u64,
    /// Images that are not done, not leased, and have answers already: waiting for another opinion (their
    /// workers disagreed, or a blocked worker's answer stopped counting).
    #[serde(default)]
    pub images_waiting: u64,
    pub submissions: u64,
}

impl JobOverview {
    /// Images neither done, leased nor waiting for another opinion: nobody has answered them yet.
    pub fn images_open(&self) -> u64 {
        self.images_total
            .saturating_sub(self.images_done)
            .saturating_sub(self.images_in_progress)
            .saturating_sub(self.images_waiting)
    }
}

/// One of a job's example images, as the owner API lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobExample {
    pub kind: ExampleKind,
    /// What `PATCH /api/jobs/{job}`'s `good_examples` / `bad_examples` take to keep it: the http(s) URL, or
    /// `sha256:<hex>` for an image file in the server's image store.
    pub src: String,
    /// Where a browser loads it: the URL, or `/api/jobs/{job}/examples/{index}` for a stored file.
    pub url: String,
}

/// The prefix of an example `src` that names a stored image file by its SHA-256 (64 lowercase hex digits).
pub const STORED_EXAMPLE_PREFIX: &str = "sha256:";

/// An example `src` as the owner API reads it, or why it is none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleSrc<'a> {
    /// An http(s) address, passed on to volunteers as it is.
    Url(&'a str),
    /// A file in the image store, by the hex SHA-256 of its bytes.
    Stored(&'a str),
}

impl<'a> ExampleSrc<'a> {
    /// Reads `src` (an http(s) URL or `sha256:` and 64 lowercase hex digits); the error is a sentence naming it.
    pub fn parse(src: &'a str) -> Result<Self, String> {
        if src.starts_with("https://") || src.starts_with("http://") {
            return Ok(Self::Url(src));
        }
        if let Some(hex) = src.strip_prefix(STORED_EXAMPLE_PREFIX) {
            if hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                return Ok(Self::Stored(hex));
            }
            return Err(format!(
                "{src:?} is not sha256: followed by 64 lowercase hex digits"
            ));
        }
        Err(format!(
            "{src:?} is neither an http(s) URL nor an uploaded image file (sha256:…, from POST /api/jobs/{{job}}/example-files)"
        ))
    }
}

/// `POST /api/jobs/{job}/example-files`: the stored image file, to be named in a patch's examples.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExampleFile {
    /// `sha256:<hex>`: put it in `good_examples` or `bad_examples` of `PATCH /api/jobs/{job}` to show it.
    pub src: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
}

/// `GET /api/jobs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobList {
    pub jobs: Vec<JobOverview>,
}

/// `POST /api/jobs`: the fields of `crowdbox job create` (example images as http(s) URLs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewJob {
    pub name: String,
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers_per_image: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mode: Option<TaskMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_carry_forward: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub good_examples: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bad_examples: Vec<String>,
    /// The share of tasks that are gold images, in [0, 0.5] (default 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_rate: Option<f64>,
    /// Block workers whose score falls below this (off when absent or null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_below: Option<f64>,
    /// Gold tasks a worker does before blocking can apply (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gold_tasks: Option<u64>,
    /// Adaptive redundancy: an image is done once this many workers agree (up to `workers_per_image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_workers_per_image: Option<u32>,
    /// Boxes agree at this IoU or more (default 0.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_iou: Option<f64>,
    /// Lease images waiting for another opinion before fresh ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_first: Option<bool>,
    /// The order leasing offers open images in (default `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<LeaseOrder>,
}

/// `PATCH /api/jobs/{job}`: the settings to change (`crowdbox job update`), all or nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JobPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers_per_image: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mode: Option<TaskMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_carry_forward: Option<bool>,
    /// Replaces the good example images (`[]` removes them): http(s) URLs, and `sha256:<hex>` for a file
    /// uploaded with `POST /api/jobs/{job}/example-files` or one the job shows already ([`JobExample::src`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good_examples: Option<Vec<String>>,
    /// Replaces the bad example images, as `good_examples`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad_examples: Option<Vec<String>>,
    /// Replaces every label target; a label missing from the map has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_targets: Option<BTreeMap<String, u64>>,
    /// The share of tasks that are gold images, in [0, 0.5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_rate: Option<f64>,
    /// Block workers whose score falls below this; `null` stops blocking.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, nullable))]
    pub block_below: Option<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gold_tasks: Option<u64>,
    /// Adaptive redundancy's minimum of agreeing workers; `null` makes every image take `workers_per_image`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, nullable))]
    pub min_workers_per_image: Option<Option<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_iou: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_first: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<LeaseOrder>,
}

/// A field given in a patch, `null` included: `Some(None)` turns a setting off, absence (`None`) keeps it.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// What `PATCH /api/jobs/{job}` did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobPatched {
    pub job: JobOverview,
    /// The settings whose value changed.
    pub changed: Vec<String>,
}

/// `POST /api/jobs/{job}/images`: what an upload added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadReport {
    pub added: u64,
    pub already_present: u64,
    pub boxes_stored: u64,
    /// Boxes wholly outside their image, and images whose boxes an earlier import had already given.
    pub left_out: u64,
}

/// `POST /api/jobs/{job}/invites`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub count: u32,
}

/// The new invite tokens (only their hashes are stored: this is the one time they are shown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invites {
    pub tokens: Vec<String>,
}

/// One `progress` event of `GET /api/jobs/{job}/events`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressEvent {
    pub images_total: u64,
    pub images_done: u64,
    pub images_in_progress: u64,
    /// See [`JobOverview::images_waiting`].
    #[serde(default)]
    pub images_waiting: u64,
    pub submissions: u64,
}

/// The file name `GET /api/jobs/{job}/export` gives its download (`Content-Disposition`) for `format` as the API
/// names it: the job's name with anything but ASCII letters, digits, `-`, `_` and `.` made `_`, then the format's
/// extension.
pub fn export_file_name(job: &str, format: &str) -> String {
    let stem: String = job
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let extension = match format {
        "groundtruth" => "manifest.jsonl",
        "openimages" => "openimages.csv",
        "voc" => "voc.zip",
        "yolo" => "yolo.zip",
        _ => "coco.json",
    };
    format!("{stem}-{extension}")
}
