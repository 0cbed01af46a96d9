//! The figures `crowdbox stats` derives from the job's rows: box sizes per label, images finished per hour,
//! and what each worker did, with their agreement with the consolidated boxes. Pure: rows in, figures out.

use std::collections::BTreeMap;

use crowdbox_core::consolidate::{consolidate_ground_truth, GroundTruthParams};
use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::owner::{BoxSizes, HourCount, WorkerStats};
use crowdbox_core::quality::worker_score;

use crate::db::bulk::{BoxRow, JobRows, SubmissionRow};

const HOUR_MS: i64 = 3_600_000;

/// The IoU from which a worker's box and a consolidated box count as the same object.
pub const AGREEMENT_MATCH_IOU: f64 = 0.5;

/// The median of sorted values (the mean of the middle two for an even count).
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The spread of the square root of each raw box's area, per label, in the labels' order.
pub fn box_sizes(labels: &[String], boxes: &[BoxRow]) -> Vec<BoxSizes> {
    let mut sizes: Vec<Vec<f64>> = vec![Vec::new(); labels.len()];
    for row in boxes {
        let index = usize::try_from(row.category_id - 1).unwrap_or(usize::MAX);
        if let Some(label_sizes) = sizes.get_mut(index) {
            label_sizes.push((row.w * row.h).sqrt());
        }
    }
    labels
        .iter()
        .zip(sizes)
        .map(|(label, mut values)| {
            values.sort_by(f64::total_cmp);
            BoxSizes {
                label: label.clone(),
                boxes: values.len() as u64,
                min: values.first().copied().unwrap_or(0.0),
                median: median(&values).unwrap_or(0.0),
                max: values.last().copied().unwrap_or(0.0),
            }
        })
        .collect()
}

/// Images finished per hour: each finished image counts in the hour of its last submission. Every hour from the
/// first to the last is listed, empty ones too, so the series can be drawn as it is.
pub fn throughput(finished_at: impl IntoIterator<Item = i64>) -> Vec<HourCount> {
    let mut per_hour: BTreeMap<i64, u64> = BTreeMap::new();
    for at in finished_at {
        *per_hour
            .entry(at.div_euclid(HOUR_MS) * HOUR_MS)
            .or_default() += 1;
    }
    let (Some(&first), Some(&last)) = (per_hour.keys().next(), per_hour.keys().next_back()) else {
        return Vec::new();
    };
    (0..=(last - first) / HOUR_MS)
        .map(|step| {
            let hour_start_ms = first + step * HOUR_MS;
            HourCount {
                hour_start_ms,
                images_done: per_hour.get(&hour_start_ms).copied().unwrap_or(0),
            }
        })
        .collect()
}

/// When each of `done` images got its last submission.
pub fn finish_times<'a>(
    submissions: &'a [SubmissionRow],
    is_done: impl Fn(i64) -> bool + 'a,
) -> impl Iterator<Item = i64> + 'a {
    let mut last: BTreeMap<i64, i64> = BTreeMap::new();
    for submission in submissions.iter().filter(|s| is_done(s.image_id)) {
        let at = last
            .entry(submission.image_id)
            .or_insert(submission.received_at);
        *at = (*at).max(submission.received_at);
    }
    last.into_values()
}

