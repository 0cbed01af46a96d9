//! Consolidation: several workers' boxes for one image in, one agreed set of boxes out.
//!
//! Both methods first group the boxes into clusters, one per object (same label, IoU ≥ a threshold with every
//! other box in the cluster, at most one box per worker), then keep the clusters that enough workers support:
//! - [`consolidate_ground_truth`], after SageMaker Ground Truth: the kept box is an average of the members'
//!   edges (mean, median or trimmed mean); confidence = support fraction × mean IoU of the members to it.
//! - [`consolidate_cvat`], after CVAT's consensus merge: the kept box is the member nearest the members' mean
//!   (a medoid: a box somebody actually drew); confidence likewise, against that member.
//!
//! `workers` has one entry per worker who saw the image, also for workers who drew nothing: they count in the
//! quorum, since "no box here" is an answer.
//!
//! Each method also comes weighted ([`consolidate_ground_truth_weighted`], [`consolidate_cvat_weighted`]): every
//! worker's boxes carry a weight (their score, see [`crate::quality`]) in the quorum, the averaged edges, the
//! confidence and the crowd vote. With every weight 1 the weighted methods give bit for bit the unweighted
//! result; the unweighted functions stay as they were.

pub(crate) mod cluster;
mod combine;

use crate::formats::DatasetBox;
use crate::geometry::ImageRect;

use cluster::{cluster_boxes, Cluster, Member};

/// How many workers must have drawn an object for it to be kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quorum {
    /// More than half of the workers (3 of 5, 2 of 3, 2 of 2).
    Majority,
    /// At least this many workers (never fewer than 1); with fewer workers than this, nothing is kept.
    AtLeast(usize),
    /// At least this fraction of the workers, rounded up (never fewer than 1).
    Fraction(f64),
}

impl Quorum {
    /// Whether a cluster whose members weigh `support` in all passes, out of `workers` workers weighing `total`
    /// in all. Majority: more than half the total weight. Fraction(f): at least f × the total weight.
    /// AtLeast(n): at least the weight of n average workers (n × total / workers). With weight 1 each this is
    /// exactly `support >= min_support(workers)`.
    pub fn is_met(&self, support: f64, total: f64, workers: usize) -> bool {
        match *self {
            Quorum::Majority => 2.0 * support > total,
            Quorum::AtLeast(count) => {
                support >= count.max(1) as f64 * (total / workers.max(1) as f64)
            }
            Quorum::Fraction(fraction) => support >= fraction.clamp(0.0, 1.0) * total,
        }
    }

    /// The number of supporting workers needed out of `workers`.
    pub fn min_support(&self, workers: usize) -> usize {
        match *self {
            Quorum::Majority => workers / 2 + 1,
            Quorum::AtLeast(count) => count.max(1),
            Quorum::Fraction(fraction) => {
                ((fraction.clamp(0.0, 1.0) * workers as f64).ceil() as usize).max(1)
            }
        }
    }
}

/// How the edges of a cluster's boxes are combined into one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Averaging {
    /// The mean of each edge: the best estimate when every worker's error is small and symmetric.
    Mean,
    /// The median of each edge: ignores one wild worker in three, at some cost in precision.
    Median,
    /// The mean of each edge without its lowest and highest value when there are four or more.
    TrimmedMean,
}

/// Ground Truth style settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroundTruthParams {
    /// Two boxes of one label are the same object when their IoU is at least this.
    pub iou_threshold: f64,
    pub quorum: Quorum,
    pub averaging: Averaging,
}

impl Default for GroundTruthParams {
    fn default() -> Self {
        Self {
            iou_threshold: 0.5,
            quorum: Quorum::Majority,
            averaging: Averaging::Mean,
        }
    }
}

/// CVAT style settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CvatParams {
    /// Two boxes of one label are the same object when their IoU is at least this.
    pub iou_threshold: f64,
    pub quorum: Quorum,
}

impl Default for CvatParams {
    fn default() -> Self {
        Self {
            iou_threshold: 0.5,
            quorum: Quorum::Majority,
        }
    }
}

/// One agreed box.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsolidatedBox {
    pub label: String,
    pub rect: ImageRect,
    /// Support fraction × mean IoU of the supporting boxes to `rect`, in [0, 1].
    pub confidence: f64,
    /// How many workers drew this object.
    pub support: usize,
    /// Most of the supporting boxes were marked as covering a crowd.
    pub iscrowd: bool,
}

