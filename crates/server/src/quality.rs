//! Quality control inside the writer's group transaction: mixing gold images into batches, scoring gold
//! submissions, keeping agreement rows and adaptive verdicts, and blocking workers. The rules are core's
//! (`crowdbox_core::quality`); this module says when they run and stores what they return.
//!
//! Moments (as core's module documentation lists them):
//! - a batch is leased: [`batch_images`] takes the job's open images and mixes in gold ones the worker has not
//!   done, so that their gold share is the job's gold rate;
//! - a submission is stored: [`after_submission`] scores a gold one, or refreshes the image's agreement rows and
//!   verdict when two or more counted workers boxed it, then blocks workers the job's rule now blocks.

use crowdbox_core::consolidate::{GroundTruthParams, Weighted};
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::quality::{
    agreement_counts, consolidation_weight, image_verdict, score_gold, ImageVerdict,
};

use crate::db::jobs::JobImage;
use crate::db::quality::ImageQuality;
use crate::db::write_tx::WriteTx;
use crate::db::JobFacts;
use crate::error::ApiError;

/// Refuses a worker the job has blocked.
pub(crate) fn check_not_blocked(
    tx: &mut WriteTx<'_>,
    facts: &JobFacts,
    worker_id: &str,
) -> Result<(), ApiError> {
    if tx.is_blocked(facts.job.id, worker_id)? {
        return Err(ApiError::WorkerBlocked {
            job: facts.job.name.clone(),
            worker_id: worker_id.to_owned(),
        });
    }
    Ok(())
}

/// The images of a new batch: open images (with `finish_first`, those waiting for another opinion first) and,
/// when there are any, gold images at the job's gold rate, placed among them so that nothing in the order tells
/// them apart.
pub(crate) fn batch_images(
    tx: &mut WriteTx<'_>,
    facts: &JobFacts,
    worker_id: &str,
    now_ms: i64,
) -> Result<Vec<JobImage>, ApiError> {
    let job = &facts.job;
    let size = job.batch_size;
    let mut images = if job.quality.finish_first {
        let mut images = tx.available_images(facts, worker_id, now_ms, size, true)?;
        if (images.len() as i64) < size {
            let fresh = tx.available_images(facts, worker_id, now_ms, size, false)?;
            let have: std::collections::HashSet<i64> =
                images.iter().map(|image| image.id).collect();
            images.extend(fresh.into_iter().filter(|image| !have.contains(&image.id)));
            images.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        }
        images
    } else {
        tx.available_images(facts, worker_id, now_ms, size, false)?
    };
    // Gold only beside real work: a batch of gold alone would tell the volunteer what it is.
    if images.is_empty() || !facts.has_gold || job.quality.gold_rate <= 0.0 {
        return Ok(images);
    }
    let (submitted, gold_submitted) = tx.submitted_counts(job.id, worker_id)?;
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let due = gold_due(job.quality.gold_rate, submitted, gold_submitted, size);
    if due == 0 {
        return Ok(images);
    }
    let gold = tx.gold_candidates(job.id, worker_id, now_ms, due)?;
    images.truncate(size - gold.len());
    let mut seed = fnv1a(worker_id.as_bytes()) ^ submitted;
    for image in gold {
        seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
        let at = usize::try_from((seed >> 33) % (images.len() as u64 + 1)).unwrap_or(0);
        images.insert(at, image);
    }
    Ok(images)
}

