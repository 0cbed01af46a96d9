//! The crash test's work: a folder of distinct images, and random submissions reproducible from a seed.

use std::path::{Path, PathBuf};

use crowdbox_core::coco::{CocoAnnotation, CocoCategory};
use crowdbox_core::wire::{CocoResult, Submission, Task, TaskBatch};

/// category id and bbox of one box, as sent.
pub type SentBox = (u64, [f64; 4]);

/// xorshift64*: reproducible from the printed seed.
pub struct Random(pub u64);

impl Random {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub fn image_folder(root: &Path, images: usize) -> PathBuf {
    let folder = root.join("images");
    std::fs::create_dir_all(&folder).unwrap();
    for index in 0..images {
        let shade = [(index % 256) as u8, (index / 256) as u8, 7];
        let picture = image::RgbImage::from_pixel(32 + (index % 5) as u32, 24, image::Rgb(shade));
        picture
            .save(folder.join(format!("img-{index:04}.png")))
            .unwrap();
    }
    folder
}

pub fn submission(
    batch: &TaskBatch,
    task: &Task,
    worker: &str,
    random: &mut Random,
) -> (Submission, Vec<SentBox>) {
    let (width, height) = (f64::from(task.image.width), f64::from(task.image.height));
    let boxes: Vec<SentBox> = (0..random.below(5))
        .map(|_| {
            let x = random.below(100) as f64 / 100.0 * (width - 4.0);
            let y = random.below(100) as f64 / 100.0 * (height - 4.0);
            let w = 1.0 + random.below(300) as f64 / 100.0;
            let h = 1.0 + random.below(300) as f64 / 100.0;
            (1 + random.below(3), [x, y, w, h])
        })
        .collect();
    let annotations = boxes
        .iter()
        .zip(1..)
        .map(|((category_id, bbox), id)| CocoAnnotation {
            id,
            image_id: task.image.id,
            category_id: *category_id,
            bbox: *bbox,
            area: bbox[2] * bbox[3],
            iscrowd: 0,
            score: None,
        })
        .collect();
    let categories: Vec<CocoCategory> = batch.categories.clone();
    let submission = Submission {
        submission_id: format!("{worker}-task-{}", task.task_id),
        worker_id: worker.to_owned(),
        task_id: task.task_id,
        duration_ms: Some(1000),
        outcome: Default::default(),
        note: None,
        changes: Vec::new(),
        verdicts: Vec::new(),
        result: CocoResult {
            images: vec![task.image.clone()],
            annotations,
            categories,
        },
    };
    (submission, boxes)
}
