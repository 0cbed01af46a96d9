//! Gold tasks, worker scores and adaptive redundancy against fixed redundancy: a seeded simulation.
//!
//! 2,000 images of 1024×768 with 1–4 true boxes each (5 labels, sides 40–300 px), plus 200 gold images of the
//! same kind whose boxes are known. Eight workers: six careful (every edge off by a normal error with σ = 5 % of
//! the box's size, 10 % of boxes missed, a spurious box with probability 10 % per true box: the worker of
//! `consolidation_sim`), one sloppy (σ = 12 %, 25 % missed, 25 % spurious) and one who draws 1–4 random boxes.
//! Each worker's answer to each image is drawn from its own seed, so every configuration sees the very same
//! answers; only who is asked, and how often, differs. Each image asks its workers in its own random order, one
//! at a time, until the configuration's rule says it is done (images are worked one after another; a server
//! leases them concurrently, which changes the order of evidence but not the rules). Before each task a worker
//! gets a gold task with probability 10 % (again and again, so 10 % of all tasks are gold), never the same gold
//! image twice.
//!
//! The rules are the core's, as the server calls them: `quality::score_gold` on every gold task,
//! `quality::agreement_counts` and `quality::image_verdict` whenever an image's submissions change,
//! `quality::consolidation_weight` (score, 0 when `BlockRule::blocks`) for weights; when a worker is blocked the
//! images they submitted are judged again without them and reopened when that leaves them short. At the end every
//! image is consolidated (Ground Truth style, mean, majority; weighted where the configuration weights) with the
//! final weights and matched to the truth as gold is (`MatchCounts`: IoU ≥ 0.5, same label, greedy by IoU).
//! Besides fixed 5 (Ground Truth's default), adaptive 2..5 and a single worker, the table has fixed 3 rows: what
//! simply asking fewer workers gets for about the same budget.
//!
//! Run: `cargo run --release -p crowdbox-core --example quality_sim [seed]`

mod run;
#[path = "../sim/mod.rs"]
mod sim;
mod world;

use crowdbox_core::consolidate::Weighted;
use crowdbox_core::quality::{
    image_verdict, AdaptiveParams, AgreementRule, BlockRule, ImageVerdict,
};
use run::{Config, Run};
use world::{Skill, World, WORKERS};

const IMAGES: usize = 2_000;
const GOLD_IMAGES: usize = 200;
const GOLD_RATE: f64 = 0.1;
/// A `--block-below` that blocks the random worker only, and one that blocks the sloppy worker too.
const BLOCK_RANDOM_BELOW: f64 = 0.3;
const BLOCK_SLOPPY_BELOW: f64 = 0.6;

