//! The simulated world every configuration shares: the images, the workers and every answer they give.

use crowdbox_core::formats::DatasetBox;

use crate::sim::{noisy_copy, random_box, Rng};
use crate::{GOLD_IMAGES, IMAGES};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Skill {
    Careful,
    Sloppy,
    Random,
}

pub const WORKERS: [Skill; 8] = [
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
pub fn answer(skill: Skill, truth: &[DatasetBox], rng: &mut Rng) -> Vec<DatasetBox> {
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
pub fn keyed(seed: u64, purpose: u64, index: usize) -> Rng {
    let mut mixer = Rng(seed ^ purpose.wrapping_mul(0xA076_1D64_78BD_642F));
    let base = mixer.next_u64();
    Rng(base ^ (index as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB))
}

pub fn shuffled(n: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

pub fn truth_of(rng: &mut Rng) -> Vec<DatasetBox> {
    (0..1 + rng.below(4)).map(|_| random_box(rng)).collect()
}

/// Everything every configuration shares: the images, the gold images, every answer and every order.
pub struct World {
    pub truth: Vec<Vec<DatasetBox>>,
    pub gold: Vec<Vec<DatasetBox>>,
    /// `answers[image][worker]`, `gold_answers[gold image][worker]`.
    pub answers: Vec<Vec<Vec<DatasetBox>>>,
    pub gold_answers: Vec<Vec<Vec<DatasetBox>>>,
    /// The order in which each image asks the workers, and in which each worker gets the gold images.
    pub image_order: Vec<Vec<usize>>,
    pub gold_order: Vec<Vec<usize>>,
    pub seed: u64,
}

impl World {
    pub fn new(seed: u64) -> Self {
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
