//! Gold scoring, worker scores and blocking, and the adaptive image verdict (`crowdbox_core::quality`).

mod agreement;
mod gold;
mod properties;
mod score;
mod verdict;

use crowdbox_core::consolidate::Weighted;
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::{
    image_verdict, AdaptiveParams, AgreementRule, ImageVerdict, MatchCounts,
};

fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
    DatasetBox::new(label, ImageRect::new(x, y, w, h))
}

fn cat(x: f64) -> DatasetBox {
    boxed("cat", x, 0.0, 100.0, 100.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn weighted(boxes: &[DatasetBox], weight: f64) -> Weighted<&[DatasetBox]> {
    Weighted::new(boxes, weight)
}

/// Match counts from (submitted, reference, matched, sum of matched IoUs).
fn counts(values: (u64, u64, u64, f64)) -> MatchCounts {
    let (submitted, reference, matched, matched_iou_sum) = values;
    MatchCounts {
        submitted,
        reference,
        matched,
        matched_iou_sum,
    }
}

const PERFECT: (u64, u64, u64, f64) = (2, 2, 2, 2.0);
const WRONG: (u64, u64, u64, f64) = (2, 2, 0, 0.0);

fn verdict(answers: &[(Vec<DatasetBox>, f64)], params: &AdaptiveParams) -> ImageVerdict {
    let submissions: Vec<_> = answers
        .iter()
        .map(|(boxes, weight)| weighted(boxes, *weight))
        .collect();
    image_verdict(&submissions, params)
}

/// The same bounds under [`AgreementRule::AllAgree`] and [`AgreementRule::SettledBoxes`].
fn both_rules(min: usize, max: usize) -> [AdaptiveParams; 2] {
    let settled = AdaptiveParams::new(min, max);
    let all_agree = AdaptiveParams {
        rule: AgreementRule::AllAgree,
        ..settled
    };
    [all_agree, settled]
}