/// How often two careful workers' answers to an image already settle it, under each rule, with equal weights.
fn careful_pairs_agreement(world: &World, rule: AgreementRule) -> f64 {
    let params = AdaptiveParams {
        rule,
        ..AdaptiveParams::new(2, 5)
    };
    let careful: Vec<usize> = (0..WORKERS.len())
        .filter(|&w| WORKERS[w] == Skill::Careful)
        .collect();
    let mut done = 0;
    for answers in &world.answers {
        let pair = [
            Weighted::new(answers[careful[0]].as_slice(), 1.0),
            Weighted::new(answers[careful[1]].as_slice(), 1.0),
        ];
        if image_verdict(&pair, &params) == ImageVerdict::Done {
            done += 1;
        }
    }
    done as f64 / IMAGES as f64
}

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_240_501_u64);
    let world = World::new(seed);
    let adaptive = |rule| AdaptiveParams {
        rule,
        ..AdaptiveParams::new(2, 5)
    };
    let random_only = Some(BlockRule::below(BLOCK_RANDOM_BELOW));
    let random_and_sloppy = Some(BlockRule::below(BLOCK_SLOPPY_BELOW));
    let configs = [
        Config {
            name: "fixed 5, unweighted (Ground Truth's default)",
            adaptive: AdaptiveParams::fixed(5),
            scored: false,
            block: None,
        },
        Config {
            name: "fixed 5, weighted",
            adaptive: AdaptiveParams::fixed(5),
            scored: true,
            block: None,
        },
        Config {
            name: "adaptive 2..5, weighted, all agree, block below 0.6",
            adaptive: adaptive(AgreementRule::AllAgree),
            scored: true,
            block: random_and_sloppy,
        },
        Config {
            name: "adaptive 2..5, weighted, settled boxes, block below 0.3",
            adaptive: adaptive(AgreementRule::SettledBoxes),
            scored: true,
            block: random_only,
        },
        Config {
            name: "adaptive 2..5, weighted, settled boxes, block below 0.6",
            adaptive: adaptive(AgreementRule::SettledBoxes),
            scored: true,
            block: random_and_sloppy,
        },
        Config {
            name: "fixed 3, unweighted (the same budget, not adaptive)",
            adaptive: AdaptiveParams::fixed(3),
            scored: false,
            block: None,
        },
        Config {
            name: "fixed 3, weighted, block below 0.6",
            adaptive: AdaptiveParams::fixed(3),
            scored: true,
            block: random_and_sloppy,
        },
        Config {
            name: "a single worker",
            adaptive: AdaptiveParams::fixed(1),
            scored: false,
            block: None,
        },
    ];
    let random = WORKERS.iter().position(|&s| s == Skill::Random).unwrap();
    let sloppy = WORKERS.iter().position(|&s| s == Skill::Sloppy).unwrap();
    println!(
        "{IMAGES} images + {GOLD_IMAGES} gold, 8 workers (6 careful, 1 sloppy, 1 random), gold rate {GOLD_RATE}, \
         blocking needs {} gold tasks, seed {seed}\n",
        BlockRule::below(BLOCK_RANDOM_BELOW).min_gold_tasks
    );
    println!(
        "| configuration | labelling tasks / image | gold tasks / image | worker-tasks / image | of fixed 5 | \
         mean IoU | precision | recall | random worker blocked | sloppy worker blocked |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    let mut fixed_five_tasks = None;
    let mut scores = Vec::new();
    for config in &configs {
        let outcome = Run::new(&world, config).run();
        let per_image = |tasks: usize| tasks as f64 / IMAGES as f64;
        let total = per_image(outcome.labelling_tasks + outcome.gold_tasks);
        let fixed_five = *fixed_five_tasks.get_or_insert(total);
        let blocked = |worker: usize| match outcome.blocked_after[worker] {
            Some(gold_tasks) => format!("after {gold_tasks} gold tasks"),
            None if config.block.is_some() => "no".to_owned(),
            None => "—".to_owned(),
        };
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.0} % | {:.4} | {:.4} | {:.4} | {} | {} |",
            config.name,
            per_image(outcome.labelling_tasks),
            per_image(outcome.gold_tasks),
            total,
            100.0 * total / fixed_five,
            outcome.result.mean_iou().unwrap_or(0.0),
            outcome.result.precision(),
            outcome.result.recall(),
            blocked(random),
            blocked(sloppy),
        );
        if config.scored {
            scores.push((config.name, outcome.scores));
        }
    }
    println!("\nFinal scores (workers 0–7; worker {sloppy} is sloppy, worker {random} random):\n");
    for (name, worker_scores) in scores {
        let listed: Vec<String> = worker_scores.iter().map(|s| format!("{s:.2}")).collect();
        println!("- {name}: {}", listed.join(", "));
    }
    let pair_done = careful_pairs_agreement(&world, AgreementRule::SettledBoxes);
    println!(
        "\nTwo careful workers' answers settle an image on their own: {:.1} % of images under \"all agree\", \
         {:.1} % under \"settled boxes\" (equal weights). Every other image needs a third worker at least, so no \
         rule that waits for two agreeing answers can use fewer than {:.2} labelling tasks per image \
         ({:.2} with {:.0} % gold on top, {:.0} % of fixed 5).",
        100.0 * careful_pairs_agreement(&world, AgreementRule::AllAgree),
        100.0 * pair_done,
        3.0 - pair_done,
        (3.0 - pair_done) / (1.0 - GOLD_RATE),
        100.0 * GOLD_RATE,
        100.0 * (3.0 - pair_done) / (1.0 - GOLD_RATE) / 5.0,
    );
}