impl ConsolidatedBox {
    pub fn into_dataset_box(self) -> DatasetBox {
        DatasetBox {
            label: self.label,
            rect: self.rect,
            iscrowd: self.iscrowd,
            confidence: Some(self.confidence),
        }
    }
}

/// One worker's boxes for an image and the weight they carry in a weighted consolidation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weighted<W> {
    pub boxes: W,
    /// The worker's weight, normally their score in [0, 1]. A weight that is 0, negative or not finite leaves
    /// the worker out entirely, as if they had not seen the image (this is how blocked workers stop counting).
    pub weight: f64,
}

impl<W> Weighted<W> {
    pub fn new(boxes: W, weight: f64) -> Self {
        Self { boxes, weight }
    }

    /// Whether this worker takes part at all (see [`Weighted::weight`]).
    pub fn counts(&self) -> bool {
        self.weight.is_finite() && self.weight > 0.0
    }
}

/// Ground Truth style consolidation of one image's boxes; see the module documentation.
pub fn consolidate_ground_truth<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    params: &GroundTruthParams,
) -> Vec<ConsolidatedBox> {
    consolidate(
        workers,
        &vec![1.0; workers.len()],
        params.iou_threshold,
        params.quorum,
        |members, weights| combine::average(members, weights, params.averaging),
    )
}

/// Ground Truth style consolidation with a weight per worker; see the module documentation.
pub fn consolidate_ground_truth_weighted<W: AsRef<[DatasetBox]>>(
    workers: &[Weighted<W>],
    params: &GroundTruthParams,
) -> Vec<ConsolidatedBox> {
    let (boxes, weights) = counted(workers);
    consolidate(
        &boxes,
        &weights,
        params.iou_threshold,
        params.quorum,
        |members, weights| combine::average(members, weights, params.averaging),
    )
}

/// CVAT style consolidation of one image's boxes; see the module documentation.
pub fn consolidate_cvat<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    params: &CvatParams,
) -> Vec<ConsolidatedBox> {
    consolidate(
        workers,
        &vec![1.0; workers.len()],
        params.iou_threshold,
        params.quorum,
        combine::nearest_to_mean,
    )
}

/// CVAT style consolidation with a weight per worker: the medoid is the member nearest the members' weighted
/// mean; see the module documentation.
pub fn consolidate_cvat_weighted<W: AsRef<[DatasetBox]>>(
    workers: &[Weighted<W>],
    params: &CvatParams,
) -> Vec<ConsolidatedBox> {
    let (boxes, weights) = counted(workers);
    consolidate(
        &boxes,
        &weights,
        params.iou_threshold,
        params.quorum,
        combine::nearest_to_mean,
    )
}

/// The boxes and weights of the workers who take part (positive, finite weight).
pub(crate) fn counted<W: AsRef<[DatasetBox]>>(
    workers: &[Weighted<W>],
) -> (Vec<&[DatasetBox]>, Vec<f64>) {
    workers
        .iter()
        .filter(|worker| worker.counts())
        .map(|worker| (worker.boxes.as_ref(), worker.weight))
        .unzip()
}

/// `weights[i]` is the weight of `workers[i]`, every one positive and finite.
fn consolidate<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    weights: &[f64],
    iou_threshold: f64,
    quorum: Quorum,
    combine: impl Fn(&[Member], &[f64]) -> ImageRect,
) -> Vec<ConsolidatedBox> {
    let total_weight: f64 = weights.iter().sum();
    cluster_boxes(workers, iou_threshold)
        .into_iter()
        .filter_map(|Cluster { label, members, .. }| {
            let member_weights: Vec<f64> = members.iter().map(|m| weights[m.worker]).collect();
            let support_weight: f64 = member_weights.iter().sum();
            if !quorum.is_met(support_weight, total_weight, workers.len()) {
                return None;
            }
            let rect = combine(&members, &member_weights);
            let agreement = members
                .iter()
                .zip(&member_weights)
                .map(|(member, weight)| weight * member.rect.iou(&rect))
                .sum::<f64>()
                / support_weight;
            let support_fraction = support_weight / total_weight;
            let crowd_weight: f64 = members
                .iter()
                .zip(&member_weights)
                .filter(|(member, _)| member.iscrowd)
                .map(|(_, weight)| weight)
                .sum();
            Some(ConsolidatedBox {
                label,
                rect,
                confidence: (support_fraction * agreement).clamp(0.0, 1.0),
                support: members.len(),
                iscrowd: 2.0 * crowd_weight > support_weight,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod weighted_tests;
