//! How well does consolidation recover the true boxes from noisy workers? A seeded simulation.
//!
//! 2,000 images of 1024×768 with 1–4 true boxes each (5 labels, sides 40–300 px). Five workers see every image;
//! each misses a true box with probability 10 %, draws the others with every edge moved by a normal error with
//! σ = 5 % of the box's width (left, right) or height (top, bottom), and adds a spurious box (random place,
//! size and label) with probability 10 % per true box. The table compares one worker alone with each
//! consolidation method: mean IoU of matched boxes to the truth, and box-level precision and recall, where a
//! box matches a true box of the same label at IoU ≥ 0.5 (one to one, best IoU first). A last line gives the
//! ceiling for mean IoU: the mean of the copies of each true box, grouped by the simulation itself.
//!
//! Run: `cargo run --release -p crowdbox-core --example consolidation_sim [seed]`

#[path = "sim/mod.rs"]
mod sim;

use crowdbox_core::consolidate::{
    consolidate_cvat, consolidate_ground_truth, Averaging, ConsolidatedBox, CvatParams,
    GroundTruthParams, Quorum,
};
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::{MatchCounts, GOLD_MATCH_IOU};
use sim::{noisy_copy, random_box, Rng};

const IMAGES: usize = 2_000;
const WORKERS: usize = 5;
const EDGE_SIGMA: f64 = 0.05;
const MISS_RATE: f64 = 0.10;
const SPURIOUS_RATE: f64 = 0.10;

/// The box whose every edge is the mean of the boxes' edges.
fn mean_box(boxes: &[DatasetBox]) -> ImageRect {
    let n = boxes.len() as f64;
    let mean = |edge: fn(&ImageRect) -> f64| boxes.iter().map(|b| edge(&b.rect)).sum::<f64>() / n;
    let (left, top) = (mean(|r| r.x), mean(|r| r.y));
    ImageRect::new(
        left,
        top,
        mean(ImageRect::right) - left,
        mean(ImageRect::bottom) - top,
    )
}

/// The matched boxes' IoUs and the box counts of predictions against the truth, over all images: matched as
/// gold tasks are (`quality::MatchCounts`: same label, IoU ≥ 0.5, one to one, greedy by IoU).
#[derive(Default)]
struct Score(MatchCounts);

impl Score {
    fn add(&mut self, predicted: &[DatasetBox], truth: &[DatasetBox]) {
        self.0 = self
            .0
            .plus(MatchCounts::between(predicted, truth, GOLD_MATCH_IOU));
    }

    fn row(&self, name: &str) -> String {
        let mean_iou = self.0.mean_iou().unwrap_or(0.0);
        let (precision, recall) = (self.0.precision(), self.0.recall());
        format!("| {name:<44} | {mean_iou:>8.4} | {precision:>9.4} | {recall:>6.4} |")
    }
}

type Method = (
    &'static str,
    Box<dyn Fn(&[Vec<DatasetBox>]) -> Vec<ConsolidatedBox>>,
);

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_240_501_u64);
    let mut rng = Rng(seed);
    let ground_truth = |averaging, quorum| GroundTruthParams {
        iou_threshold: 0.5,
        quorum,
        averaging,
    };
    let methods: Vec<Method> = vec![
        ("Ground Truth style, mean, majority (default)", {
            let params = ground_truth(Averaging::Mean, Quorum::Majority);
            Box::new(move |w| consolidate_ground_truth(w, &params))
        }),
        ("Ground Truth style, median, majority", {
            let params = ground_truth(Averaging::Median, Quorum::Majority);
            Box::new(move |w| consolidate_ground_truth(w, &params))
        }),
        ("Ground Truth style, trimmed mean, majority", {
            let params = ground_truth(Averaging::TrimmedMean, Quorum::Majority);
            Box::new(move |w| consolidate_ground_truth(w, &params))
        }),
        ("Ground Truth style, mean, quorum 2 of 5", {
            let params = ground_truth(Averaging::Mean, Quorum::AtLeast(2));
            Box::new(move |w| consolidate_ground_truth(w, &params))
        }),
        ("CVAT style, medoid, majority (default)", {
            let params = CvatParams::default();
            Box::new(move |w| consolidate_cvat(w, &params))
        }),
    ];

    let mut single_worker = Score::default();
    let mut ceiling_iou = (0.0, 0_usize);
    let mut scores: Vec<Score> = methods.iter().map(|_| Score::default()).collect();
    for _ in 0..IMAGES {
        let truth: Vec<DatasetBox> = (0..1 + rng.below(4))
            .map(|_| random_box(&mut rng))
            .collect();
        // Every copy drawn of each true box, known only to the simulation: the ceiling's input.
        let mut copies: Vec<Vec<DatasetBox>> = vec![Vec::new(); truth.len()];
        let workers: Vec<Vec<DatasetBox>> = (0..WORKERS)
            .map(|_| {
                let mut drawn = Vec::new();
                for (index, true_box) in truth.iter().enumerate() {
                    if rng.unit() >= MISS_RATE {
                        drawn.push(noisy_copy(true_box, EDGE_SIGMA, &mut rng));
                        copies[index].push(drawn[drawn.len() - 1].clone());
                    }
                    if rng.unit() < SPURIOUS_RATE {
                        drawn.push(random_box(&mut rng));
                    }
                }
                drawn
            })
            .collect();
        for drawn in &workers {
            single_worker.add(drawn, &truth);
        }
        for (true_box, copies) in truth.iter().zip(&copies) {
            if !copies.is_empty() {
                ceiling_iou.0 += mean_box(copies).iou(&true_box.rect);
                ceiling_iou.1 += 1;
            }
        }
        for ((_, method), score) in methods.iter().zip(&mut scores) {
            let consolidated: Vec<DatasetBox> = method(&workers)
                .into_iter()
                .map(ConsolidatedBox::into_dataset_box)
                .collect();
            score.add(&consolidated, &truth);
        }
    }

    println!(
        "{IMAGES} images, {WORKERS} workers, edge σ = {:.0} % of box size, {:.0} % missed, {:.0} % spurious, seed {seed}\n",
        EDGE_SIGMA * 100.0,
        MISS_RATE * 100.0,
        SPURIOUS_RATE * 100.0
    );
    println!("| {:<44} | mean IoU | precision | recall |", "method");
    println!("|{}|----------|-----------|--------|", "-".repeat(46));
    println!(
        "{}",
        single_worker.row("one worker alone (all five, pooled)")
    );
    for ((name, _), score) in methods.iter().zip(&scores) {
        println!("{}", score.row(name));
    }
    println!(
        "\nCeiling: the mean of every copy drawn of each true box, matched by the simulation itself (no clustering, \
         no quorum), has mean IoU {:.4} to the truth.",
        ceiling_iou.0 / ceiling_iou.1.max(1) as f64
    );
}
