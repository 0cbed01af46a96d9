//! Non-maximum suppression, per class: of boxes of one class that overlap by more than the IoU threshold, only
//! the highest-scoring one is kept (as Ultralytics' default, `agnostic=False`).

use crate::decode::Candidate;

/// The candidates that survive, highest score first, at most `max_detections` of them.
pub fn nms_per_class(
    mut candidates: Vec<Candidate>,
    iou_threshold: f64,
    max_detections: usize,
) -> Vec<Candidate> {
    // Stable sort: among equal scores the earlier candidate wins, so the result does not depend on sort order.
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        if kept.len() >= max_detections {
            break;
        }
        let suppressed = kept.iter().any(|k| {
            k.class == candidate.class && k.input_box.iou(&candidate.input_box) > iou_threshold
        });
        if !suppressed {
            kept.push(candidate);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::InputBox;

    fn candidate(x1: f64, score: f32, class: usize) -> Candidate {
        Candidate {
            input_box: InputBox {
                x1,
                y1: 0.0,
                x2: x1 + 10.0,
                y2: 10.0,
            },
            score,
            class,
        }
    }

    #[test]
    fn an_overlapping_lower_score_box_of_the_same_class_is_dropped() {
        // IoU of boxes shifted by 1 of 10: 9/11 ≈ 0.82 > 0.45.
        let kept = nms_per_class(
            vec![candidate(1.0, 0.6, 0), candidate(0.0, 0.9, 0)],
            0.45,
            300,
        );
        assert_eq!(kept, vec![candidate(0.0, 0.9, 0)]);
    }

    #[test]
    fn overlapping_boxes_of_different_classes_are_both_kept() {
        let kept = nms_per_class(
            vec![candidate(0.0, 0.9, 0), candidate(1.0, 0.6, 1)],
            0.45,
            300,
        );
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn boxes_overlapping_less_than_the_threshold_are_both_kept() {
        // Shifted by 5 of 10: IoU 5/15 = 0.33 ≤ 0.45, but > 0.3.
        let pair = vec![candidate(0.0, 0.9, 0), candidate(5.0, 0.6, 0)];
        assert_eq!(nms_per_class(pair.clone(), 0.45, 300).len(), 2);
        assert_eq!(nms_per_class(pair, 0.3, 300).len(), 1);
    }

    #[test]
    fn at_most_max_detections_are_kept_highest_scores_first() {
        let many: Vec<Candidate> = (0..10)
            .map(|i| candidate(f64::from(i) * 100.0, i as f32 / 10.0, 0))
            .collect();
        let kept = nms_per_class(many, 0.45, 3);
        let scores: Vec<f32> = kept.iter().map(|c| c.score).collect();
        assert_eq!(scores, vec![0.9, 0.8, 0.7]);
    }

    #[test]
    fn a_chain_of_overlaps_keeps_the_boxes_that_only_overlap_a_suppressed_one() {
        // a overlaps b, b overlaps c, a does not overlap c: b goes, c stays.
        let kept = nms_per_class(
            vec![
                candidate(0.0, 0.9, 0),
                candidate(3.0, 0.8, 0),
                candidate(6.0, 0.7, 0),
            ],
            0.45,
            300,
        );
        let xs: Vec<f64> = kept.iter().map(|c| c.input_box.x1).collect();
        assert_eq!(xs, vec![0.0, 6.0]);
    }
}
