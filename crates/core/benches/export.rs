//! COCO export at the reference project's scale (11,669 images, 21,363 boxes), against serde_json alone writing
//! the same `CocoDataset`: the target is ≤ 100 ms and within 3× of serde_json.
//!
//! Run: `cargo bench -p crowdbox-core --bench export`

use criterion::{criterion_group, criterion_main, Criterion};
use crowdbox_core::formats::{
    export_coco_json, export_ground_truth_output_manifest, to_coco, CocoExportOptions, Dataset,
    DatasetBox, DatasetImage, GroundTruthExportOptions,
};
use crowdbox_core::geometry::ImageRect;

const IMAGES: usize = 11_669;
const BOXES: usize = 21_363;
const LABELS: [&str; 5] = [
    "driller",
    "hammer",
    "paintbrush",
    "screwdriver",
    "wheelbarrow",
];

/// A dataset of the seed's size: boxes spread evenly over the images (one or two each), with fractional pixel
/// coordinates as volunteers draw them, on images of three common sizes.
fn seed_scale_dataset() -> Dataset {
    let sizes = [(640, 480), (1024, 768), (4032, 3024)];
    let mut dataset = Dataset {
        labels: LABELS.iter().map(|l| l.to_string()).collect(),
        images: Vec::new(),
    };
    for index in 0..IMAGES {
        let (width, height) = sizes[index % sizes.len()];
        let mut image = DatasetImage::new(format!("images/tools_{index:06}.jpg"), width, height);
        let boxes = (index + 1) * BOXES / IMAGES - index * BOXES / IMAGES;
        for b in 0..boxes {
            let k = (index * 7 + b * 13) as f64;
            let (w, h) = (f64::from(width), f64::from(height));
            let rect = ImageRect::new(
                (k * 0.37) % (w * 0.5),
                (k * 0.53) % (h * 0.5),
                w * 0.3 + k % 17.0 / 3.0,
                h * 0.25 + k % 11.0 / 7.0,
            );
            image
                .boxes
                .push(DatasetBox::new(LABELS[(index + b) % LABELS.len()], rect));
        }
        dataset.images.push(image);
    }
    assert_eq!(dataset.box_count(), BOXES);
    dataset
}

fn export(c: &mut Criterion) {
    let dataset = seed_scale_dataset();
    let options = CocoExportOptions::default();
    let coco = to_coco(&dataset, &options).expect("the generated dataset is valid");
    let mut group = c.benchmark_group("seed-scale export");
    group.sample_size(20);
    group.bench_function("crowdbox COCO export (model → COCO → JSON)", |b| {
        b.iter(|| export_coco_json(std::hint::black_box(&dataset), &options).expect("export"))
    });
    group.bench_function("serde_json writing the same CocoDataset", |b| {
        b.iter(|| serde_json::to_string(std::hint::black_box(&coco)).expect("serialize"))
    });
    let ground_truth = GroundTruthExportOptions {
        attribute: "tools".into(),
        job_name: "labeling-job/tools".into(),
        creation_date: "2024-05-01T12:00:00.000000".into(),
        source_ref_prefix: String::new(),
        human_annotated: true,
    };
    group.bench_function("crowdbox Ground Truth output manifest export", |b| {
        b.iter(|| {
            export_ground_truth_output_manifest(std::hint::black_box(&dataset), &ground_truth)
                .expect("export")
        })
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
