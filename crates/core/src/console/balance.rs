//! Class balance: objects per label after consolidation beside the raw boxes, the imbalance ratio, the owner's
//! per-label targets and the labels still short of them; and the spread of box sizes per label.

use std::collections::BTreeMap;

use crate::owner::{BoxSizes, JobStats};

/// One label's row of the class-balance chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelBalance {
    pub label: String,
    /// Objects after consolidating each image's boxes.
    pub objects: u64,
    /// Every worker's boxes of the label.
    pub boxes: u64,
    pub target: Option<u64>,
}

impl LabelBalance {
    /// How many objects the label still needs to reach its target; `None` without a target or once reached.
    pub fn short_by(&self) -> Option<u64> {
        self.target
            .filter(|target| *target > self.objects)
            .map(|target| target - self.objects)
    }
}

/// The class balance of a job, in the job's label order (labels without any box included).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassBalance {
    pub rows: Vec<LabelBalance>,
}

impl ClassBalance {
    pub fn new(labels: &[String], stats: &JobStats) -> Self {
        let objects: BTreeMap<&str, u64> = stats
            .objects_per_label
            .iter()
            .map(|l| (l.label.as_str(), l.objects))
            .collect();
        let boxes: BTreeMap<&str, u64> = stats
            .boxes_per_label
            .iter()
            .map(|l| (l.label.as_str(), l.boxes))
            .collect();
        let rows = labels
            .iter()
            .map(|label| LabelBalance {
                label: label.clone(),
                objects: objects.get(label.as_str()).copied().unwrap_or(0),
                boxes: boxes.get(label.as_str()).copied().unwrap_or(0),
                target: stats.label_targets.get(label).copied(),
            })
            .collect();
        Self { rows }
    }

    /// The most objects of one label over the fewest; `None` without labels or when a label has none yet.
    pub fn imbalance_ratio(&self) -> Option<f64> {
        ratio(self.rows.iter().map(|r| r.objects))
    }

    /// The same ratio over the raw boxes.
    pub fn raw_imbalance_ratio(&self) -> Option<f64> {
        ratio(self.rows.iter().map(|r| r.boxes))
    }

    /// The labels short of their targets, with how many objects each still needs, in label order.
    pub fn short_labels(&self) -> Vec<(&str, u64)> {
        self.rows
            .iter()
            .filter_map(|r| r.short_by().map(|n| (r.label.as_str(), n)))
            .collect()
    }

    /// The chart's axis end: a nice number at or above every count and target.
    pub fn scale_max(&self) -> f64 {
        let largest = self
            .rows
            .iter()
            .flat_map(|r| [r.objects, r.boxes, r.target.unwrap_or(0)])
            .max()
            .unwrap_or(0);
        super::nice_ceiling(largest as f64)
    }

    /// The targets as `PATCH /api/jobs/{job}` takes them (`label_targets`), after setting `label`'s to `target`.
    pub fn targets_with(&self, label: &str, target: Option<u64>) -> BTreeMap<String, u64> {
        self.rows
            .iter()
            .filter_map(|r| {
                let value = if r.label == label { target } else { r.target };
                value.map(|v| (r.label.clone(), v))
            })
            .collect()
    }
}

fn ratio(counts: impl Iterator<Item = u64>) -> Option<f64> {
    let counts: Vec<u64> = counts.collect();
    let (min, max) = (*counts.iter().min()?, *counts.iter().max()?);
    (min > 0).then(|| max as f64 / min as f64)
}

/// A target as the owner types it: empty for none, else a whole number above 0 (`1000`, `1,000` or `1 000`).
pub fn parse_target(text: &str) -> Result<Option<u64>, String> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    match digits.parse::<u64>() {
        Ok(0) | Err(_) => Err(format!(
            "{:?} is not a target: type a whole number of objects above 0, or nothing for no target",
            text.trim()
        )),
        Ok(n) => Ok(Some(n)),
    }
}

/// One label's box sizes placed on the spread chart's shared scale (fractions of its width, 0 to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct SizeSpread {
    pub sizes: BoxSizes,
    pub min_at: f64,
    pub median_at: f64,
    pub max_at: f64,
}

/// The box-size spread of every label that has boxes, on one logarithmic scale from the smallest box to the
/// largest (sizes are √area in pixels and span orders of magnitude), and the scale's ends.
pub fn size_spread(sizes: &[BoxSizes]) -> (Vec<SizeSpread>, f64, f64) {
    let with_boxes: Vec<&BoxSizes> = sizes.iter().filter(|s| s.boxes > 0).collect();
    let low = with_boxes
        .iter()
        .map(|s| s.min)
        .fold(f64::INFINITY, f64::min)
        .max(1.0);
    let high = with_boxes
        .iter()
        .map(|s| s.max)
        .fold(0.0, f64::max)
        .max(low);
    let span = (high.ln() - low.ln()).max(f64::EPSILON);
    let at = |v: f64| {
        if high <= low {
            0.5
        } else {
            ((v.max(low).ln() - low.ln()) / span).clamp(0.0, 1.0)
        }
    };
    let rows = with_boxes
        .into_iter()
        .map(|s| SizeSpread {
            min_at: at(s.min),
            median_at: at(s.median),
            max_at: at(s.max),
            sizes: s.clone(),
        })
        .collect();
    if low.is_infinite() {
        (rows, 0.0, 0.0)
    } else {
        (rows, low, high)
    }
}
