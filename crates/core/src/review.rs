//! The owner's review queue: how sure the crowd's answer for an image is, which images a query asks for, and the
//! checks of an owner's corrected boxes. The server reads the rows and stores decisions; the rules are here.

use std::collections::BTreeMap;

use crate::coco::CocoImage;
use crate::consolidate::{consolidate_ground_truth, ConsolidatedBox, GroundTruthParams};
use crate::formats::DatasetBox;
use crate::geometry::ImageRect;
use crate::owner::{LabelledBox, ReviewParams, ReviewState};
use crate::quality::{image_verdict, AdaptiveParams, AgreementRule, ImageVerdict, MatchCounts};
use crate::validate::{validate_bbox, FieldError};

/// `filter=low_confidence` shows images whose confidence is below this unless the query gives `below`.
pub const DEFAULT_LOW_CONFIDENCE: f64 = 0.7;

/// Images per page unless the query gives `limit`.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// The most images one page holds.
pub const MAX_PAGE_SIZE: usize = 200;

/// A worker's box counts as found by the consolidation when it overlaps a consolidated box of its label this much
/// (Ground Truth's matching threshold).
const FOUND_IOU: f64 = 0.5;

/// What the crowd's answers for one image come to.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The consolidated boxes (Ground Truth style), with their confidences.
    pub boxes: Vec<ConsolidatedBox>,
    /// The lowest box confidence, and at most the share of workers none of whose boxes the consolidation dropped;
    /// 1 for an image every worker left empty, and for one worker's answer.
    pub confidence: f64,
    /// Two or more workers answered and not all of them drew the same objects (core's all-agree rule at
    /// [`crate::quality::DEFAULT_AGREEMENT_IOU`]).
    pub disagreement: bool,
}

/// Consolidates one image's worker answers (one box list per worker, empty when they drew nothing).
pub fn assess<W: AsRef<[DatasetBox]>>(workers: &[W]) -> Assessment {
    let boxes = consolidate_ground_truth(workers, &GroundTruthParams::default());
    let consolidated: Vec<DatasetBox> = boxes
        .iter()
        .cloned()
        .map(ConsolidatedBox::into_dataset_box)
        .collect();
    let kept = workers
        .iter()
        .filter(|answer| {
            let counts = MatchCounts::between(answer.as_ref(), &consolidated, FOUND_IOU);
            counts.matched == counts.submitted
        })
        .count();
    let kept_share = if workers.is_empty() {
        1.0
    } else {
        kept as f64 / workers.len() as f64
    };
    let confidence = boxes
        .iter()
        .map(|found| found.confidence)
        .fold(kept_share, f64::min);
    let disagreement = workers.len() >= 2 && {
        let weighted: Vec<_> = workers
            .iter()
            .map(|answer| crate::consolidate::Weighted::new(answer.as_ref(), 1.0))
            .collect();
        let all_agree = AdaptiveParams {
            rule: AgreementRule::AllAgree,
            ..AdaptiveParams::new(workers.len(), workers.len() + 1)
        };
        image_verdict(&weighted, &all_agree) == ImageVerdict::NeedsAnother
    };
    Assessment {
        boxes,
        confidence,
        disagreement,
    }
}

/// Which images of the queue a request asks for; every given condition must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewQuery {
    /// Only images whose confidence is below this.
    pub confidence_below: Option<f64>,
    pub disagreement: bool,
    /// Only images with a consolidated (or final) box of this label.
    pub label: Option<String>,
    /// Only images this worker answered.
    pub worker: Option<String>,
    /// Only images some worker answered with this outcome (`nothing_to_label`, `image_unreadable`, `unsure`).
    pub outcome: Option<String>,
    /// Only reviewed (`true`) or not yet reviewed (`false`) images.
    pub reviewed: Option<bool>,
    /// Only images with a larger id (the cursor of the previous page).
    pub after: Option<u64>,
    pub limit: usize,
}

/// The outcomes a submission can have besides drawing boxes.
pub const OUTCOMES: [&str; 4] = ["boxed", "nothing_to_label", "image_unreadable", "unsure"];

