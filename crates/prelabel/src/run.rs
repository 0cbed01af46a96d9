//! Running a detector over a list of images on all cores, chunk by chunk.
//!
//! Each worker thread holds its own model state for the whole run. Images go out a chunk at a time; when every
//! image of a chunk is done, the chunk goes to the caller (who stores it in one transaction) and only then is the
//! cancellation flag looked at. So a stop (Ctrl+C) waits for the running chunk, and the caller has stored all
//! images of a chunk or none of them; a later run over the images not yet stored resumes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Instant;

use crowdbox_core::geometry::ImageRect;

use crate::classes::ClassMap;
use crate::detector::Detector;
use crate::letterbox::Letterbox;
use crate::progress::Progress;
use crate::read::read_image_for_input;

/// One image to pre-label: the caller's id, its file, and its display size as the job stores it (after EXIF
/// orientation), which the decoded image must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInput {
    pub id: u64,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
}

/// A box for the job: label index (into the job's labels), rect in natural image pixels, model score 0–1.
#[derive(Clone, Debug, PartialEq)]
pub struct PreLabel {
    pub label: usize,
    pub rect: ImageRect,
    pub score: f32,
}

/// What became of one image.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageOutcome {
    pub id: u64,
    /// The boxes (highest score first), or why the image could not be read.
    pub prelabels: Result<Vec<PreLabel>, String>,
    /// Model boxes dropped because their class maps to no job label, by model class name.
    pub dropped: BTreeMap<String, u32>,
}

/// All images of one chunk, in input order.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// 0 for the first chunk of this run.
    pub index: usize,
    pub images: Vec<ImageOutcome>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunOptions {
    /// Images per chunk (what a stop waits for, and what the caller stores at once).
    pub chunk_size: usize,
    /// Worker threads, each with its own model state.
    pub threads: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            chunk_size: 16,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunSummary {
    /// Images of chunks handed to the caller.
    pub images_done: usize,
    pub images_failed: usize,
    pub boxes: usize,
    pub chunks: usize,
    pub dropped: BTreeMap<String, u64>,
    /// Stopped by the cancellation flag before all images were done.
    pub cancelled: bool,
}

/// Runs `detector` over `images`, calling `on_chunk` with each finished chunk and `progress` after each image.
/// An error from `on_chunk` stops the run and is returned (the chunks before it stay handed over).
pub fn run<E>(
    detector: &Detector,
    class_map: &ClassMap,
    images: &[ImageInput],
    options: &RunOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(&Progress),
    mut on_chunk: impl FnMut(Chunk) -> Result<(), E>,
) -> Result<RunSummary, E> {
    let started = Instant::now();
    let mut summary = RunSummary::default();
    let threads = options.threads.max(1);
    let (job_sender, job_receiver) = mpsc::channel::<(usize, &ImageInput)>();
    let job_receiver = Mutex::new(job_receiver);
    let (result_sender, result_receiver) = mpsc::channel::<(usize, ImageOutcome)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let result_sender = result_sender.clone();
            let job_receiver = &job_receiver;
            scope.spawn(move || worker(detector, class_map, job_receiver, &result_sender));
        }
        drop(result_sender);
        let result = (|| {
            for (index, chunk) in images.chunks(options.chunk_size.max(1)).enumerate() {
                if cancel.load(Ordering::SeqCst) {
                    summary.cancelled = true;
                    break;
                }
                for job in chunk.iter().enumerate() {
                    // Workers only stop once this sender is dropped, so sending cannot fail.
                    let _ = job_sender.send(job);
                }
                let mut outcomes: Vec<Option<ImageOutcome>> = vec![None; chunk.len()];
                for _ in 0..chunk.len() {
                    let Ok((position, outcome)) = result_receiver.recv() else {
                        unreachable!("a worker ended while jobs were out");
                    };
                    outcomes[position] = Some(outcome);
                    let done =
                        summary.images_done + outcomes.iter().filter(|o| o.is_some()).count();
                    progress(&Progress {
                        done,
                        total: images.len(),
                        elapsed: started.elapsed(),
                    });
                }
                let outcomes: Vec<ImageOutcome> = outcomes.into_iter().flatten().collect();
                let mut chunk_summary = summary.clone();
                for outcome in &outcomes {
                    chunk_summary.images_done += 1;
                    match &outcome.prelabels {
                        Ok(prelabels) => chunk_summary.boxes += prelabels.len(),
                        Err(_) => chunk_summary.images_failed += 1,
                    }
                    for (class, count) in &outcome.dropped {
                        *chunk_summary.dropped.entry(class.clone()).or_default() +=
                            u64::from(*count);
                    }
                }
                chunk_summary.chunks += 1;
                on_chunk(Chunk {
                    index,
                    images: outcomes,
                })?;
                summary = chunk_summary;
            }
            Ok(())
        })();
        drop(job_sender);
        result
    })?;
    Ok(summary)
}

fn worker(
    detector: &Detector,
    class_map: &ClassMap,
    jobs: &Mutex<mpsc::Receiver<(usize, &ImageInput)>>,
    results: &mpsc::Sender<(usize, ImageOutcome)>,
) {
    let mut state = detector.state();
    loop {
        let job = jobs
            .lock()
            .map_err(|_| ())
            .and_then(|r| r.recv().map_err(|_| ()));
        let Ok((position, image)) = job else { return };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let state = state.as_mut().map_err(|e| e.to_string())?;
            let (input_width, input_height) = detector.input_size();
            let letterbox = Letterbox::fit(image.width, image.height, input_width, input_height);
            let pixels =
                read_image_for_input(image, (letterbox.resized_width, letterbox.resized_height))?;
            state
                .detect_scaled(&pixels, image.width, image.height)
                .map_err(|e| e.to_string())
        }))
        .unwrap_or_else(|_| Err("the detector panicked on this image".to_owned()));
        let mut dropped: BTreeMap<String, u32> = BTreeMap::new();
        let prelabels = outcome.map(|detections| {
            detections
                .into_iter()
                .filter_map(|d| match class_map.label_of(d.class) {
                    Some(label) => Some(PreLabel {
                        label,
                        rect: d.rect,
                        score: d.score,
                    }),
                    None => {
                        *dropped.entry(class_map.class_name(d.class)).or_default() += 1;
                        None
                    }
                })
                .collect()
        });
        if results
            .send((
                position,
                ImageOutcome {
                    id: image.id,
                    prelabels,
                    dropped,
                },
            ))
            .is_err()
        {
            return;
        }
    }
}
