//! Job settings, from `crowdbox job create` flags or a job file (TOML or JSON, by extension):
//!
//! ```toml
//! name = "tools"
//! labels = ["driller", "hammer"]
//! instructions_file = "instructions.md"   # or: instructions = "Box every tool."
//! workers_per_image = 5
//! batch_size = 10
//! lease_seconds = 600
//! mode = "draw"                           # draw | adjust | verify
//! allow_carry_forward = false
//! good_examples = ["examples/good-1.jpg"]
//! bad_examples = ["https://example.org/bad.jpg"]
//! gold_rate = 0.1                         # quality control: see crowdbox_core::quality::JobQuality
//! block_below = 0.4
//! min_gold_tasks = 5
//! min_workers_per_image = 2               # adaptive: 2 agreeing workers, up to workers_per_image
//! agreement_iou = 0.7
//! finish_first = false
//! order = "id"                            # id | uncertain-first (least certain pre-labels first)
//! ```

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context};
use crowdbox_core::quality::JobQuality;
use crowdbox_core::wire::TaskMode;
use serde::{Deserialize, Serialize};

/// An example image shown with the instructions: a path or an http(s) URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// `good` or `bad`.
    pub kind: String,
    /// As given: an http(s) URL, or a file path (resolved against the job file's folder when read from one).
    pub src: String,
    /// Where a file example was copied in the image store (set by `crowdbox job create`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Example {
    pub fn is_url(&self) -> bool {
        self.src.starts_with("https://") || self.src.starts_with("http://")
    }
}

pub use crowdbox_core::owner::LeaseOrder;

/// A job as written in a job file; every field but `name` and `labels` has a default.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobFile {
    pub name: String,
    pub labels: Vec<String>,
    #[serde(default)]
    pub instructions: Option<String>,
    /// Read the instructions from this file, relative to the job file.
    #[serde(default)]
    pub instructions_file: Option<PathBuf>,
    #[serde(default = "default_workers_per_image")]
    pub workers_per_image: u32,
    #[serde(default = "default_batch_size")]
    pub batch_size: u32,
    #[serde(default = "default_lease_seconds")]
    pub lease_seconds: u32,
    #[serde(default)]
    pub mode: TaskMode,
    #[serde(default)]
    pub allow_carry_forward: bool,
    #[serde(default)]
    pub good_examples: Vec<String>,
    #[serde(default)]
    pub bad_examples: Vec<String>,
    #[serde(default = "default_gold_rate")]
    pub gold_rate: f64,
    #[serde(default)]
    pub block_below: Option<f64>,
    #[serde(default = "default_min_gold_tasks")]
    pub min_gold_tasks: u64,
    #[serde(default)]
    pub min_workers_per_image: Option<u32>,
    #[serde(default = "default_agreement_iou")]
    pub agreement_iou: f64,
    #[serde(default)]
    pub finish_first: bool,
    /// The order leasing offers images in.
    #[serde(default)]
    pub order: LeaseOrder,
}

pub const fn default_gold_rate() -> f64 {
    crowdbox_core::quality::DEFAULT_GOLD_RATE
}
pub const fn default_min_gold_tasks() -> u64 {
    crowdbox_core::quality::DEFAULT_MIN_GOLD_TASKS
}
pub const fn default_agreement_iou() -> f64 {
    crowdbox_core::quality::DEFAULT_AGREEMENT_IOU
}

pub const fn default_workers_per_image() -> u32 {
    1
}
pub const fn default_batch_size() -> u32 {
    5
}
pub const fn default_lease_seconds() -> u32 {
    1800
}

/// A checked job: what `jobs::create_job` stores.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    pub name: String,
    pub labels: Vec<String>,
    pub instructions: String,
    pub workers_per_image: u32,
    pub batch_size: u32,
    pub lease_seconds: u32,
    pub mode: TaskMode,
    pub allow_carry_forward: bool,
    pub examples: Vec<Example>,
    pub quality: JobQuality,
    pub lease_order: LeaseOrder,
}

