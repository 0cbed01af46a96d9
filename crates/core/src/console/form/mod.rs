//! The job form: what the owner types (labels one per line or separated by commas, numbers as text, a new job's
//! example image URLs one per line, an existing job's examples added and removed one by one, in `examples.rs`)
//! turned into `POST /api/jobs`'s [`NewJob`] or `PATCH /api/jobs/{job}`'s [`JobPatch`] (only the settings that
//! changed), or an error naming the field. The server checks everything again; its
//! errors name the JSON field, which [`FormError::from_server`] turns back into the form's field.

mod examples;

pub use examples::{example_title, examples_field};

use crate::owner::{JobExample, JobOverview, JobPatch, LeaseOrder, NewJob};
use crate::quality::JobQuality;
use crate::wire::{ExampleKind, TaskMode};
use examples::{changed_examples, urls};

/// The form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobForm {
    pub name: String,
    pub labels: String,
    pub instructions: String,
    pub mode: TaskMode,
    /// Empty: the server's default.
    pub workers_per_image: String,
    pub batch_size: String,
    pub lease_seconds: String,
    pub allow_carry_forward: bool,
    /// A new job's example image URLs, one per line.
    pub good_examples: String,
    pub bad_examples: String,
    /// An existing job's example images as the form holds them (added and removed ones included); a patch
    /// replaces the job's with these when they differ. `url` is where the form shows each (a just uploaded
    /// file's local preview).
    pub examples: Vec<JobExample>,
    /// Quality control. Empty: the server's default (0.1) when creating; required when editing.
    pub gold_rate: String,
    /// Empty: no blocking (`null` in a patch turns it off).
    pub block_below: String,
    pub min_gold_tasks: String,
    /// Empty: every image takes `workers_per_image` workers (`null` in a patch turns adaptive off).
    pub min_workers_per_image: String,
    pub agreement_iou: String,
    pub finish_first: bool,
    pub order: LeaseOrder,
}

/// The form's fields, in the order the form shows them: the names [`FormError::field`] uses, which are the
/// owner API's JSON fields.
pub const FIELDS: [&str; 15] = [
    "name",
    "labels",
    "instructions",
    "mode",
    "workers_per_image",
    "batch_size",
    "lease_seconds",
    "gold_rate",
    "block_below",
    "min_gold_tasks",
    "min_workers_per_image",
    "agreement_iou",
    "order",
    "good_examples",
    "bad_examples",
];

/// A field the owner must correct: `field` is the form field's name, `message` says what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    pub field: &'static str,
    pub message: String,
}

fn error(field: &'static str, message: impl Into<String>) -> FormError {
    FormError {
        field,
        message: message.into(),
    }
}

impl FormError {
    /// A refusal from the server: `field` (the error body's, a JSON path such as `gold_rate` or
    /// `good_examples[1]`) becomes the form's field it belongs to, or `""` when the form has no such field.
    pub fn from_server(field: Option<&str>, message: impl Into<String>) -> Self {
        let field = field
            .map(|f| f.split(['[', '.']).next().unwrap_or(f))
            .and_then(|f| FIELDS.into_iter().find(|known| *known == f))
            .unwrap_or("");
        error(field, message)
    }
}

impl JobForm {
    /// The form filled with an existing job's settings, for editing.
    pub fn of(job: &JobOverview) -> Self {
        Self {
            name: job.name.clone(),
            labels: job.labels.join("\n"),
            instructions: job.instructions.clone(),
            mode: job.mode,
            workers_per_image: job.workers_per_image.to_string(),
            batch_size: job.batch_size.to_string(),
            lease_seconds: job.lease_seconds.to_string(),
            allow_carry_forward: job.allow_carry_forward,
            good_examples: String::new(),
            bad_examples: String::new(),
            examples: job.examples.clone(),
            gold_rate: job.quality.gold_rate.to_string(),
            block_below: job
                .quality
                .block_below
                .map(|b| b.to_string())
                .unwrap_or_default(),
            min_gold_tasks: job.quality.min_gold_tasks.to_string(),
            min_workers_per_image: job
                .quality
                .min_workers_per_image
                .map(|m| m.to_string())
                .unwrap_or_default(),
            agreement_iou: job.quality.agreement_iou.to_string(),
            finish_first: job.quality.finish_first,
            order: job.order,
        }
    }