/// Mean IoU of a one-to-one matching of `mine` to `reference` (greedy by IoU, same label, IoU ≥
/// [`AGREEMENT_MATCH_IOU`]), over every box of either side: a box without a match counts 0. Two empty sides agree
/// fully.
pub fn agreement(mine: &[DatasetBox], reference: &[DatasetBox]) -> f64 {
    let total = mine.len().max(reference.len());
    if total == 0 {
        return 1.0;
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, a) in mine.iter().enumerate() {
        for (j, b) in reference.iter().enumerate() {
            let iou = a.rect.iou(&b.rect);
            if a.label == b.label && iou >= AGREEMENT_MATCH_IOU {
                pairs.push((iou, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let (mut used_mine, mut used_reference) =
        (vec![false; mine.len()], vec![false; reference.len()]);
    let mut sum = 0.0;
    for (iou, i, j) in pairs {
        if !used_mine[i] && !used_reference[j] {
            used_mine[i] = true;
            used_reference[j] = true;
            sum += iou;
        }
    }
    sum / total as f64
}

/// Per worker (imported and reviewed final submissions are nobody's): tasks (gold ones apart), median task
/// time, mean [`agreement`] with the Ground Truth style consolidation of the images that at least one other
/// worker boxed, their gold results, quality score and whether they are blocked.
pub fn worker_stats(labels: &[String], rows: &JobRows) -> Vec<WorkerStats> {
    let label_of = |category_id: i64| {
        labels
            .get(usize::try_from(category_id - 1).unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_default()
    };
    let mut tasks: BTreeMap<&str, (u64, Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let workers = rows.submissions.iter().filter(|s| !s.imported);
    for submission in workers.clone() {
        let entry = tasks.entry(&submission.worker_id).or_default();
        entry.0 += 1;
        if let Some(ms) = submission.duration_ms {
            entry.1.push(ms as f64);
        }
    }
    // Submissions and boxes are in image id order: walk them image by image.
    let by_image = group_by_image(rows.submissions.iter().filter(|s| !s.imported).collect());
    let mut next_box = 0;
    for image_submissions in by_image {
        let image_id = image_submissions[0].image_id;
        while next_box < rows.boxes.len() && rows.boxes[next_box].image_id < image_id {
            next_box += 1;
        }
        let start = next_box;
        let mut end = start;
        while end < rows.boxes.len() && rows.boxes[end].image_id == image_id {
            end += 1;
        }
        if image_submissions.len() < 2 {
            continue;
        }
        let per_worker: Vec<Vec<DatasetBox>> = image_submissions
            .iter()
            .map(|submission| {
                rows.boxes[start..end]
                    .iter()
                    .filter(|row| row.submission_id == submission.id)
                    .map(|row| DatasetBox {
                        label: label_of(row.category_id),
                        rect: ImageRect::new(row.x, row.y, row.w, row.h),
                        iscrowd: row.iscrowd,
                        confidence: None,
                    })
                    .collect()
            })
            .collect();
        let consolidated: Vec<DatasetBox> =
            consolidate_ground_truth(&per_worker, &GroundTruthParams::default())
                .into_iter()
                .map(|merged| merged.into_dataset_box())
                .collect();
        for (submission, boxes) in image_submissions.iter().zip(&per_worker) {
            if let Some(entry) = tasks.get_mut(submission.worker_id.as_str()) {
                entry.2.push(agreement(boxes, &consolidated));
            }
        }
    }
    // Workers who have only done gold tasks so far are listed too.
    for worker_id in rows.evidence.keys() {
        tasks.entry(worker_id).or_default();
    }
    tasks
        .into_iter()
        .map(|(worker_id, (count, mut durations, agreements))| {
            durations.sort_by(f64::total_cmp);
            let evidence = rows.evidence.get(worker_id).copied().unwrap_or_default();
            let gold = (evidence.gold_tasks > 0).then_some(evidence.gold);
            WorkerStats {
                worker_id: worker_id.to_owned(),
                tasks: count,
                median_task_ms: median(&durations),
                agreement_iou: (!agreements.is_empty())
                    .then(|| agreements.iter().sum::<f64>() / agreements.len() as f64),
                gold_tasks: evidence.gold_tasks,
                gold_mean_iou: gold.and_then(|counts| counts.mean_iou()),
                gold_recall: gold.map(|counts| counts.recall()),
                gold_precision: gold.map(|counts| counts.precision()),
                score: worker_score(&evidence),
                blocked: rows.blocked.contains(worker_id),
            }
        })
        .collect()
}

fn group_by_image(submissions: Vec<&SubmissionRow>) -> Vec<Vec<&SubmissionRow>> {
    let mut groups: Vec<Vec<&SubmissionRow>> = Vec::new();
    for submission in submissions {
        match groups.last_mut() {
            Some(group) if group[0].image_id == submission.image_id => group.push(submission),
            _ => groups.push(vec![submission]),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
        DatasetBox {
            label: label.to_owned(),
            rect: ImageRect::new(x, y, w, h),
            iscrowd: false,
            confidence: None,
        }
    }

    #[test]
    fn throughput_lists_every_hour_from_the_first_to_the_last_finished_image() {
        let t0 = 10 * HOUR_MS;
        let series = throughput([t0 + 5, t0 + 10, t0 + 2 * HOUR_MS + 1]);
        let counts: Vec<(i64, u64)> = series
            .iter()
            .map(|hour| (hour.hour_start_ms, hour.images_done))
            .collect();
        assert_eq!(counts, [(t0, 2), (t0 + HOUR_MS, 0), (t0 + 2 * HOUR_MS, 1)]);
        assert!(throughput([]).is_empty());
    }

    #[test]
    fn agreement_is_the_mean_iou_of_matched_boxes_with_unmatched_ones_counting_zero() {
        let reference = [
            boxed("cat", 0.0, 0.0, 10.0, 10.0),
            boxed("dog", 50.0, 50.0, 10.0, 10.0),
        ];
        assert_eq!(agreement(&reference, &reference), 1.0);
        // One box right, the dog missed: (1 + 0) / 2.
        assert_eq!(agreement(&reference[..1], &reference), 0.5);
        // The right place with the wrong label does not match.
        assert_eq!(
            agreement(&[boxed("dog", 0.0, 0.0, 10.0, 10.0)], &reference[..1]),
            0.0
        );
        // Half overlapping (IoU 1/3) is below the match threshold.
        assert_eq!(
            agreement(&[boxed("cat", 5.0, 0.0, 10.0, 10.0)], &reference[..1]),
            0.0
        );
        assert_eq!(agreement(&[], &[]), 1.0);
    }

    #[test]
    fn box_sizes_are_the_spread_of_the_square_root_of_each_area_per_label() {
        let row = |category_id, w: f64, h: f64| BoxRow {
            image_id: 1,
            submission_id: 1,
            category_id,
            x: 0.0,
            y: 0.0,
            w,
            h,
            iscrowd: false,
        };
        let labels = ["cat".to_owned(), "dog".to_owned()];
        let sizes = box_sizes(
            &labels,
            &[row(1, 4.0, 4.0), row(1, 10.0, 10.0), row(1, 2.0, 8.0)],
        );
        assert_eq!(sizes[0].boxes, 3);
        assert_eq!(
            (sizes[0].min, sizes[0].median, sizes[0].max),
            (4.0, 4.0, 10.0)
        );
        assert_eq!(
            sizes[1].boxes, 0,
            "a label without boxes is listed with none"
        );
    }
}
