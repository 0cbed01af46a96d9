//! Matching one set of boxes against another (a gold submission against the known boxes, or a worker's boxes
//! against the consolidated result) and the counts that measure how well they agree.

use crate::formats::DatasetBox;

/// A submitted box and a reference box paired up by [`match_boxes`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxMatch {
    /// Index into the submitted boxes.
    pub submitted: usize,
    /// Index into the reference boxes.
    pub reference: usize,
    pub iou: f64,
}

/// Pairs submitted boxes with reference boxes one to one: only boxes of the same label with IoU ≥ `min_iou`
/// can pair, and the pairs are taken greedily, highest IoU first (ties in input order, submitted box first),
/// each box at most once. This is how COCO's evaluation matches detections. It is not always the largest
/// matching (the Hungarian method finds one more pair in the rare case where a box is the best partner of two
/// boxes and the second of them had no other partner), but it never trades a close pair for a loose one, and a
/// worker's duplicate of a box they already drew is always the one left over.
///
/// A box whose rectangle is empty or not finite overlaps nothing and so never pairs. Pairs come out in the
/// order they were taken (highest IoU first).
pub fn match_boxes(
    submitted: &[DatasetBox],
    reference: &[DatasetBox],
    min_iou: f64,
) -> Vec<BoxMatch> {
    let mut candidates = Vec::new();
    for (s, submitted_box) in submitted.iter().enumerate() {
        for (r, reference_box) in reference.iter().enumerate() {
            if submitted_box.label != reference_box.label {
                continue;
            }
            let iou = submitted_box.rect.iou(&reference_box.rect);
            // IoU is 0 for empty rectangles and NaN for non-finite ones: neither passes.
            if iou > 0.0 && iou >= min_iou {
                candidates.push(BoxMatch {
                    submitted: s,
                    reference: r,
                    iou,
                });
            }
        }
    }
    // A stable sort: equal IoUs stay in input order.
    candidates.sort_by(|a, b| b.iou.total_cmp(&a.iou));
    let mut submitted_used = vec![false; submitted.len()];
    let mut reference_used = vec![false; reference.len()];
    candidates
        .into_iter()
        .filter(|candidate| {
            let free = !submitted_used[candidate.submitted] && !reference_used[candidate.reference];
            if free {
                submitted_used[candidate.submitted] = true;
                reference_used[candidate.reference] = true;
            }
            free
        })
        .collect()
}

/// How a set of submitted boxes agrees with a reference set: counts that add up over many images, so a worker's
/// record is the sum of their images' counts (and a database can keep it as four summed columns).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MatchCounts {
    /// Boxes the worker drew.
    pub submitted: u64,
    /// Boxes in the reference (the known boxes of a gold image, or the consolidated result).
    pub reference: u64,
    /// Pairs found by [`match_boxes`].
    pub matched: u64,
    /// The sum of the IoUs of those pairs.
    pub matched_iou_sum: f64,
}

impl MatchCounts {
    /// Matches `submitted` against `reference` at `min_iou` (see [`match_boxes`]) and counts the result.
    pub fn between(submitted: &[DatasetBox], reference: &[DatasetBox], min_iou: f64) -> Self {
        let matches = match_boxes(submitted, reference, min_iou);
        Self {
            submitted: submitted.len() as u64,
            reference: reference.len() as u64,
            matched: matches.len() as u64,
            matched_iou_sum: matches.iter().map(|m| m.iou).sum(),
        }
    }

    /// The counts of both together (as if the two were one image).
    pub fn plus(self, other: MatchCounts) -> MatchCounts {
        MatchCounts {
            submitted: self.submitted + other.submitted,
            reference: self.reference + other.reference,
            matched: self.matched + other.matched,
            matched_iou_sum: self.matched_iou_sum + other.matched_iou_sum,
        }
    }

    /// The mean IoU of the matched pairs; `None` when nothing matched.
    pub fn mean_iou(&self) -> Option<f64> {
        (self.matched > 0).then(|| self.matched_iou_sum / self.matched as f64)
    }

    /// The share of reference boxes that were found; 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.reference)
    }

    /// The share of submitted boxes that match a reference box; 1 when nothing was drawn.
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.submitted)
    }

    /// One number for the whole agreement, in [0, 1]: the sum of matched IoUs over the mean of the two box
    /// counts, 2 × Σ IoU / (submitted + reference). It is the matched boxes' mean IoU times the F1 of precision
    /// and recall (the "panoptic quality" of Kirillov et al., 2019), so missed boxes, extra boxes and loose
    /// boxes all lower it. 1 when neither side has a box: "nothing here" was the right answer.
    pub fn quality(&self) -> f64 {
        let boxes = self.submitted + self.reference;
        if boxes == 0 {
            1.0
        } else {
            (2.0 * self.matched_iou_sum / boxes as f64).clamp(0.0, 1.0)
        }
    }
}

impl std::iter::Sum for MatchCounts {
    fn sum<I: Iterator<Item = MatchCounts>>(iter: I) -> Self {
        iter.fold(MatchCounts::default(), MatchCounts::plus)
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}
