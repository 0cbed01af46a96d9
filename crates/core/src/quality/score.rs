//! A worker's score from their gold results and their agreement with others, and the blocking rule.

use super::MatchCounts;

/// The score of a worker of whom nothing is known yet.
pub const PRIOR_SCORE: f64 = 0.5;
/// How many gold tasks' worth of evidence the prior is worth: a first gold result moves the score halfway.
pub const PRIOR_TASKS: f64 = 1.0;
/// How much one image boxed alongside others counts against one gold task. Agreement is weaker evidence: the
/// others are noisy too, and a good worker next to a bad one agrees badly through no fault of their own.
pub const AGREEMENT_TASK_WEIGHT: f64 = 0.25;

/// Everything the score is made of, summed over a worker's tasks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WorkerEvidence {
    /// Gold tasks submitted.
    pub gold_tasks: u64,
    /// The sum of [`super::score_gold`] over those tasks.
    pub gold: MatchCounts,
    /// Images of the job (not gold) that other counted workers boxed too.
    pub agreement_tasks: u64,
    /// The sum of this worker's [`super::agreement_counts`] over those images.
    pub agreement: MatchCounts,
}

impl WorkerEvidence {
    /// Adds one scored gold task.
    pub fn add_gold(&mut self, counts: MatchCounts) {
        self.gold_tasks += 1;
        self.gold = self.gold.plus(counts);
    }

    /// Adds one image's agreement with the others.
    pub fn add_agreement(&mut self, counts: MatchCounts) {
        self.agreement_tasks += 1;
        self.agreement = self.agreement.plus(counts);
    }

    /// See [`worker_score`].
    pub fn score(&self) -> f64 {
        worker_score(self)
    }
}

/// A worker's score in [0, 1]: a weighted mean of the prior, the gold quality and the agreement quality, where
/// each quality is [`MatchCounts::quality`] (mean IoU × F1) of the summed counts and each weighs as many tasks
/// as it holds, agreement tasks at [`AGREEMENT_TASK_WEIGHT`]:
///
/// ```text
/// score = (PRIOR_TASKS × PRIOR_SCORE + g × gold quality + AGREEMENT_TASK_WEIGHT × a × agreement quality)
///       / (PRIOR_TASKS + g + AGREEMENT_TASK_WEIGHT × a)
/// ```
///
/// with g gold tasks and a agreement images. A new worker starts at [`PRIOR_SCORE`]; evidence pulls the score
/// towards what it shows, gold four times as hard per task as agreement.
pub fn worker_score(evidence: &WorkerEvidence) -> f64 {
    let gold_weight = evidence.gold_tasks as f64;
    let agreement_weight = AGREEMENT_TASK_WEIGHT * evidence.agreement_tasks as f64;
    let weighted_sum = PRIOR_TASKS * PRIOR_SCORE
        + gold_weight * evidence.gold.quality()
        + agreement_weight * evidence.agreement.quality();
    (weighted_sum / (PRIOR_TASKS + gold_weight + agreement_weight)).clamp(0.0, 1.0)
}

/// The gold tasks a worker must have done before [`BlockRule`] may block them, unless a job says otherwise.
pub const DEFAULT_MIN_GOLD_TASKS: u64 = 5;

/// A job's blocking setting (`--block-below`): workers whose score falls below `block_below` are blocked, but
/// only once they have done `min_gold_tasks` gold tasks, so that one unlucky task blocks nobody.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockRule {
    pub block_below: f64,
    pub min_gold_tasks: u64,
}

/// Why a quality setting was refused; each names the setting.
#[derive(Clone, Debug, PartialEq)]
pub enum QualitySettingError {
    /// `block_below` is not a number in [0, 1].
    BlockBelow(f64),
    /// `min_gold_tasks` is 0: a worker could be blocked on agreement alone, before any gold task.
    MinGoldTasks,
    /// `gold_rate` is not a number in [0, [`MAX_GOLD_RATE`]].
    GoldRate(f64),
    /// `min_workers` is 0.
    MinWorkers,
    /// `min_workers` is above `max_workers`.
    MinAboveMax {
        min_workers: usize,
        max_workers: usize,
    },
    /// `agreement_iou` is not a number in (0, 1].
    AgreementIou(f64),
    /// `settled_margin` is not a number in (0, 2].
    SettledMargin(f64),
}

impl std::fmt::Display for QualitySettingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BlockBelow(value) => {
                write!(f, "block_below must be a score in [0, 1], not {value}")
            }
            Self::MinGoldTasks => write!(f, "min_gold_tasks must be at least 1"),
            Self::GoldRate(value) => {
                write!(f, "gold_rate must be in [0, {MAX_GOLD_RATE}], not {value}")
            }
            Self::MinWorkers => write!(f, "min_workers must be at least 1"),
            Self::MinAboveMax {
                min_workers,
                max_workers,
            } => write!(
                f,
                "min_workers ({min_workers}) must not be above max_workers ({max_workers})"
            ),
            Self::AgreementIou(value) => write!(f, "agreement_iou must be in (0, 1], not {value}"),
            Self::SettledMargin(value) => {
                write!(f, "settled_margin must be in (0, 2], not {value}")
            }
        }
    }
}

impl std::error::Error for QualitySettingError {}

/// The largest share of gold tasks a job may ask for: more would spend most of the volunteers' time on tasks
/// whose answer is already known.
pub const MAX_GOLD_RATE: f64 = 0.5;

/// Checks a job's gold rate: a number in [0, [`MAX_GOLD_RATE`]].
pub fn check_gold_rate(gold_rate: f64) -> Result<(), QualitySettingError> {
    if (0.0..=MAX_GOLD_RATE).contains(&gold_rate) {
        Ok(())
    } else {
        Err(QualitySettingError::GoldRate(gold_rate))
    }
}

impl BlockRule {
    /// A rule with [`DEFAULT_MIN_GOLD_TASKS`].
    pub fn below(block_below: f64) -> Self {
        Self {
            block_below,
            min_gold_tasks: DEFAULT_MIN_GOLD_TASKS,
        }
    }

    pub fn check(&self) -> Result<(), QualitySettingError> {
        if !(0.0..=1.0).contains(&self.block_below) {
            return Err(QualitySettingError::BlockBelow(self.block_below));
        }
        if self.min_gold_tasks == 0 {
            return Err(QualitySettingError::MinGoldTasks);
        }
        Ok(())
    }

    /// Whether a worker with this evidence is blocked.
    pub fn blocks(&self, evidence: &WorkerEvidence) -> bool {
        evidence.gold_tasks >= self.min_gold_tasks && worker_score(evidence) < self.block_below
    }
}
