//! The job form: what the owner types (labels one per line or separated by commas, numbers as text, example
//! image URLs one per line) turned into `POST /api/jobs`'s [`NewJob`] or `PATCH /api/jobs/{job}`'s [`JobPatch`]
//! (only the settings that changed), or an error naming the field. The server checks everything again.

use crate::owner::{JobOverview, JobPatch, NewJob};
use crate::wire::TaskMode;

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
    pub good_examples: String,
    pub bad_examples: String,
}

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
        }
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
        Ok(NewJob {
            name: name.to_owned(),
            labels: parse_labels(&self.labels).map_err(|m| error("labels", m))?,
            instructions: (!instructions.is_empty()).then(|| instructions.to_owned()),
            workers_per_image: count(
                "workers_per_image",
                "Workers per image",
                &self.workers_per_image,
            )?,
            batch_size: count("batch_size", "Batch size", &self.batch_size)?,
            lease_seconds: count("lease_seconds", "Lease time", &self.lease_seconds)?,
            mode: Some(self.mode),
            allow_carry_forward: Some(self.allow_carry_forward),
            good_examples: urls("good_examples", &self.good_examples)?,
            bad_examples: urls("bad_examples", &self.bad_examples)?,
            // Quality control and the lease order keep the server's defaults (the form does not ask yet).
            ..NewJob::default()
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
        Ok(JobPatch {
            instructions: (instructions != job.instructions.trim())
                .then(|| instructions.to_owned()),
            workers_per_image: (workers != job.workers_per_image).then_some(workers),
            batch_size: (batch != job.batch_size).then_some(batch),
            lease_seconds: (lease != job.lease_seconds).then_some(lease),
            mode: (self.mode != job.mode).then_some(self.mode),
            allow_carry_forward: (self.allow_carry_forward != job.allow_carry_forward)
                .then_some(self.allow_carry_forward),
            label_targets: None,
            ..JobPatch::default()
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

/// Example image URLs, one per line, each http(s).
fn urls(field: &'static str, text: &str) -> Result<Vec<String>, FormError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|url| {
            if url.starts_with("https://") || url.starts_with("http://") {
                Ok(url.to_owned())
            } else {
                Err(error(
                    field,
                    format!("{url:?} is not an http(s) address of an image"),
                ))
            }
        })
        .collect()
}

/// The mode's name as the API writes it, and what the form calls it.
pub fn mode_choices() -> [(TaskMode, &'static str, &'static str); 3] {
    [
        (TaskMode::Draw, "draw", "Draw boxes"),
        (TaskMode::Adjust, "adjust", "Adjust given boxes"),
        (TaskMode::Verify, "verify", "Verify given boxes"),
    ]
}
