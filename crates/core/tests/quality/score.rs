use super::*;
use crowdbox_core::quality::*;

#[test]
fn a_worker_of_whom_nothing_is_known_has_the_prior_score() {
    assert_eq!(WorkerEvidence::default().score(), PRIOR_SCORE);
}

#[test]
fn the_score_is_the_documented_weighted_mean_of_prior_gold_and_agreement() {
    let mut evidence = WorkerEvidence::default();
    for _ in 0..3 {
        evidence.add_gold(counts((2, 2, 2, 1.6))); // quality 0.8
    }
    for _ in 0..8 {
        evidence.add_agreement(counts((2, 2, 1, 0.9))); // quality 0.45
    }
    let expected = (PRIOR_TASKS * PRIOR_SCORE + 3.0 * 0.8 + AGREEMENT_TASK_WEIGHT * 8.0 * 0.45)
        / (PRIOR_TASKS + 3.0 + AGREEMENT_TASK_WEIGHT * 8.0);
    assert!(close(worker_score(&evidence), expected));
    assert_eq!(
        (PRIOR_SCORE, PRIOR_TASKS, AGREEMENT_TASK_WEIGHT),
        (0.5, 1.0, 0.25)
    );
}

#[test]
fn one_gold_task_moves_the_score_halfway_and_counts_as_four_agreement_images() {
    let mut gold_once = WorkerEvidence::default();
    gold_once.add_gold(counts(PERFECT));
    assert!(close(gold_once.score(), 0.75));
    let mut agreed_four_times = WorkerEvidence::default();
    for _ in 0..4 {
        agreed_four_times.add_agreement(counts(PERFECT));
    }
    assert!(close(agreed_four_times.score(), 0.75));
}

#[test]
fn blocking_waits_for_the_minimum_of_gold_tasks() {
    let rule = BlockRule::below(0.3);
    assert_eq!(rule.min_gold_tasks, DEFAULT_MIN_GOLD_TASKS);
    let mut evidence = WorkerEvidence::default();
    for _ in 0..DEFAULT_MIN_GOLD_TASKS - 1 {
        evidence.add_gold(counts(WRONG));
        for _ in 0..10 {
            evidence.add_agreement(counts(WRONG));
        }
    }
    assert!(evidence.score() < 0.3);
    assert!(!rule.blocks(&evidence), "too few gold tasks yet");
    evidence.add_gold(counts(WRONG));
    assert!(rule.blocks(&evidence));
    assert_eq!(consolidation_weight(&evidence, Some(&rule)), 0.0);
    assert_eq!(consolidation_weight(&evidence, None), evidence.score());
}

#[test]
fn blocking_applies_below_the_threshold_not_at_it() {
    let mut evidence = WorkerEvidence::default();
    evidence.add_gold(counts(PERFECT));
    let at = BlockRule {
        block_below: evidence.score(),
        min_gold_tasks: 1,
    };
    assert!(!at.blocks(&evidence));
    let above = BlockRule {
        block_below: evidence.score() + 1e-6,
        ..at
    };
    assert!(above.blocks(&evidence));
}

#[test]
fn quality_settings_out_of_range_are_refused_naming_the_setting() {
    let refused = |result: Result<(), QualitySettingError>, setting: &str| {
        let error = result.expect_err(setting);
        assert!(error.to_string().starts_with(setting), "{error}");
    };
    for bad in [-0.1, 1.5, f64::NAN] {
        refused(BlockRule::below(bad).check(), "block_below");
    }
    refused(
        BlockRule {
            block_below: 0.5,
            min_gold_tasks: 0,
        }
        .check(),
        "min_gold_tasks",
    );
    assert!(BlockRule::below(0.0).check().is_ok() && BlockRule::below(1.0).check().is_ok());
    for bad in [-0.01, 0.51, f64::NAN, f64::INFINITY] {
        refused(check_gold_rate(bad), "gold_rate");
    }
    assert!(check_gold_rate(0.0).is_ok() && check_gold_rate(MAX_GOLD_RATE).is_ok());
    refused(AdaptiveParams::new(0, 5).check(), "min_workers must be");
    refused(AdaptiveParams::new(6, 5).check(), "min_workers (6)");
    for bad in [0.0, 1.01, f64::NAN] {
        let params = AdaptiveParams {
            agreement_iou: bad,
            ..AdaptiveParams::new(2, 5)
        };
        refused(params.check(), "agreement_iou");
    }
    for bad in [0.0, 2.5, f64::NAN] {
        let params = AdaptiveParams {
            settled_margin: bad,
            ..AdaptiveParams::new(2, 5)
        };
        refused(params.check(), "settled_margin");
    }
    assert!(AdaptiveParams::new(2, 5).check().is_ok() && AdaptiveParams::fixed(1).check().is_ok());
}
