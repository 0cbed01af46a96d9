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

#[path = "sim/mod.rs"]
mod sim;

use std::collections::BTreeMap;

use crowdbox_core::consolidate::{
    consolidate_ground_truth, consolidate_ground_truth_weighted, ConsolidatedBox,
    GroundTruthParams, Weighted,
};
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::quality::{
    agreement_counts, consolidation_weight, image_verdict, score_gold, AdaptiveParams,
    AgreementRule, BlockRule, ImageVerdict, MatchCounts, WorkerEvidence, GOLD_MATCH_IOU,
};
use sim::{noisy_copy, random_box, Rng};

const IMAGES: usize = 2_000;
const GOLD_IMAGES: usize = 200;
const GOLD_RATE: f64 = 0.1;
/// A `--block-below` that blocks the random worker only, and one that blocks the sloppy worker too.
const BLOCK_RANDOM_BELOW: f64 = 0.3;
const BLOCK_SLOPPY_BELOW: f64 = 0.6;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Skill {
    Careful,
    Sloppy,
    Random,
}

const WORKERS: [Skill; 8] = [
    Skill::Careful,
    Skill::Careful,
    Skill::Careful,
    Skill::Sloppy,
    Skill::Careful,
    Skill::Careful,
    Skill::Random,
    Skill::Careful,
];

/// A worker's answer for an image with true boxes `truth`.
fn answer(skill: Skill, truth: &[DatasetBox], rng: &mut Rng) -> Vec<DatasetBox> {
    let (edge_sigma, miss_rate, spurious_rate) = match skill {
        Skill::Careful => (0.05, 0.10, 0.10),
        Skill::Sloppy => (0.12, 0.25, 0.25),
        Skill::Random => return (0..1 + rng.below(4)).map(|_| random_box(rng)).collect(),
    };
    let mut drawn = Vec::new();
    for true_box in truth {
        if rng.unit() >= miss_rate {
            drawn.push(noisy_copy(true_box, edge_sigma, rng));
        }
        if rng.unit() < spurious_rate {
            drawn.push(random_box(rng));
        }
    }
    drawn
}

/// A generator of its own for each (purpose, index), so a draw never depends on what was drawn before.
fn keyed(seed: u64, purpose: u64, index: usize) -> Rng {
    let mut mixer = Rng(seed ^ purpose.wrapping_mul(0xA076_1D64_78BD_642F));
    let base = mixer.next_u64();
    Rng(base ^ (index as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB))
}

fn shuffled(n: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

fn truth_of(rng: &mut Rng) -> Vec<DatasetBox> {
    (0..1 + rng.below(4)).map(|_| random_box(rng)).collect()
}

/// Everything every configuration shares: the images, the gold images, every answer and every order.
struct World {
    truth: Vec<Vec<DatasetBox>>,
    gold: Vec<Vec<DatasetBox>>,
    /// `answers[image][worker]`, `gold_answers[gold image][worker]`.
    answers: Vec<Vec<Vec<DatasetBox>>>,
    gold_answers: Vec<Vec<Vec<DatasetBox>>>,
    /// The order in which each image asks the workers, and in which each worker gets the gold images.
    image_order: Vec<Vec<usize>>,
    gold_order: Vec<Vec<usize>>,
    seed: u64,
}

impl World {
    fn new(seed: u64) -> Self {
        let truth: Vec<_> = (0..IMAGES)
            .map(|i| truth_of(&mut keyed(seed, 1, i)))
            .collect();
        let gold: Vec<_> = (0..GOLD_IMAGES)
            .map(|g| truth_of(&mut keyed(seed, 2, g)))
            .collect();
        let answers_to = |images: &[Vec<DatasetBox>], purpose| {
            images
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    (0..WORKERS.len())
                        .map(|w| answer(WORKERS[w], t, &mut keyed(seed, purpose, i * 8 + w)))
                        .collect()
                })
                .collect()
        };
        Self {
            answers: answers_to(&truth, 3),
            gold_answers: answers_to(&gold, 4),
            image_order: (0..IMAGES)
                .map(|i| shuffled(WORKERS.len(), &mut keyed(seed, 5, i)))
                .collect(),
            gold_order: (0..WORKERS.len())
                .map(|w| shuffled(GOLD_IMAGES, &mut keyed(seed, 6, w)))
                .collect(),
            truth,
            gold,
            seed,
        }
    }
}

struct Config {
    name: &'static str,
    adaptive: AdaptiveParams,
    /// Gold tasks, scores and weighted consolidation.
    scored: bool,
    block: Option<BlockRule>,
}

struct Outcome {
    labelling_tasks: usize,
    gold_tasks: usize,
    result: MatchCounts,
    /// Gold tasks done when blocked, per worker.
    blocked_after: Vec<Option<u64>>,
    scores: Vec<f64>,
}

struct Run<'a> {
    world: &'a World,
    config: &'a Config,
    gold: Vec<WorkerEvidence>,
    /// `agreement[worker][image]`: the rows the server keeps.
    agreement: Vec<BTreeMap<usize, MatchCounts>>,
    blocked_after: Vec<Option<u64>>,
    gold_draws: Vec<Rng>,
    gold_next: Vec<usize>,
    /// Who submitted each image, in order.
    submitted: Vec<Vec<usize>>,
    reopen: Vec<usize>,
    labelling_tasks: usize,
    gold_tasks: usize,
}

