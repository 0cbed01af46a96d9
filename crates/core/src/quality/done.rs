//! Adaptive redundancy: whether an image has enough agreeing answers or needs one more worker.

use crate::consolidate::cluster::cluster_boxes;
use crate::consolidate::{counted, Weighted};
use crate::formats::DatasetBox;

use super::QualitySettingError;

/// Boxes of one object from different workers agree when their IoU is at least this (`--agreement-iou`).
pub const DEFAULT_AGREEMENT_IOU: f64 = 0.7;

/// Under [`AgreementRule::SettledBoxes`], a box is settled when its margin (the weight of the workers who drew
/// it minus the weight of those who did not, or the reverse) is at least this share of the most trusted counted
/// worker's weight. Not 1: equally careful workers' scores differ by a few hundredths from the luck of their
/// gold tasks, and a two-to-one vote among them must not hang on that.
pub const DEFAULT_SETTLED_MARGIN: f64 = 0.8;

/// When the answers an image has agree enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgreementRule {
    /// Every counted worker drew every object: each box of each worker is in a cluster (at the agreement IoU)
    /// that holds a box of every counted worker. So all consolidated boxes are supported by all of them and
    /// they drew the same number of boxes of each label. Strict: one missed or extra box by anyone, or one loose
    /// box, asks for another worker, and more workers make agreement rarer.
    AllAgree,
    /// Box by box: each cluster (at the agreement IoU) is settled when the weight of the workers who drew it and
    /// the weight of those who did not differ by at least [`AdaptiveParams::settled_margin`] × the weight of the most trusted
    /// counted worker, so that one more worker like the most trusted could not overturn it. Two trusted workers
    /// who drew the same object settle it, and so do two of three; a box only one of two drew needs a third
    /// opinion, and so does a box a trusted and a distrusted worker disagree on. The image is done when every
    /// cluster is settled.
    SettledBoxes,
}

/// A job's adaptive redundancy settings (`--min-workers-per-image`, `--workers-per-image`, `--agreement-iou`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaptiveParams {
    /// No image is done with fewer counted workers than this.
    pub min_workers: usize,
    /// Every image is done with this many counted workers, agreeing or not.
    pub max_workers: usize,
    pub agreement_iou: f64,
    pub rule: AgreementRule,
    /// See [`AgreementRule::SettledBoxes`]; [`DEFAULT_SETTLED_MARGIN`] unless a job says otherwise.
    pub settled_margin: f64,
}

impl AdaptiveParams {
    /// `min..=max` workers with the default agreement IoU and [`AgreementRule::SettledBoxes`].
    pub fn new(min_workers: usize, max_workers: usize) -> Self {
        Self {
            min_workers,
            max_workers,
            agreement_iou: DEFAULT_AGREEMENT_IOU,
            rule: AgreementRule::SettledBoxes,
            settled_margin: DEFAULT_SETTLED_MARGIN,
        }
    }

    /// A fixed number of workers per image, done when they have all answered (no adaptivity).
    pub fn fixed(workers: usize) -> Self {
        Self::new(workers, workers)
    }

    pub fn check(&self) -> Result<(), QualitySettingError> {
        if self.min_workers == 0 {
            return Err(QualitySettingError::MinWorkers);
        }
        if self.min_workers > self.max_workers {
            return Err(QualitySettingError::MinAboveMax {
                min_workers: self.min_workers,
                max_workers: self.max_workers,
            });
        }
        if !(self.agreement_iou > 0.0 && self.agreement_iou <= 1.0) {
            return Err(QualitySettingError::AgreementIou(self.agreement_iou));
        }
        if !(self.settled_margin > 0.0 && self.settled_margin <= 2.0) {
            return Err(QualitySettingError::SettledMargin(self.settled_margin));
        }
        Ok(())
    }
}

/// What an image needs next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageVerdict {
    /// Its answers agree (or it has `max_workers`): lease it to nobody else.
    Done,
    /// Back to the pool for one more worker.
    NeedsAnother,
}

/// Whether an image is done, from its submissions (one per worker who submitted it, empty when they drew
/// nothing) with each worker's weight. Only workers whose weight is positive count (see
/// [`Weighted::weight`]): give blocked workers weight 0. With fewer than `min_workers` counted workers the image
/// needs another, with `max_workers` or more it is done, and in between `params.rule` decides.
pub fn image_verdict<W: AsRef<[DatasetBox]>>(
    submissions: &[Weighted<W>],
    params: &AdaptiveParams,
) -> ImageVerdict {
    let (boxes, weights) = counted(submissions);
    if boxes.len() < params.min_workers.max(1) {
        return ImageVerdict::NeedsAnother;
    }
    if boxes.len() >= params.max_workers {
        return ImageVerdict::Done;
    }
    let clusters = cluster_boxes(&boxes, params.agreement_iou);
    let agreed = match params.rule {
        AgreementRule::AllAgree => clusters
            .iter()
            .all(|cluster| cluster.members.len() == boxes.len()),
        AgreementRule::SettledBoxes => {
            let total: f64 = weights.iter().sum();
            let most_trusted = weights.iter().copied().fold(0.0, f64::max);
            clusters.iter().all(|cluster| {
                let support: f64 = cluster.members.iter().map(|m| weights[m.worker]).sum();
                let margin = (support - (total - support)).abs();
                margin >= params.settled_margin * most_trusted
            })
        }
    };
    if agreed {
        ImageVerdict::Done
    } else {
        ImageVerdict::NeedsAnother
    }
}
