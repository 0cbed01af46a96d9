//! Adjusting pre-labels vs drawing from scratch: volunteer actions and time per image for models of given
//! precision, recall and box accuracy, and where pre-labels stop paying off.
//!
//! `cargo run --release -p crowdbox-prelabel --example assist_sim`

use crowdbox_prelabel::assist::{
    break_even_precision, simulate, ActionCosts, JobShape, ModelQuality,
};

fn main() {
    let job = JobShape::default();
    let costs = ActionCosts::default();
    println!(
        "{} images, {:.2} true boxes per image, several labels; action costs (s): draw {}, corner drag {}, click {}, key {}, review {}\n",
        job.images, job.boxes_per_image, costs.draw, costs.corner_drag, costs.click, costs.key, costs.review
    );
    println!("Box edges off by σ = 3 % of the box size, 5 % of labels wrong:\n");
    println!("| precision | recall | draw: draws · keys · s | adjust: draws · corner drags · clicks · keys · reviews · fixed · s | time saved |");
    println!("|---:|---:|---|---|---:|");
    for precision in [0.3, 0.5, 0.7, 0.9, 0.97] {
        for recall in [0.5, 0.8, 0.95] {
            let quality = ModelQuality {
                precision,
                recall,
                edge_error: 0.03,
                wrong_label: 0.05,
            };
            let s = simulate(&job, &quality, 1);
            let (draw, adjust) = (s.draw.seconds(&costs), s.adjust.seconds(&costs));
            println!(
                "| {precision:.2} | {recall:.2} | {:.2} · {:.2} · {draw:.1} | {:.2} · {:.2} · {:.2} · {:.2} · {:.2} · {:.2} · {adjust:.1} | {:+.0} % |",
                s.draw.draws,
                s.draw.keys,
                s.adjust.draws,
                s.adjust.corner_drags,
                s.adjust.clicks,
                s.adjust.keys,
                s.adjust.reviews,
                s.adjust.boxes_fixed,
                (draw - adjust) / draw * 100.0
            );
        }
    }

    println!("\nBreak-even precision (below it, pre-labels cost more time than they save), by box accuracy:\n");
    println!("| box edge error σ | true-box IoU | corner drags per true box | review 1.6 s | review 3 s | review 3 s, corner drag 3 s |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for edge_error in [0.01, 0.03, 0.05, 0.1, 0.2] {
        let quality = ModelQuality {
            precision: 0.8,
            recall: 0.8,
            edge_error,
            wrong_label: 0.05,
        };
        let s = simulate(&job, &quality, 2);
        let threshold = |costs: &ActionCosts| {
            break_even_precision(
                costs,
                s.corners_off_per_box,
                quality.wrong_label,
                job.several_labels,
            )
            .map_or_else(|| "never pays".to_owned(), |p| format!("{p:.2}"))
        };
        let slow_review = ActionCosts {
            review: 3.0,
            ..costs
        };
        let slow_both = ActionCosts {
            review: 3.0,
            corner_drag: 3.0,
            ..costs
        };
        println!(
            "| {:.0} % | {:.2} | {:.2} | {} | {} | {} |",
            edge_error * 100.0,
            s.true_box_iou,
            s.corners_off_per_box,
            threshold(&costs),
            threshold(&slow_review),
            threshold(&slow_both)
        );
    }
}
