//! A job's quality settings as one value: what `crowdbox job create`/`job update` flags and job files set and
//! what the server stores with the job.

use serde::{Deserialize, Serialize};

use super::{
    check_gold_rate, AdaptiveParams, BlockRule, QualitySettingError, DEFAULT_AGREEMENT_IOU,
    DEFAULT_MIN_GOLD_TASKS,
};

/// The share of tasks that are gold unless a job says otherwise.
pub const DEFAULT_GOLD_RATE: f64 = 0.1;

/// A job's gold rate, blocking rule and adaptive redundancy. Every field has a default, so a job stored before
/// these settings existed (an empty JSON object) reads as the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct JobQuality {
    /// The share of a worker's tasks that are gold images (when the job has any), in [0, 0.5].
    pub gold_rate: f64,
    /// Block workers whose score falls below this once they have done `min_gold_tasks` gold tasks; off when
    /// `None`.
    pub block_below: Option<f64>,
    pub min_gold_tasks: u64,
    /// Adaptive redundancy: an image is done once this many counted workers agree (up to the job's
    /// `workers_per_image`); off when `None` (then every image takes `workers_per_image` workers).
    pub min_workers_per_image: Option<u32>,
    /// Boxes of one object agree when their IoU is at least this.
    pub agreement_iou: f64,
    /// Lease images that need one more worker to finish before fresh images.
    pub finish_first: bool,
}

impl Default for JobQuality {
    fn default() -> Self {
        Self {
            gold_rate: DEFAULT_GOLD_RATE,
            block_below: None,
            min_gold_tasks: DEFAULT_MIN_GOLD_TASKS,
            min_workers_per_image: None,
            agreement_iou: DEFAULT_AGREEMENT_IOU,
            finish_first: false,
        }
    }
}

impl JobQuality {
    /// The blocking rule, when the job blocks.
    pub fn block_rule(&self) -> Option<BlockRule> {
        self.block_below.map(|block_below| BlockRule {
            block_below,
            min_gold_tasks: self.min_gold_tasks,
        })
    }

    /// The adaptive redundancy parameters, when the job is adaptive (`workers_per_image` is the most).
    pub fn adaptive(&self, workers_per_image: u32) -> Option<AdaptiveParams> {
        self.min_workers_per_image.map(|min| AdaptiveParams {
            agreement_iou: self.agreement_iou,
            ..AdaptiveParams::new(min as usize, workers_per_image as usize)
        })
    }

    /// Checks every setting against the job's `workers_per_image`.
    pub fn check(&self, workers_per_image: u32) -> Result<(), QualitySettingError> {
        check_gold_rate(self.gold_rate)?;
        if self.min_gold_tasks == 0 {
            return Err(QualitySettingError::MinGoldTasks);
        }
        if let Some(rule) = self.block_rule() {
            rule.check()?;
        }
        if !(self.agreement_iou > 0.0 && self.agreement_iou <= 1.0) {
            return Err(QualitySettingError::AgreementIou(self.agreement_iou));
        }
        if let Some(params) = self.adaptive(workers_per_image) {
            params.check()?;
        }
        Ok(())
    }
}

impl QualitySettingError {
    /// The JSON field of the owner API (`POST`/`PATCH /api/jobs`) that holds the wrong setting.
    pub fn field(&self) -> &'static str {
        match self {
            Self::BlockBelow(_) => "block_below",
            Self::MinGoldTasks => "min_gold_tasks",
            Self::GoldRate(_) => "gold_rate",
            Self::MinWorkers | Self::MinAboveMax { .. } => "min_workers_per_image",
            Self::AgreementIou(_) => "agreement_iou",
            Self::SettledMargin(_) => "settled_margin",
        }
    }

    /// The command-line flag (and job file key, with underscores) of the setting at fault.
    pub fn flag(&self) -> &'static str {
        match self {
            Self::BlockBelow(_) => "--block-below",
            Self::MinGoldTasks => "--min-gold-tasks",
            Self::GoldRate(_) => "--gold-rate",
            Self::MinWorkers | Self::MinAboveMax { .. } => "--min-workers-per-image",
            Self::AgreementIou(_) => "--agreement-iou",
            Self::SettledMargin(_) => "--settled-margin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_tenth_gold_no_blocking_and_fixed_redundancy() {
        let quality = JobQuality::default();
        assert_eq!(quality.gold_rate, 0.1);
        assert_eq!(quality.block_rule(), None);
        assert_eq!(quality.adaptive(5), None);
        assert_eq!(quality.check(1), Ok(()));
        let stored: JobQuality = serde_json::from_str("{}").unwrap();
        assert_eq!(stored, quality);
    }

    #[test]
    fn each_bad_setting_is_refused_naming_its_flag() {
        let cases = [
            (
                JobQuality {
                    gold_rate: 0.6,
                    ..Default::default()
                },
                "--gold-rate",
            ),
            (
                JobQuality {
                    gold_rate: -0.1,
                    ..Default::default()
                },
                "--gold-rate",
            ),
            (
                JobQuality {
                    min_workers_per_image: Some(4),
                    ..Default::default()
                },
                "--min-workers-per-image",
            ),
            (
                JobQuality {
                    min_workers_per_image: Some(0),
                    ..Default::default()
                },
                "--min-workers-per-image",
            ),
            (
                JobQuality {
                    block_below: Some(1.5),
                    ..Default::default()
                },
                "--block-below",
            ),
            (
                JobQuality {
                    agreement_iou: 0.0,
                    ..Default::default()
                },
                "--agreement-iou",
            ),
            (
                JobQuality {
                    min_gold_tasks: 0,
                    ..Default::default()
                },
                "--min-gold-tasks",
            ),
        ];
        for (quality, flag) in cases {
            let error = quality.check(3).expect_err(flag);
            assert_eq!(error.flag(), flag, "{quality:?}");
        }
    }

    #[test]
    fn adaptive_takes_the_jobs_workers_per_image_as_the_most() {
        let quality = JobQuality {
            min_workers_per_image: Some(2),
            agreement_iou: 0.8,
            ..Default::default()
        };
        let params = quality.adaptive(5).unwrap();
        assert_eq!((params.min_workers, params.max_workers), (2, 5));
        assert_eq!(params.agreement_iou, 0.8);
        assert_eq!(quality.check(5), Ok(()));
        assert!(quality.check(1).is_err());
    }
}