/// How many gold tasks a batch of `size` should hold so that, once it is done, the worker's gold share is the
/// gold rate rounded up (a first batch holds one, so scoring starts at once), leaving at least one real task.
fn gold_due(rate: f64, submitted: u64, gold_submitted: u64, size: usize) -> usize {
    let after = (submitted + size as u64) as f64;
    // The small margin keeps 0.1 × 10 (= 1.0000000000000002) from rounding up to 2.
    let target = (rate * after - 1e-9).ceil().max(0.0) as u64;
    let due = target.saturating_sub(gold_submitted);
    usize::try_from(due)
        .unwrap_or(usize::MAX)
        .min(size.saturating_sub(1))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Quality control's part of storing a submission of `image_id` by `worker_id` with these (clipped) boxes;
/// `image` as it is with this submission stored.
pub(crate) fn after_submission(
    tx: &mut WriteTx<'_>,
    facts: &JobFacts,
    image_id: i64,
    image: ImageQuality,
    worker_id: &str,
    boxes: &[(u64, [f64; 4])],
    now_ms: i64,
) -> Result<(), ApiError> {
    let touched = if image.is_gold {
        let known = tx.gold_boxes(image_id)?;
        let submitted: Vec<DatasetBox> = boxes
            .iter()
            .map(|(category_id, [x, y, w, h])| {
                DatasetBox::new(category_id.to_string(), ImageRect::new(*x, *y, *w, *h))
            })
            .collect();
        let counts = score_gold(&submitted, &known);
        tx.insert_gold_result(image_id, facts.job.id, worker_id, &counts)?;
        vec![worker_id.to_owned()]
    } else if image.counted_submissions >= 2 {
        refresh_image(tx, facts, image_id)?
    } else {
        Vec::new()
    };
    block_if_due(tx, facts, &touched, now_ms)
}

/// Replaces the image's agreement rows and takes its adaptive verdict again, with each counted worker's weight
/// of now. Returns the counted workers.
fn refresh_image(
    tx: &mut WriteTx<'_>,
    facts: &JobFacts,
    image_id: i64,
) -> Result<Vec<String>, ApiError> {
    let job = &facts.job;
    let block = job.quality.block_rule();
    let submissions = tx.counted_submissions(job.id, image_id)?;
    let mut weighted = Vec::with_capacity(submissions.len());
    for (worker_id, boxes) in &submissions {
        let evidence = tx.worker_evidence(job.id, worker_id)?;
        weighted.push(Weighted::new(
            boxes.as_slice(),
            consolidation_weight(&evidence, block.as_ref()),
        ));
    }
    let agreement = agreement_counts(&weighted, &GroundTruthParams::default());
    let rows: Vec<(&str, _)> = submissions
        .iter()
        .zip(agreement)
        .filter_map(|((worker_id, _), counts)| counts.map(|counts| (worker_id.as_str(), counts)))
        .collect();
    tx.replace_agreement(image_id, job.id, &rows)?;
    let workers_per_image = u32::try_from(job.workers_per_image).unwrap_or(u32::MAX);
    if let Some(params) = job.quality.adaptive(workers_per_image) {
        let agreed = image_verdict(&weighted, &params) == ImageVerdict::Done;
        tx.set_agreed(image_id, agreed)?;
    }
    Ok(submissions
        .into_iter()
        .map(|(worker_id, _)| worker_id)
        .collect())
}

/// Blocks each of `workers` whom the job's rule now blocks, and takes the verdicts of the images they had
/// submitted again without them.
fn block_if_due(
    tx: &mut WriteTx<'_>,
    facts: &JobFacts,
    workers: &[String],
    now_ms: i64,
) -> Result<(), ApiError> {
    let Some(rule) = facts.job.quality.block_rule() else {
        return Ok(());
    };
    for worker_id in workers {
        if tx.is_blocked(facts.job.id, worker_id)? {
            continue;
        }
        let evidence = tx.worker_evidence(facts.job.id, worker_id)?;
        if !rule.blocks(&evidence) {
            continue;
        }
        tracing::info!(job = %facts.job.name, worker = %worker_id, score = evidence.score(), "worker blocked");
        for image_id in tx.block_worker(facts.job.id, worker_id, evidence.score(), now_ms)? {
            refresh_image(tx, facts, image_id)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::gold_due;

    #[test]
    fn a_first_batch_holds_one_gold_task_and_later_ones_keep_the_share() {
        assert_eq!(gold_due(0.1, 0, 0, 5), 1);
        assert_eq!(gold_due(0.1, 5, 1, 5), 0);
        assert_eq!(gold_due(0.1, 10, 1, 5), 1);
        assert_eq!(gold_due(0.1, 5, 0, 5), 1);
        assert_eq!(gold_due(0.5, 0, 0, 4), 2);
    }

    #[test]
    fn a_batch_always_keeps_one_real_task_and_no_rate_means_no_gold() {
        assert_eq!(gold_due(0.5, 0, 0, 1), 0);
        assert_eq!(gold_due(0.5, 100, 0, 3), 2);
        assert_eq!(gold_due(0.0, 10, 0, 5), 0);
    }
}
