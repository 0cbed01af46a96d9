//! Hit-testing and the display list with 10,000 boxes on one image: the target is < 1 ms for a hit test, so a
//! pointer move never waits on it.
//!
//! Run: `cargo bench -p crowdbox-core --bench hit_test`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::editor::{Editor, Input, Modifiers};
use crowdbox_core::geometry::{ImagePoint, ImageRect, ImageSize, ScreenPoint};
use crowdbox_core::hit::{box_at, handle_at};
use crowdbox_core::scene::scene;

const BOXES: usize = 10_000;
const IMAGE: ImageSize = ImageSize::new(4032.0, 3024.0);

/// A small deterministic generator (xorshift), so every run measures the same boxes.
struct Xorshift(u64);

impl Xorshift {
    /// A number in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 10,000 boxes of 10 to 400 pixels spread over a 12-megapixel photo, in five labels.
fn crowded_editor() -> Editor {
    let categories = (1..=5)
        .map(|id| CocoCategory {
            id,
            name: format!("label {id}"),
            supercategory: String::new(),
        })
        .collect();
    let mut editor = Editor::new(IMAGE, categories);
    editor.set_viewport(1280.0, 800.0);
    let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
    let boxes: Vec<(ImageRect, u64)> = (0..BOXES)
        .map(|i| {
            let (w, h) = (10.0 + rng.next() * 390.0, 10.0 + rng.next() * 390.0);
            let rect = ImageRect::new(
                rng.next() * (IMAGE.width - w),
                rng.next() * (IMAGE.height - h),
                w,
                h,
            );
            (rect, i as u64 % 5 + 1)
        })
        .collect();
    assert_eq!(editor.load_boxes(boxes), BOXES);
    editor
}

fn bench(c: &mut Criterion) {
    let mut editor = crowded_editor();
    let mut rng = Xorshift(42);
    let points: Vec<ImagePoint> = (0..1024)
        .map(|_| ImagePoint::new(rng.next() * IMAGE.width, rng.next() * IMAGE.height))
        .collect();

    let mut i = 0;
    c.bench_function("box_at among 10,000 boxes", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            black_box(box_at(editor.annotations(), black_box(points[i]), 2.0))
        })
    });

    let view = editor.view();
    let rect = editor.annotations()[0].rect;
    c.bench_function("handle_at on one box", |b| {
        b.iter(|| {
            black_box(handle_at(
                &rect,
                &view,
                black_box(ScreenPoint::new(300.0, 200.0)),
                7.0,
            ))
        })
    });

    assert!(
        scene(&editor).len() > BOXES,
        "the whole image is in view: every box is drawn"
    );
    c.bench_function("scene with 10,000 boxes in view", |b| {
        b.iter(|| black_box(scene(&editor)))
    });

    let mut j = 0;
    c.bench_function("pointer move over 10,000 boxes (handle + scene)", |b| {
        b.iter(|| {
            j = (j + 1) % points.len();
            let at = editor.view().to_screen(points[j]);
            let response = editor.handle(Input::PointerMove {
                at,
                mods: Modifiers::NONE,
            });
            black_box(scene(&editor));
            response
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