impl JobFile {
    /// Reads a `.toml` or `.json` job file; errors name the file (and the line for TOML).
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the job file {}", path.display()))?;
        let extension = path
            .extension()
            .and_then(|ext| ext.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("toml") => toml::from_str(&text)
                .map_err(|error| anyhow::anyhow!("{}: {error}", path.display())),
            Some("json") => serde_json::from_str(&text)
                .map_err(|error| anyhow::anyhow!("{}: {error}", path.display())),
            _ => anyhow::bail!(
                "{}: a job file ends in .toml or .json, so crowdbox knows how to read it",
                path.display()
            ),
        }
    }

    /// Checks the settings and reads the instructions file (relative to `base`, the job file's folder).
    pub fn into_spec(self, base: &Path) -> anyhow::Result<JobSpec> {
        let instructions = match (self.instructions, &self.instructions_file) {
            (Some(_), Some(_)) => {
                anyhow::bail!("give instructions or instructions_file, not both")
            }
            (Some(text), None) => text,
            (None, Some(file)) => {
                let path = base.join(file);
                std::fs::read_to_string(&path).with_context(|| {
                    format!("cannot read the instructions file {}", path.display())
                })?
            }
            (None, None) => String::new(),
        };
        let name = self.name.trim().to_owned();
        ensure!(!name.is_empty(), "the job name must not be empty");
        ensure!(
            !name.contains('/') && name.len() <= 100,
            "the job name {name:?} must be at most 100 characters without `/` (it is part of the app's URL)"
        );
        for (setting, value) in [
            ("workers_per_image", self.workers_per_image),
            ("batch_size", self.batch_size),
            ("lease_seconds", self.lease_seconds),
        ] {
            ensure!(value >= 1, "{setting} must be at least 1");
        }
        let quality = JobQuality {
            gold_rate: self.gold_rate,
            block_below: self.block_below,
            min_gold_tasks: self.min_gold_tasks,
            min_workers_per_image: self.min_workers_per_image,
            agreement_iou: self.agreement_iou,
            finish_first: self.finish_first,
        };
        quality
            .check(self.workers_per_image)
            .map_err(|error| anyhow::anyhow!("{}: {error}", error.flag()))?;
        let examples = self
            .good_examples
            .into_iter()
            .map(|src| ("good", src))
            .chain(self.bad_examples.into_iter().map(|src| ("bad", src)))
            .map(|(kind, src)| {
                let mut example = Example {
                    kind: kind.to_owned(),
                    src,
                    store_path: None,
                    mime: None,
                    caption: None,
                };
                if !example.is_url() {
                    example.src = base.join(&example.src).display().to_string();
                }
                example
            })
            .collect();
        Ok(JobSpec {
            name,
            labels: clean_labels(&self.labels)?,
            instructions,
            workers_per_image: self.workers_per_image,
            batch_size: self.batch_size,
            lease_seconds: self.lease_seconds,
            mode: self.mode,
            allow_carry_forward: self.allow_carry_forward,
            examples,
            quality,
            lease_order: self.order,
        })
    }
}

/// Trimmed labels; refuses none, empty ones and repeats.
pub fn clean_labels(labels: &[String]) -> anyhow::Result<Vec<String>> {
    let labels: Vec<String> = labels.iter().map(|label| label.trim().to_owned()).collect();
    ensure!(!labels.is_empty(), "a job needs at least one label");
    for (index, label) in labels.iter().enumerate() {
        ensure!(
            !label.is_empty(),
            "the labels have an empty one at position {}",
            index + 1
        );
        ensure!(
            !labels[..index].contains(label),
            "the labels name {label:?} twice"
        );
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_toml(text: &str) -> Result<JobFile, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn a_minimal_toml_job_file_gets_the_defaults() {
        let spec = parse_toml("name = \"tools\"\nlabels = [\"driller\", \"hammer\"]\n")
            .unwrap()
            .into_spec(Path::new("."))
            .unwrap();
        assert_eq!(spec.labels, ["driller", "hammer"]);
        assert_eq!(
            (spec.workers_per_image, spec.batch_size, spec.lease_seconds),
            (1, 5, 1800)
        );
        assert_eq!(spec.mode, TaskMode::Draw);
        assert!(!spec.allow_carry_forward);
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let error = parse_toml("name = \"x\"\nlabels = [\"a\"]\nworkers = 3\n").unwrap_err();
        assert!(error.to_string().contains("workers"), "{error}");
    }

    #[test]
    fn examples_keep_their_kind_and_repeated_labels_are_refused() {
        let file: JobFile = serde_json::from_str(
            r#"{"name": "x", "labels": ["a"], "good_examples": ["g.jpg"], "bad_examples": ["https://e.org/b.jpg"], "mode": "verify"}"#,
        )
        .unwrap();
        let spec = file.into_spec(Path::new(".")).unwrap();
        assert_eq!(spec.examples[0].kind, "good");
        assert_eq!(spec.examples[1].src, "https://e.org/b.jpg");
        assert_eq!(spec.mode, TaskMode::Verify);
        let error = clean_labels(&["a".into(), " a ".into()]).unwrap_err();
        assert!(error.to_string().contains("twice"), "{error}");
    }

    #[test]
    fn zero_workers_per_image_is_refused() {
        let file = parse_toml("name = \"x\"\nlabels = [\"a\"]\nworkers_per_image = 0\n").unwrap();
        let error = file.into_spec(Path::new(".")).unwrap_err();
        assert!(error.to_string().contains("workers_per_image"), "{error}");
    }
}
