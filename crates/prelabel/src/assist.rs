//! Do pre-labels save volunteers work? A model of the actions a volunteer takes on an image, drawing every box
//! from scratch or adjusting a model's boxes, for a model of given precision, recall and box accuracy.
//!
//! Drawing a box is one drag, plus one key press for its label when the job has several. Adjusting means looking
//! at every pre-label (a review), then for a true box dragging each corner handle that is off and pressing a
//! key if its label is wrong, deleting a false box (a click to select it, the Delete key), and drawing each box
//! the model missed. Per true box the saving is a draw minus a review and the fixes; each false box costs a
//! review, a click and a key. So in expected time the break-even *precision* does not depend on recall (recall
//! only scales how much is saved or lost): see [`break_even_precision`].

use crowdbox_core::geometry::ImageRect;
use crowdbox_core::random::SplitMix;

/// Seconds each action takes. The defaults are assumptions from the literature: drawing a tight box by dragging
/// takes about 7 s (Papadopoulos et al. 2017 measured 7.0 s with extreme clicking; Su et al. 2012 10.2 s for the
/// drawing step alone), verifying one box about 1.6 s (Papadopoulos et al. 2016); a corner drag on a box already
/// there, a click and a key press are guesses. Change them to what a job measures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActionCosts {
    pub draw: f64,
    pub corner_drag: f64,
    pub click: f64,
    pub key: f64,
    pub review: f64,
}

impl Default for ActionCosts {
    fn default() -> Self {
        Self {
            draw: 7.0,
            corner_drag: 2.0,
            click: 1.0,
            key: 0.5,
            review: 1.6,
        }
    }
}

/// What the model gives, relative to the true boxes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelQuality {
    /// Of the model's boxes, the share that are true boxes.
    pub precision: f64,
    /// Of the true boxes, the share the model finds.
    pub recall: f64,
    /// Standard deviation of each box edge's error, as a share of the box's width or height.
    pub edge_error: f64,
    /// Of the boxes found, the share with the wrong label.
    pub wrong_label: f64,
}

/// Actions per image (means over images).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Actions {
    /// Boxes drawn from scratch (one drag each).
    pub draws: f64,
    /// Corner handles dragged on pre-labels.
    pub corner_drags: f64,
    pub clicks: f64,
    pub keys: f64,
    /// Pre-labels looked at.
    pub reviews: f64,
    /// Pre-labels changed or deleted.
    pub boxes_fixed: f64,
}

impl Actions {
    /// All drags, drawing and adjusting.
    pub fn drags(&self) -> f64 {
        self.draws + self.corner_drags
    }

    pub fn seconds(&self, costs: &ActionCosts) -> f64 {
        self.draws * costs.draw
            + self.corner_drags * costs.corner_drag
            + self.clicks * costs.click
            + self.keys * costs.key
            + self.reviews * costs.review
    }
}

/// The job the simulation models.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobShape {
    pub images: usize,
    /// Mean true boxes per image (Poisson).
    pub boxes_per_image: f64,
    /// A drawn box needs a label key press only when the job has several labels.
    pub several_labels: bool,
    /// A corner is fixed when it is off by more than this share of the box's size (or 2 px).
    pub tolerance: f64,
}

