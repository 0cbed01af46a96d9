//! `crowdbox job update`: changing a job's settings after it was created.
//!
//! Labels stay as they are (stored boxes refer to them by category id). Every change is checked before
//! anything is written, and all of them are written in one transaction. When `workers_per_image` changes, the
//! triggers of migration `image_progress` recompute every image's `done` flag and the job's done count in the
//! same transaction, so leasing and progress follow the new number at once.

use std::collections::BTreeMap;

use anyhow::{ensure, Context};
use crowdbox_core::quality::JobQuality;
use crowdbox_core::wire::TaskMode;

use crate::db::jobs::Setting;
use crate::db::{self, Store};
use crate::formats_io::job_file::{Example, LeaseOrder};
use crate::jobs::{self, Job};

/// The settings to change; `None` keeps the current value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobChanges {
    pub instructions: Option<String>,
    pub workers_per_image: Option<u32>,
    pub batch_size: Option<u32>,
    pub lease_seconds: Option<u32>,
    pub mode: Option<TaskMode>,
    pub allow_carry_forward: Option<bool>,
    /// Objects per label the owner aims for (replaces them all).
    pub label_targets: Option<BTreeMap<String, u64>>,
    pub quality: QualityChanges,
    /// The order leasing offers images in.
    pub lease_order: Option<LeaseOrder>,
    /// The whole new list of example images (see [`replaced_examples`]); files must be in the store already.
    pub examples: Option<Vec<Example>>,
}

/// The job's examples with those of a kind replaced: `good` / `bad` given (an empty list removes that kind)
/// replace the job's of that kind, `None` keeps them. Good examples come first, as `job create` stores them.
pub fn replaced_examples(
    current: &[Example],
    good: Option<Vec<Example>>,
    bad: Option<Vec<Example>>,
) -> Vec<Example> {
    let kept = |kind: &str| {
        current
            .iter()
            .filter(|e| e.kind == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    let good = good.unwrap_or_else(|| kept("good"));
    let bad = bad.unwrap_or_else(|| kept("bad"));
    good.into_iter().chain(bad).collect()
}

/// Changes to a job's [`JobQuality`]; `None` keeps the current value, `Some(None)` turns a setting off.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QualityChanges {
    pub gold_rate: Option<f64>,
    pub block_below: Option<Option<f64>>,
    pub min_gold_tasks: Option<u64>,
    pub min_workers_per_image: Option<Option<u32>>,
    pub agreement_iou: Option<f64>,
    pub finish_first: Option<bool>,
}

impl QualityChanges {
    /// `current` with these changes.
    pub fn applied_to(&self, current: JobQuality) -> JobQuality {
        JobQuality {
            gold_rate: self.gold_rate.unwrap_or(current.gold_rate),
            block_below: self.block_below.unwrap_or(current.block_below),
            min_gold_tasks: self.min_gold_tasks.unwrap_or(current.min_gold_tasks),
            min_workers_per_image: self
                .min_workers_per_image
                .unwrap_or(current.min_workers_per_image),
            agreement_iou: self.agreement_iou.unwrap_or(current.agreement_iou),
            finish_first: self.finish_first.unwrap_or(current.finish_first),
        }
    }
}

impl JobChanges {
    fn check(&self) -> anyhow::Result<()> {
        let counts = [
            ("--workers-per-image", self.workers_per_image),
            ("--batch-size", self.batch_size),
            ("--lease-seconds", self.lease_seconds),
        ];
        for (flag, value) in counts {
            if let Some(value) = value {
                ensure!(value >= 1, "{flag} must be at least 1, not {value}");
            }
        }
        ensure!(
            *self != Self::default(),
            "nothing to change: give at least one of --instructions, --instructions-file, \
             --workers-per-image, --batch-size, --lease-seconds, --mode, --allow-carry-forward, --gold-rate, \
             --block-below, --no-blocking, --min-gold-tasks, --min-workers-per-image, --fixed-workers, \
             --agreement-iou, --finish-first, --order, --good-example, --bad-example, --clear-examples"
        );
        Ok(())
    }
}

impl JobChanges {
    /// The settings to change, in the order `job show` lists them. The quality settings are checked against
    /// the job as it will be (its new `workers_per_image`).
    fn settings(&self, job: &Job) -> anyhow::Result<Vec<Setting>> {
        let quality = self.quality.applied_to(job.quality);
        let workers_per_image = self
            .workers_per_image
            .unwrap_or(u32::try_from(job.workers_per_image).unwrap_or(u32::MAX));
        quality
            .check(workers_per_image)
            .map_err(|error| anyhow::anyhow!("{}: {error}", error.flag()))?;
        Ok(self
            .plain_settings()
            .into_iter()
            .chain([Setting::Quality(quality)])
            .collect())
    }

    fn plain_settings(&self) -> Vec<Setting> {
        [
            self.instructions.clone().map(Setting::Instructions),
            self.mode.map(Setting::Mode),
            self.workers_per_image.map(Setting::WorkersPerImage),
            self.batch_size.map(Setting::BatchSize),
            self.lease_seconds.map(Setting::LeaseSeconds),
            self.allow_carry_forward.map(Setting::AllowCarryForward),
            self.label_targets.clone().map(Setting::LabelTargets),
            self.lease_order.map(Setting::LeaseOrder),
            self.examples.clone().map(Setting::Examples),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// What an update did: the job as it is now and the names of the settings whose value changed.
#[derive(Clone, Debug, PartialEq)]
pub struct JobUpdated {
    pub job: Job,
    pub changed: Vec<&'static str>,
}

/// Applies `changes` to the job called `name`, all or nothing. Refuses an unknown job and invalid values
/// without writing anything.
pub async fn update_job(
    store: &Store,
    name: &str,
    changes: &JobChanges,
) -> anyhow::Result<JobUpdated> {
    changes.check()?;
    // Names the jobs there are when `name` is none of them.
    let job = jobs::require_job(store, name).await?;
    let mut tx = store.begin_write().await?;
    let mut changed = Vec::new();
    for setting in changes.settings(&job)? {
        if !setting.is_current(&job) {
            db::jobs::set_setting(&mut tx, job.id, &setting)?;
            changed.push(setting.name());
        }
    }
    let job = db::jobs::find_job(&mut tx, name)?.context("the job vanished during its update")?;
    tx.commit()?;
    Ok(JobUpdated { job, changed })
}