    /// The quality settings as typed, each `None` when empty; numbers that do not read are named.
    fn quality(&self) -> Result<TypedQuality, FormError> {
        Ok(TypedQuality {
            gold_rate: number("gold_rate", "Gold rate", &self.gold_rate)?,
            block_below: number("block_below", "Block below", &self.block_below)?,
            min_gold_tasks: count(
                "min_gold_tasks",
                "Gold tasks before blocking",
                &self.min_gold_tasks,
            )?
            .map(u64::from),
            min_workers_per_image: count(
                "min_workers_per_image",
                "Agreeing workers that finish an image",
                &self.min_workers_per_image,
            )?,
            agreement_iou: number("agreement_iou", "Agreement IoU", &self.agreement_iou)?,
        })
    }

    /// The new job, or the first field that is wrong.
    pub fn new_job(&self) -> Result<NewJob, FormError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(error("name", "give the job a name"));
        }
        if name.contains('/') {
            return Err(error(
                "name",
                format!("the job name {name:?} must not contain /"),
            ));
        }
        let instructions = self.instructions.trim();
        let workers_per_image = count(
            "workers_per_image",
            "Workers per image",
            &self.workers_per_image,
        )?;
        let typed = self.quality()?;
        let defaults = JobQuality::default();
        // Checked as the server will (with its defaults for what is empty); without workers per image the
        // server's default is the most adaptive redundancy may ask for, and the server checks that.
        check(
            &JobQuality {
                gold_rate: typed.gold_rate.unwrap_or(defaults.gold_rate),
                block_below: typed.block_below,
                min_gold_tasks: typed.min_gold_tasks.unwrap_or(defaults.min_gold_tasks),
                min_workers_per_image: typed.min_workers_per_image,
                agreement_iou: typed.agreement_iou.unwrap_or(defaults.agreement_iou),
                finish_first: self.finish_first,
            },
            workers_per_image.unwrap_or(u32::MAX),
        )?;
        Ok(NewJob {
            name: name.to_owned(),
            labels: parse_labels(&self.labels).map_err(|m| error("labels", m))?,
            instructions: (!instructions.is_empty()).then(|| instructions.to_owned()),
            workers_per_image,
            batch_size: count("batch_size", "Batch size", &self.batch_size)?,
            lease_seconds: count("lease_seconds", "Lease time", &self.lease_seconds)?,
            mode: Some(self.mode),
            allow_carry_forward: Some(self.allow_carry_forward),
            good_examples: urls("good_examples", &self.good_examples)?,
            bad_examples: urls("bad_examples", &self.bad_examples)?,
            gold_rate: typed.gold_rate,
            block_below: typed.block_below,
            min_gold_tasks: typed.min_gold_tasks,
            min_workers_per_image: typed.min_workers_per_image,
            agreement_iou: typed.agreement_iou,
            finish_first: self.finish_first.then_some(true),
            order: (self.order != LeaseOrder::default()).then_some(self.order),
        })
    }

    /// The settings that differ from `job`'s (labels and the name stay as they are: the API does not change
    /// them); an empty patch when nothing changed.
    pub fn patch(&self, job: &JobOverview) -> Result<JobPatch, FormError> {
        let required = |field, title, text: &str| {
            count(field, title, text)?
                .ok_or_else(|| error(field, format!("{title} cannot be empty")))
        };
        let workers = required(
            "workers_per_image",
            "Workers per image",
            &self.workers_per_image,
        )?;
        let batch = required("batch_size", "Batch size", &self.batch_size)?;
        let lease = required("lease_seconds", "Lease time", &self.lease_seconds)?;
        let instructions = self.instructions.trim();
        let typed = self.quality()?;
        let required_number = |field, title: &str, value: Option<f64>| {
            value.ok_or_else(|| error(field, format!("{title} cannot be empty")))
        };
        let current = &job.quality;
        let quality = JobQuality {
            gold_rate: required_number("gold_rate", "Gold rate", typed.gold_rate)?,
            block_below: typed.block_below,
            min_gold_tasks: typed.min_gold_tasks.ok_or_else(|| {
                error(
                    "min_gold_tasks",
                    "Gold tasks before blocking cannot be empty",
                )
            })?,
            min_workers_per_image: typed.min_workers_per_image,
            agreement_iou: required_number("agreement_iou", "Agreement IoU", typed.agreement_iou)?,
            finish_first: self.finish_first,
        };
        check(&quality, workers)?;
        Ok(JobPatch {
            instructions: (instructions != job.instructions.trim())
                .then(|| instructions.to_owned()),
            workers_per_image: (workers != job.workers_per_image).then_some(workers),
            batch_size: (batch != job.batch_size).then_some(batch),
            lease_seconds: (lease != job.lease_seconds).then_some(lease),
            mode: (self.mode != job.mode).then_some(self.mode),
            allow_carry_forward: (self.allow_carry_forward != job.allow_carry_forward)
                .then_some(self.allow_carry_forward),
            good_examples: changed_examples(&self.examples, &job.examples, ExampleKind::Good),
            bad_examples: changed_examples(&self.examples, &job.examples, ExampleKind::Bad),
            label_targets: None,
            gold_rate: (quality.gold_rate != current.gold_rate).then_some(quality.gold_rate),
            block_below: (quality.block_below != current.block_below)
                .then_some(quality.block_below),
            min_gold_tasks: (quality.min_gold_tasks != current.min_gold_tasks)
                .then_some(quality.min_gold_tasks),
            min_workers_per_image: (quality.min_workers_per_image != current.min_workers_per_image)
                .then_some(quality.min_workers_per_image),
            agreement_iou: (quality.agreement_iou != current.agreement_iou)
                .then_some(quality.agreement_iou),
            finish_first: (quality.finish_first != current.finish_first)
                .then_some(quality.finish_first),
            order: (self.order != job.order).then_some(self.order),
        })
    }
}