impl<'a> Run<'a> {
    fn new(world: &'a World, config: &'a Config) -> Self {
        let workers = WORKERS.len();
        Self {
            world,
            config,
            gold: vec![WorkerEvidence::default(); workers],
            agreement: vec![BTreeMap::new(); workers],
            blocked_after: vec![None; workers],
            gold_draws: (0..workers).map(|w| keyed(world.seed, 7, w)).collect(),
            gold_next: vec![0; workers],
            submitted: vec![Vec::new(); IMAGES],
            reopen: Vec::new(),
            labelling_tasks: 0,
            gold_tasks: 0,
        }
    }

    fn evidence(&self, worker: usize) -> WorkerEvidence {
        let mut evidence = self.gold[worker];
        for counts in self.agreement[worker].values() {
            evidence.add_agreement(*counts);
        }
        evidence
    }

    fn weight(&self, worker: usize) -> f64 {
        if self.blocked_after[worker].is_some() {
            0.0
        } else if self.config.scored {
            consolidation_weight(&self.evidence(worker), self.config.block.as_ref())
        } else {
            1.0
        }
    }

    fn submissions(&self, image: usize) -> Vec<Weighted<&[DatasetBox]>> {
        self.submitted[image]
            .iter()
            .map(|&w| Weighted::new(self.world.answers[image][w].as_slice(), self.weight(w)))
            .collect()
    }

    fn check_block(&mut self, worker: usize) {
        let Some(rule) = self.config.block else {
            return;
        };
        if self.blocked_after[worker].is_none() && rule.blocks(&self.evidence(worker)) {
            self.blocked_after[worker] = Some(self.gold[worker].gold_tasks);
            let mine: Vec<usize> = (0..IMAGES)
                .filter(|&i| self.submitted[i].contains(&worker))
                .collect();
            self.reopen.extend(mine);
        }
    }

    /// What the server does when an image's submissions change: new agreement rows, then blocking.
    fn refresh_agreement(&mut self, image: usize) {
        if !self.config.scored {
            return;
        }
        let counts = agreement_counts(&self.submissions(image), &GroundTruthParams::default());
        let workers = self.submitted[image].clone();
        for (&worker, counts) in workers.iter().zip(counts) {
            match counts {
                Some(counts) => self.agreement[worker].insert(image, counts),
                None => self.agreement[worker].remove(&image),
            };
        }
        for worker in workers {
            self.check_block(worker);
        }
    }

    /// Gold tasks before a worker's next task, at the gold rate; false when the worker is blocked by them.
    fn gold_before_task(&mut self, worker: usize) -> bool {
        if !self.config.scored {
            return true;
        }
        while self.gold_draws[worker].unit() < GOLD_RATE && self.gold_next[worker] < GOLD_IMAGES {
            let gold_image = self.world.gold_order[worker][self.gold_next[worker]];
            self.gold_next[worker] += 1;
            self.gold_tasks += 1;
            let counts = score_gold(
                &self.world.gold_answers[gold_image][worker],
                &self.world.gold[gold_image],
            );
            self.gold[worker].add_gold(counts);
            self.check_block(worker);
            if self.blocked_after[worker].is_some() {
                return false;
            }
        }
        true
    }

    /// Asks the image's workers one by one until it is done or nobody is left.
    fn work_on(&mut self, image: usize) {
        for position in 0..WORKERS.len() {
            if image_verdict(&self.submissions(image), &self.config.adaptive) == ImageVerdict::Done
            {
                return;
            }
            let worker = self.world.image_order[image][position];
            if self.blocked_after[worker].is_some() || self.submitted[image].contains(&worker) {
                continue;
            }
            if !self.gold_before_task(worker) {
                continue;
            }
            self.submitted[image].push(worker);
            self.labelling_tasks += 1;
            self.refresh_agreement(image);
        }
    }

    fn run(mut self) -> Outcome {
        for image in 0..IMAGES {
            self.work_on(image);
            while let Some(reopened) = self.reopen.pop() {
                self.refresh_agreement(reopened);
                self.work_on(reopened);
            }
        }
        let params = GroundTruthParams::default();
        let mut result = MatchCounts::default();
        for image in 0..IMAGES {
            let consolidated = if self.config.scored {
                consolidate_ground_truth_weighted(&self.submissions(image), &params)
            } else {
                let plain: Vec<&[DatasetBox]> =
                    self.submissions(image).iter().map(|s| s.boxes).collect();
                consolidate_ground_truth(&plain, &params)
            };
            let boxes: Vec<DatasetBox> = consolidated
                .into_iter()
                .map(ConsolidatedBox::into_dataset_box)
                .collect();
            result = result.plus(MatchCounts::between(
                &boxes,
                &self.world.truth[image],
                GOLD_MATCH_IOU,
            ));
        }
        Outcome {
            labelling_tasks: self.labelling_tasks,
            gold_tasks: self.gold_tasks,
            result,
            scores: (0..WORKERS.len())
                .map(|w| self.evidence(w).score())
                .collect(),
            blocked_after: self.blocked_after,
        }
    }
}

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
