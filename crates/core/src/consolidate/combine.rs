//! Combining the boxes of one cluster into one box, each member's edges counted with their worker's weight.
//!
//! Every function sums in a fixed order (by edge value, or member order) and multiplies by the weight, so with
//! weight 1 each the result is bit for bit the plain (unweighted) mean, median or trimmed mean.

use crate::geometry::ImageRect;

use super::cluster::Member;
use super::Averaging;

/// Combines each edge (left, top, right, bottom) separately, so a worker who is off on one edge only spoils
/// that edge. `weights[i]` is the weight of `members[i]`, positive and finite.
pub(super) fn average(members: &[Member], weights: &[f64], averaging: Averaging) -> ImageRect {
    let edge = |pick: fn(&ImageRect) -> f64| {
        let mut values: Vec<(f64, f64)> = members
            .iter()
            .zip(weights)
            .map(|(member, &weight)| (pick(&member.rect), weight))
            .collect();
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        match averaging {
            Averaging::Mean => weighted_mean(&values),
            Averaging::Median => weighted_median(&values),
            Averaging::TrimmedMean if values.len() >= 4 => {
                weighted_mean(&values[1..values.len() - 1])
            }
            Averaging::TrimmedMean => weighted_mean(&values),
        }
    };
    let left = edge(|r| r.x);
    let top = edge(|r| r.y);
    let right = edge(ImageRect::right);
    let bottom = edge(ImageRect::bottom);
    ImageRect::new(left, top, (right - left).max(0.0), (bottom - top).max(0.0))
}

/// Σ weight × value / Σ weight of (value, weight) pairs.
fn weighted_mean(values: &[(f64, f64)]) -> f64 {
    let total: f64 = values.iter().map(|(_, weight)| weight).sum();
    values
        .iter()
        .map(|(value, weight)| weight * value)
        .sum::<f64>()
        / total
}

/// The weighted median of (value, weight) pairs sorted by value: the first value at which the running weight
/// reaches half the total, or the mean of it and the next value when the running weight is exactly half (so
/// equal weights give the plain median, the mean of the middle two for an even count).
fn weighted_median(sorted: &[(f64, f64)]) -> f64 {
    let half = sorted.iter().map(|(_, weight)| weight).sum::<f64>() / 2.0;
    let mut running = 0.0;
    for (index, &(value, weight)) in sorted.iter().enumerate() {
        running += weight;
        if running == half {
            if let Some(&(next, _)) = sorted.get(index + 1) {
                return (value + next) / 2.0;
            }
        }
        if running >= half {
            return value;
        }
    }
    sorted[sorted.len() - 1].0
}

/// The member box with the highest IoU to the members' weighted mean box (the first such on ties).
pub(super) fn nearest_to_mean(members: &[Member], weights: &[f64]) -> ImageRect {
    let mean_box = average(members, weights, Averaging::Mean);
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