/// Labels one per line or separated by commas; at least one, none twice.
pub fn parse_labels(text: &str) -> Result<Vec<String>, String> {
    let mut labels: Vec<String> = Vec::new();
    for label in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if labels.iter().any(|l| l == label) {
            return Err(format!("the label {label:?} is there twice"));
        }
        labels.push(label.to_owned());
    }
    if labels.is_empty() {
        return Err("give at least one label".to_owned());
    }
    Ok(labels)
}

/// A whole number of at least 1, or `None` when empty.
fn count(field: &'static str, title: &str, text: &str) -> Result<Option<u32>, FormError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(error(
            field,
            format!("{title} must be a whole number of at least 1, not {text:?}"),
        )),
    }
}

/// The quality settings as typed (`None`: left empty).
struct TypedQuality {
    gold_rate: Option<f64>,
    block_below: Option<f64>,
    min_gold_tasks: Option<u64>,
    min_workers_per_image: Option<u32>,
    agreement_iou: Option<f64>,
}

/// The quality settings checked together as the server checks them, the error naming the form's field.
fn check(quality: &JobQuality, workers_per_image: u32) -> Result<(), FormError> {
    quality
        .check(workers_per_image)
        .map_err(|e| error(e.field(), e.to_string()))
}

/// A decimal number (`0.25`, `.5`, `1`), or `None` when empty.
fn number(field: &'static str, title: &str, text: &str) -> Result<Option<f64>, FormError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(error(
            field,
            format!("{title} must be a number such as 0.5, not {text:?}"),
        )),
    }
}

/// The lease orders as the API writes them, and what the form calls them.
pub fn order_choices() -> [(LeaseOrder, &'static str); 2] {
    [
        (LeaseOrder::Id, "In import order"),
        (LeaseOrder::UncertainFirst, "Least certain pre-labels first"),
    ]
}

/// The mode's name as the API writes it, and what the form calls it.
pub fn mode_choices() -> [(TaskMode, &'static str, &'static str); 3] {
    [
        (TaskMode::Draw, "draw", "Draw boxes"),
        (TaskMode::Adjust, "adjust", "Adjust given boxes"),
        (TaskMode::Verify, "verify", "Verify given boxes"),
    ]
}