impl Default for JobShape {
    fn default() -> Self {
        Self {
            images: 11_669,
            // The seed: 21,363 boxes on 11,669 images.
            boxes_per_image: 21_363.0 / 11_669.0,
            several_labels: true,
            tolerance: 0.03,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Simulated {
    pub draw: Actions,
    pub adjust: Actions,
    /// Mean IoU of the model's true boxes with the truth (how accurate its boxes are).
    pub true_box_iou: f64,
    /// Mean corners off per true box.
    pub corners_off_per_box: f64,
}

/// Simulates `job.images` images with known boxes, pre-labelled by a model of `quality`. Deterministic per seed.
pub fn simulate(job: &JobShape, quality: &ModelQuality, seed: u64) -> Simulated {
    let mut rng = SplitMix(seed);
    let (mut draw, mut adjust) = (Actions::default(), Actions::default());
    let label_key = if job.several_labels { 1.0 } else { 0.0 };
    let (mut iou_sum, mut corners_off_sum, mut found) = (0.0, 0.0, 0usize);
    let false_per_true = if quality.precision > 0.0 {
        (1.0 - quality.precision) / quality.precision
    } else {
        f64::INFINITY
    };
    for _ in 0..job.images {
        let boxes = rng.poisson(job.boxes_per_image);
        for _ in 0..boxes {
            draw.draws += 1.0;
            draw.keys += label_key;
            if rng.unit() >= quality.recall {
                adjust.draws += 1.0;
                adjust.keys += label_key;
                continue;
            }
            // A true box 20–400 px a side, and the model's version of it.
            let truth = ImageRect::new(
                100.0,
                100.0,
                20.0 + 380.0 * rng.unit(),
                20.0 + 380.0 * rng.unit(),
            );
            let (ex1, ey1, ex2, ey2) = (
                rng.normal() * quality.edge_error * truth.w,
                rng.normal() * quality.edge_error * truth.h,
                rng.normal() * quality.edge_error * truth.w,
                rng.normal() * quality.edge_error * truth.h,
            );
            let predicted = ImageRect::new(
                truth.x + ex1,
                truth.y + ey1,
                truth.w + ex2 - ex1,
                truth.h + ey2 - ey1,
            );
            let off_corners = corners_off(&predicted, &truth, job.tolerance);
            let relabel = rng.unit() < quality.wrong_label;
            adjust.reviews += 1.0;
            adjust.corner_drags += f64::from(off_corners);
            adjust.keys += f64::from(u8::from(relabel));
            adjust.boxes_fixed += f64::from(u8::from(off_corners > 0 || relabel));
            iou_sum += predicted.iou(&truth);
            corners_off_sum += f64::from(off_corners);
            found += 1;
        }
        let false_boxes = rng.poisson(job.boxes_per_image * quality.recall * false_per_true);
        adjust.reviews += f64::from(false_boxes);
        adjust.clicks += f64::from(false_boxes);
        adjust.keys += f64::from(false_boxes);
        adjust.boxes_fixed += f64::from(false_boxes);
    }
    let per_image = |a: Actions| {
        let n = job.images.max(1) as f64;
        Actions {
            draws: a.draws / n,
            corner_drags: a.corner_drags / n,
            clicks: a.clicks / n,
            keys: a.keys / n,
            reviews: a.reviews / n,
            boxes_fixed: a.boxes_fixed / n,
        }
    };
    let found = found.max(1) as f64;
    Simulated {
        draw: per_image(draw),
        adjust: per_image(adjust),
        true_box_iou: iou_sum / found,
        corners_off_per_box: corners_off_sum / found,
    }
}

/// The precision below which adjusting pre-labels takes longer than drawing, in expected time, for a model whose
/// true boxes need `corners_off_per_box` corner drags on average and have the wrong label at rate `wrong_label`.
/// `None` when even a perfectly precise model costs more (its boxes take longer to fix than to draw).
pub fn break_even_precision(
    costs: &ActionCosts,
    corners_off_per_box: f64,
    wrong_label: f64,
    several_labels: bool,
) -> Option<f64> {
    let label_key = if several_labels { costs.key } else { 0.0 };
    let saved_per_true_box = costs.draw + label_key
        - costs.review
        - wrong_label * costs.key
        - corners_off_per_box * costs.corner_drag;
    let cost_per_false_box = costs.review + costs.click + costs.key;
    (saved_per_true_box > 0.0)
        .then(|| cost_per_false_box / (saved_per_true_box + cost_per_false_box))
}

/// How many corner handles (top-left, bottom-right) of a pre-label a volunteer drags to make it `truth`: a corner
/// whose x or y is off by more than `tolerance` of the box's size (at least 2 px). The server can count this on
/// model boxes matched to consolidated volunteer boxes and pass the mean to [`break_even_precision`].
pub fn corners_off(predicted: &ImageRect, truth: &ImageRect, tolerance: f64) -> u8 {
    let off = |a: f64, b: f64, size: f64| (a - b).abs() > (tolerance * size).max(2.0);
    let top_left = off(predicted.x, truth.x, truth.w) || off(predicted.y, truth.y, truth.h);
    let bottom_right = off(predicted.right(), truth.right(), truth.w)
        || off(predicted.bottom(), truth.bottom(), truth.h);
    u8::from(top_left) + u8::from(bottom_right)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(images: usize) -> JobShape {
        JobShape {
            images,
            ..JobShape::default()
        }
    }

    fn quality(precision: f64, recall: f64) -> ModelQuality {
        ModelQuality {
            precision,
            recall,
            edge_error: 0.0,
            wrong_label: 0.0,
        }
    }

    #[test]
    fn a_perfect_model_leaves_only_reviews() {
        let s = simulate(&job(2_000), &quality(1.0, 1.0), 1);
        assert_eq!(
            (
                s.adjust.draws,
                s.adjust.corner_drags,
                s.adjust.clicks,
                s.adjust.keys
            ),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert_eq!(s.adjust.reviews, s.draw.draws);
        assert!(
            (s.draw.draws - 21_363.0 / 11_669.0).abs() < 0.1,
            "{}",
            s.draw.draws
        );
        assert_eq!(s.true_box_iou, 1.0);
    }

    #[test]
    fn a_model_that_finds_nothing_leaves_the_same_work_as_drawing() {
        let s = simulate(&job(500), &quality(1.0, 0.0), 2);
        assert_eq!(s.adjust, s.draw);
    }

    #[test]
    fn false_boxes_come_in_the_proportion_the_precision_says() {
        let s = simulate(&job(20_000), &quality(0.5, 0.8), 3);
        // Precision 0.5: one false box per true box found; each is a click and a Delete.
        let found = s.adjust.reviews - s.adjust.clicks;
        assert!(
            (s.adjust.clicks / found - 1.0).abs() < 0.05,
            "{} false per true",
            s.adjust.clicks / found
        );
    }

    #[test]
    fn inaccurate_boxes_need_corner_drags_and_have_a_lower_iou() {
        let sharp = simulate(
            &job(2_000),
            &ModelQuality {
                edge_error: 0.005,
                ..quality(0.9, 0.9)
            },
            4,
        );
        let loose = simulate(
            &job(2_000),
            &ModelQuality {
                edge_error: 0.1,
                ..quality(0.9, 0.9)
            },
            4,
        );
        assert!(sharp.corners_off_per_box < 0.05 && loose.corners_off_per_box > 1.5);
        assert!(loose.true_box_iou < sharp.true_box_iou);
    }

    #[test]
    fn the_break_even_precision_is_where_simulated_adjusting_and_drawing_take_as_long() {
        let costs = ActionCosts::default();
        let q = ModelQuality {
            edge_error: 0.03,
            wrong_label: 0.05,
            ..quality(0.5, 0.8)
        };
        let s = simulate(&job(20_000), &q, 5);
        let p = break_even_precision(&costs, s.corners_off_per_box, 0.05, true).unwrap();
        let at = |precision: f64| {
            let s = simulate(&job(20_000), &ModelQuality { precision, ..q }, 5);
            s.adjust.seconds(&costs) - s.draw.seconds(&costs)
        };
        assert!(
            at(p - 0.05) > 0.0,
            "below the threshold adjusting costs more"
        );
        assert!(at(p + 0.05) < 0.0, "above it adjusting saves time");
    }

    #[test]
    fn a_corner_counts_as_off_past_the_tolerance_or_two_pixels() {
        let truth = ImageRect::new(100.0, 100.0, 200.0, 100.0);
        // 3 % of 200 px wide is 6 px; of 100 px tall, 3 px.
        assert_eq!(
            corners_off(&ImageRect::new(107.0, 100.0, 193.0, 100.0), &truth, 0.03),
            1
        );
        assert_eq!(
            corners_off(&ImageRect::new(105.0, 102.0, 200.0, 100.0), &truth, 0.03),
            0
        );
        assert_eq!(
            corners_off(&ImageRect::new(100.0, 100.0, 195.0, 100.0), &truth, 0.03),
            0
        );
        assert_eq!(
            corners_off(&ImageRect::new(90.0, 100.0, 220.0, 100.0), &truth, 0.03),
            2
        );
        let small = ImageRect::new(0.0, 0.0, 10.0, 10.0);
        assert_eq!(
            corners_off(&ImageRect::new(1.5, 0.0, 10.0, 10.0), &small, 0.03),
            0,
            "1.5 px is within 2 px"
        );
        assert_eq!(
            corners_off(&ImageRect::new(2.5, 0.0, 10.0, 10.0), &small, 0.03),
            2
        );
    }

    #[test]
    fn boxes_that_take_longer_to_fix_than_to_draw_never_pay_off() {
        let costs = ActionCosts {
            corner_drag: 4.0,
            ..ActionCosts::default()
        };
        assert_eq!(break_even_precision(&costs, 2.0, 0.0, false), None);
    }
}
