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

mod cluster;

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

/// Ground Truth style consolidation of one image's boxes; see the module documentation.
pub fn consolidate_ground_truth<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    params: &GroundTruthParams,
) -> Vec<ConsolidatedBox> {
    consolidate(workers, params.iou_threshold, params.quorum, |members| {
        average(members, params.averaging)
    })
}

/// CVAT style consolidation of one image's boxes; see the module documentation.
pub fn consolidate_cvat<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    params: &CvatParams,
) -> Vec<ConsolidatedBox> {
    consolidate(
        workers,
        params.iou_threshold,
        params.quorum,
        nearest_to_mean,
    )
}

fn consolidate<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    iou_threshold: f64,
    quorum: Quorum,
    combine: impl Fn(&[Member]) -> ImageRect,
) -> Vec<ConsolidatedBox> {
    let min_support = quorum.min_support(workers.len());
    cluster_boxes(workers, iou_threshold)
        .into_iter()
        .filter(|cluster| cluster.members.len() >= min_support)
        .map(|Cluster { label, members, .. }| {
            let rect = combine(&members);
            let agreement = members
                .iter()
                .map(|member| member.rect.iou(&rect))
                .sum::<f64>()
                / members.len() as f64;
            let support_fraction = members.len() as f64 / workers.len() as f64;
            let crowd_votes = members.iter().filter(|member| member.iscrowd).count();
            ConsolidatedBox {
                label,
                rect,
                confidence: (support_fraction * agreement).clamp(0.0, 1.0),
                support: members.len(),
                iscrowd: 2 * crowd_votes > members.len(),
            }
        })
        .collect()
}

/// Combines each edge (left, top, right, bottom) separately, so a worker who is off on one edge only spoils
/// that edge.
fn average(members: &[Member], averaging: Averaging) -> ImageRect {
    let edge = |pick: fn(&ImageRect) -> f64| {
        let mut values: Vec<f64> = members.iter().map(|member| pick(&member.rect)).collect();
        values.sort_by(f64::total_cmp);
        match averaging {
            Averaging::Mean => mean(&values),
            Averaging::Median => median(&values),
            Averaging::TrimmedMean if values.len() >= 4 => mean(&values[1..values.len() - 1]),
            Averaging::TrimmedMean => mean(&values),
        }
    };
    let left = edge(|r| r.x);
    let top = edge(|r| r.y);
    let right = edge(ImageRect::right);
    let bottom = edge(ImageRect::bottom);
    ImageRect::new(left, top, (right - left).max(0.0), (bottom - top).max(0.0))
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The median of sorted values (the mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// The member box with the highest IoU to the members' mean box (the first such on ties).
fn nearest_to_mean(members: &[Member]) -> ImageRect {
    let mean_box = average(members, Averaging::Mean);
    let mut best = members[0].rect;
    let mut best_iou = f64::NEG_INFINITY;
    for member in members {
        let iou = member.rect.iou(&mean_box);
        if iou > best_iou {
            best = member.rect;
            best_iou = iou;
        }
    }
    best
}

#[cfg(test)]
mod tests;