impl ReviewQuery {
    /// Reads the query string's parameters; an unknown filter, a bad number or a label the job lacks is an error
    /// naming the parameter.
    pub fn parse(params: &ReviewParams, labels: &[String]) -> Result<Self, FieldError> {
        let mut query = ReviewQuery {
            limit: DEFAULT_PAGE_SIZE,
            ..ReviewQuery::default()
        };
        let below = match params.below.as_deref() {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(value) if (0.0..=1.0).contains(&value) => Some(value),
                _ => {
                    return Err(FieldError::new(
                        "below",
                        format!("below must be a number from 0 to 1, not {text:?}"),
                    ))
                }
            },
        };
        match params.filter.as_deref() {
            None | Some("") | Some("all") => {
                if below.is_some() {
                    return Err(FieldError::new("below", "below goes with filter=low_confidence"));
                }
            }
            Some("low_confidence") => {
                query.confidence_below = Some(below.unwrap_or(DEFAULT_LOW_CONFIDENCE));
            }
            Some("disagreement") => query.disagreement = true,
            Some(other) => {
                return Err(FieldError::new(
                    "filter",
                    format!("filter must be low_confidence or disagreement, not {other:?} (label, worker and outcome are parameters of their own)"),
                ))
            }
        }
        if let Some(label) = &params.label {
            if !labels.contains(label) {
                return Err(FieldError::new(
                    "label",
                    format!(
                        "the job has no label {label:?}; its labels are {}",
                        labels.join(", ")
                    ),
                ));
            }
            query.label = Some(label.clone());
        }
        query.worker = params.worker.clone().filter(|worker| !worker.is_empty());
        if let Some(outcome) = &params.outcome {
            if !OUTCOMES.contains(&outcome.as_str()) {
                return Err(FieldError::new(
                    "outcome",
                    format!(
                        "outcome must be one of {}, not {outcome:?}",
                        OUTCOMES.join(", ")
                    ),
                ));
            }
            query.outcome = Some(outcome.clone());
        }
        query.reviewed = match params.reviewed.as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => {
                return Err(FieldError::new(
                    "reviewed",
                    format!("reviewed must be true or false, not {other:?}"),
                ))
            }
        };
        if let Some(cursor) = &params.cursor {
            query.after = Some(cursor.parse::<u64>().map_err(|_| {
                FieldError::new(
                    "cursor",
                    format!("cursor {cursor:?} is not one this server gave"),
                )
            })?);
        }
        if let Some(limit) = &params.limit {
            query.limit = match limit.parse::<usize>() {
                Ok(value) if (1..=MAX_PAGE_SIZE).contains(&value) => value,
                _ => {
                    return Err(FieldError::new(
                        "limit",
                        format!(
                            "limit must be a whole number from 1 to {MAX_PAGE_SIZE}, not {limit:?}"
                        ),
                    ))
                }
            };
        }
        Ok(query)
    }

    /// Whether the image belongs on the page (before the cursor and the page size are applied).
    pub fn admits(&self, image: &QueueImage<'_>, assessment: &Assessment) -> bool {
        if image.workers.is_empty() && image.reviewed.is_none() {
            return false;
        }
        if let Some(below) = self.confidence_below {
            if image.reviewed.is_some()
                || image.workers.is_empty()
                || assessment.confidence >= below
            {
                return false;
            }
        }
        if self.disagreement && (image.reviewed.is_some() || !assessment.disagreement) {
            return false;
        }
        if let Some(label) = &self.label {
            let shown = image.shown_boxes(assessment);
            if !shown.iter().any(|found| &found.label == label) {
                return false;
            }
        }
        if let Some(worker) = &self.worker {
            if !image.workers.iter().any(|(id, _)| id == worker) {
                return false;
            }
        }
        if let Some(outcome) = &self.outcome {
            let counted = if outcome == "boxed" {
                image.workers.iter().any(|(_, boxes)| !boxes.is_empty())
            } else {
                image.outcomes.get(outcome).is_some_and(|count| *count > 0)
            };
            if !counted {
                return false;
            }
        }
        if let Some(reviewed) = self.reviewed {
            if image.reviewed.is_some() != reviewed {
                return false;
            }
        }
        true
    }
}

/// One image as the queue sees it.
#[derive(Clone, Debug)]
pub struct QueueImage<'a> {
    /// Each worker's id and boxes (the owner's and imported final submissions are not among them).
    pub workers: &'a [(String, Vec<DatasetBox>)],
    /// How many submissions gave each outcome other than `boxed`.
    pub outcomes: &'a BTreeMap<String, u32>,
    pub reviewed: Option<ReviewState>,
    /// The reviewed final boxes, when there is a review.
    pub final_boxes: &'a [DatasetBox],
}

impl QueueImage<'_> {
    /// The boxes the owner sees: the final ones once reviewed, else the consolidated ones.
    pub fn shown_boxes(&self, assessment: &Assessment) -> Vec<LabelledBox> {
        if self.reviewed.is_some() {
            self.final_boxes.iter().map(labelled).collect()
        } else {
            assessment
                .boxes
                .iter()
                .map(|found| LabelledBox {
                    label: found.label.clone(),
                    bbox: rect_bbox(found.rect),
                    confidence: Some(found.confidence),
                })
                .collect()
        }
    }
}

/// A dataset box in the API's form.
pub fn labelled(found: &DatasetBox) -> LabelledBox {
    LabelledBox {
        label: found.label.clone(),
        bbox: rect_bbox(found.rect),
        confidence: found.confidence,
    }
}

fn rect_bbox(rect: ImageRect) -> [f64; 4] {
    [rect.x, rect.y, rect.w, rect.h]
}

/// Checks the owner's corrected boxes against the image and the job's labels, as a volunteer's submission is
/// checked; gives each box's category id (1-based label index) and its bbox clipped to the image. An error names
/// the box (`boxes[2].label`, `boxes[0].bbox`).
pub fn check_corrected_boxes(
    boxes: &[LabelledBox],
    labels: &[String],
    image: &CocoImage,
) -> Result<Vec<(u64, [f64; 4])>, FieldError> {
    boxes
        .iter()
        .enumerate()
        .map(|(index, found)| {
            let category = labels
                .iter()
                .position(|label| label == &found.label)
                .ok_or_else(|| {
                    FieldError::new(
                        format!("boxes[{index}].label"),
                        format!(
                            "the job has no label {:?}; its labels are {}",
                            found.label,
                            labels.join(", ")
                        ),
                    )
                })?;
            validate_bbox(&format!("boxes[{index}].bbox"), found.bbox, image)?;
            let clipped = crate::validate::clip_to_image(found.bbox, image.width, image.height);
            Ok((category as u64 + 1, clipped))
        })
        .collect()
}

#[cfg(test)]
mod tests;
