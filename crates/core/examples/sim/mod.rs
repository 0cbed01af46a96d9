//! What the simulations share: a seeded random number generator and workers' noisy copies of true boxes.

use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;

pub const IMAGE_W: f64 = 1024.0;
pub const IMAGE_H: f64 = 768.0;
pub const LABELS: [&str; 5] = [
    "driller",
    "hammer",
    "paintbrush",
    "screwdriver",
    "wheelbarrow",
];

/// SplitMix64: small, fast, and good enough to drive a simulation reproducibly from a seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    /// Standard normal, by Box–Muller.
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// A box of random place, size (sides 40–300 px) and label.
pub fn random_box(rng: &mut Rng) -> DatasetBox {
    let (w, h) = (rng.range(40.0, 300.0), rng.range(40.0, 300.0));
    let rect = ImageRect::new(
        rng.range(0.0, IMAGE_W - w),
        rng.range(0.0, IMAGE_H - h),
        w,
        h,
    );
    DatasetBox::new(LABELS[rng.below(LABELS.len())], rect)
}

/// `truth` with every edge moved by a normal error of σ = `edge_sigma` × the box's width (left, right) or
/// height (top, bottom), clipped to the image.
pub fn noisy_copy(truth: &DatasetBox, edge_sigma: f64, rng: &mut Rng) -> DatasetBox {
    let r = truth.rect;
    let left = r.x + rng.normal() * edge_sigma * r.w;
    let right = r.right() + rng.normal() * edge_sigma * r.w;
    let top = r.y + rng.normal() * edge_sigma * r.h;
    let bottom = r.bottom() + rng.normal() * edge_sigma * r.h;
    let rect = ImageRect::new(
        left.min(right),
        top.min(bottom),
        (right - left).abs(),
        (bottom - top).abs(),
    );
    DatasetBox::new(
        truth.label.clone(),
        rect.clip_to(&ImageRect::new(0.0, 0.0, IMAGE_W, IMAGE_H)),
    )
}
