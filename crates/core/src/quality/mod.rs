//! Quality control: gold tasks, worker scores and blocking, and adaptive redundancy.
//!
//! Pure functions; the server keeps the counts they return and calls them at these moments:
//!
//! - **A gold submission arrives**: [`score_gold`] (the worker's boxes, the image's known boxes) gives
//!   [`MatchCounts`]: boxes drawn, boxes known, matched pairs and the sum of their IoUs (matched at IoU ≥
//!   [`GOLD_MATCH_IOU`], same label, greedy by IoU, see [`match_boxes`]). Keep one row per (worker, gold image).
//!   A worker's gold mean IoU, recall and precision are [`MatchCounts::mean_iou`], [`MatchCounts::recall`] and
//!   [`MatchCounts::precision`] of the sum of their rows (`SUM()` of each column).
//! - **An image's submissions change** (a submission, a worker blocked or unblocked): with the image's
//!   submissions and each worker's [`consolidation_weight`] (0 when blocked),
//!   - [`agreement_counts`] gives each counted worker's agreement with the others' weighted consolidation:
//!     replace that image's agreement rows with them;
//!   - [`image_verdict`] with the job's [`AdaptiveParams`] says whether the image is [`ImageVerdict::Done`] or
//!     [`ImageVerdict::NeedsAnother`] (store it: it is what leasing and the progress counts read). It is taken
//!     with the weights of that moment and not revisited when scores drift later, only when the image's
//!     submissions change or one of its workers is blocked (as `examples/quality_sim.rs` does).
//! - **A worker's rows change**: [`WorkerEvidence`] is the sums of their gold rows and agreement rows (with
//!   the counts of each); [`worker_score`] is their score, [`BlockRule::blocks`] whether the job's
//!   `--block-below` now blocks them. When it does, release their unsubmitted leases and run the step above
//!   for each image they submitted (their weight is now 0, so an image they had finished may need another).
//! - **Leasing**: an image that has submissions and [`ImageVerdict::NeedsAnother`] is "waiting for another
//!   opinion"; with `--finish-first` those come before fresh images. A batch mixes in gold images the worker has
//!   not done at the job's gold rate ([`check_gold_rate`] checks the setting).
//! - **Export and stats**: [`crate::consolidate::consolidate_ground_truth_weighted`] or
//!   [`crate::consolidate::consolidate_cvat_weighted`] with each worker's [`consolidation_weight`].
//!
//! The score, in one line (see [`worker_score`]): a weighted mean of a prior of 0.5 worth one gold task, the
//! worker's gold quality (matched mean IoU × F1, [`MatchCounts::quality`]) weighted by their gold tasks, and
//! their agreement quality weighted by a quarter of their agreement images.

mod done;
mod matching;
mod score;
mod settings;

pub use done::{
    image_verdict, AdaptiveParams, AgreementRule, ImageVerdict, DEFAULT_AGREEMENT_IOU,
    DEFAULT_SETTLED_MARGIN,
};
pub use matching::{match_boxes, BoxMatch, MatchCounts};
pub use score::{
    check_gold_rate, worker_score, BlockRule, QualitySettingError, WorkerEvidence,
    AGREEMENT_TASK_WEIGHT, DEFAULT_MIN_GOLD_TASKS, MAX_GOLD_RATE, PRIOR_SCORE, PRIOR_TASKS,
};
pub use settings::{JobQuality, DEFAULT_GOLD_RATE};

use crate::consolidate::{consolidate_ground_truth_weighted, GroundTruthParams, Weighted};
use crate::formats::DatasetBox;

/// A gold box is found when a submitted box of the same label overlaps it at least this much.
pub const GOLD_MATCH_IOU: f64 = 0.5;

/// Scores one gold submission against the image's known boxes.
pub fn score_gold(submitted: &[DatasetBox], known: &[DatasetBox]) -> MatchCounts {
    MatchCounts::between(submitted, known, GOLD_MATCH_IOU)
}

/// Each submission's agreement with the weighted consolidation (`params`) of the image's other counted
/// submissions, matched as gold is. `None` for a worker who does not count (weight 0) or who is the only one
/// counted: there is nobody to agree with.
pub fn agreement_counts<W: AsRef<[DatasetBox]>>(
    submissions: &[Weighted<W>],
    params: &GroundTruthParams,
) -> Vec<Option<MatchCounts>> {
    let counted = submissions.iter().filter(|s| s.counts()).count();
    submissions
        .iter()
        .enumerate()
        .map(|(index, submission)| {
            if !submission.counts() || counted < 2 {
                return None;
            }
            let others: Vec<Weighted<&[DatasetBox]>> = submissions
                .iter()
                .enumerate()
                .filter(|&(other, _)| other != index)
                .map(|(_, s)| Weighted::new(s.boxes.as_ref(), s.weight))
                .collect();
            let reference: Vec<DatasetBox> = consolidate_ground_truth_weighted(&others, params)
                .into_iter()
                .map(|consolidated| consolidated.into_dataset_box())
                .collect();
            Some(MatchCounts::between(
                submission.boxes.as_ref(),
                &reference,
                GOLD_MATCH_IOU,
            ))
        })
        .collect()
}

/// The weight of a worker's boxes in consolidation and in [`image_verdict`]: their score, or 0 when `block`
/// blocks them (so they stop counting anywhere).
pub fn consolidation_weight(evidence: &WorkerEvidence, block: Option<&BlockRule>) -> f64 {
    if block.is_some_and(|rule| rule.blocks(evidence)) {
        0.0
    } else {
        worker_score(evidence)
    }
}
