//! One configuration's run: who is asked what, with gold tasks, scores and blocking as the server does them.

use std::collections::BTreeMap;

use crowdbox_core::consolidate::{
    consolidate_ground_truth, consolidate_ground_truth_weighted, ConsolidatedBox,
    GroundTruthParams, Weighted,
};
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::quality::{
    agreement_counts, consolidation_weight, image_verdict, score_gold, AdaptiveParams, BlockRule,
    ImageVerdict, MatchCounts, WorkerEvidence, GOLD_MATCH_IOU,
};

use crate::sim::Rng;
use crate::world::{keyed, World, WORKERS};
use crate::{GOLD_IMAGES, GOLD_RATE, IMAGES};

pub struct Config {
    pub name: &'static str,
    pub adaptive: AdaptiveParams,
    /// Gold tasks, scores and weighted consolidation.
    pub scored: bool,
    pub block: Option<BlockRule>,
}

pub struct Outcome {
    pub labelling_tasks: usize,
    pub gold_tasks: usize,
    pub result: MatchCounts,
    /// Gold tasks done when blocked, per worker.
    pub blocked_after: Vec<Option<u64>>,
    pub scores: Vec<f64>,
}

pub struct Run<'a> {
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
    pub fn new(world: &'a World, config: &'a Config) -> Self {
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

    pub fn run(mut self) -> Outcome {
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
