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

/// The simulations' seeded generator.
pub use crowdbox_core::random::SplitMix as Rng;

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
