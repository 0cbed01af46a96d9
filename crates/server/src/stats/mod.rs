//! `crowdbox stats`: how far a job is and how balanced its labels are.
//!
//! Two counts per label: the raw boxes (every worker's and imported final ones) and the objects after
//! consolidating each image's boxes (Ground Truth style, as `crowdbox export --consolidated` does). With several
//! workers per image the raw count is about workers × objects; the objects are what the finished dataset holds.
//!
//! [`summarize`] is pure (counts in, figures out), so an HTTP endpoint can serve the same numbers;
//! [`job_stats`] reads the counts from the database.

use std::collections::{BTreeMap, HashMap, HashSet};

use crowdbox_core::formats::DatasetBox;
use crowdbox_core::geometry::ImageRect;
pub use crowdbox_core::owner::JobStats;
use crowdbox_core::owner::{
    BoxSizes, HourCount, LabelCount, LabelObjects, ModelLabelStats, WorkerStats,
};

use crate::db::{self, bulk, Store};
use crate::export::{job_dataset, ConsolidationMethod};
use crate::jobs::require_job;

pub mod model;
pub mod work;

/// What [`summarize`] makes the figures from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatsInput {
    pub job: String,
    pub images_total: u64,
    pub images_done: u64,
    pub boxes_per_label: Vec<(String, u64)>,
    pub objects_per_label: Vec<(String, u64)>,
    pub label_targets: BTreeMap<String, u64>,
    pub box_sizes: Vec<BoxSizes>,
    pub throughput: Vec<HourCount>,
    pub workers: Vec<WorkerStats>,
    pub durations_ms: Vec<u64>,
    pub model_vs_human: Vec<ModelLabelStats>,
}

/// Sorts the counts (most first), adds them up and works out the imbalance ratios and the median task time.
pub fn summarize(input: StatsInput) -> JobStats {
    let mut boxes_per_label: Vec<LabelCount> = input
        .boxes_per_label
        .into_iter()
        .map(|(label, boxes)| LabelCount { label, boxes })
        .collect();
    boxes_per_label.sort_by_key(|count| std::cmp::Reverse(count.boxes));
    let largest = boxes_per_label.first().map_or(0, |count| count.boxes);
    let smallest = boxes_per_label.last().map_or(0, |count| count.boxes);
    let mut objects_per_label: Vec<LabelObjects> = input
        .objects_per_label
        .into_iter()
        .map(|(label, objects)| LabelObjects { label, objects })
        .collect();
    objects_per_label.sort_by_key(|count| std::cmp::Reverse(count.objects));
    let most_objects = objects_per_label.first().map_or(0, |count| count.objects);
    let fewest_objects = objects_per_label.last().map_or(0, |count| count.objects);
    let mut durations: Vec<f64> = input.durations_ms.iter().map(|&ms| ms as f64).collect();
    durations.sort_by(f64::total_cmp);
    JobStats {
        job: input.job,
        images_total: input.images_total,
        images_done: input.images_done,
        boxes_total: boxes_per_label.iter().map(|count| count.boxes).sum(),
        imbalance_ratio: (smallest > 0).then(|| largest as f64 / smallest as f64),
        boxes_per_label,
        objects_total: objects_per_label.iter().map(|count| count.objects).sum(),
        objects_imbalance_ratio: (fewest_objects > 0)
            .then(|| most_objects as f64 / fewest_objects as f64),
        objects_per_label,
        label_targets: input.label_targets,
        box_sizes: input.box_sizes,
        throughput: input.throughput,
        worker_count: input.workers.len() as u64,
        workers: input.workers,
        median_task_ms: work::median(&durations),
        timed_tasks: durations.len() as u64,
        model_vs_human: input.model_vs_human,
    }
}

/// Reads the job's rows once and makes every figure of `crowdbox stats` from them.
pub async fn job_stats(store: &Store, job_name: &str) -> anyhow::Result<JobStats> {
    let job = require_job(store, job_name).await?;
    let (progress, labels, done) = {
        let mut conn = store.connect().await?;
        (
            db::jobs::progress(&mut conn, job.id)?,
            db::jobs::labels(&mut conn, &job)?,
            db::stats::done_images(&mut conn, job.id)?,
        )
    };
    let rows = bulk::read_job(store, job.id, bulk::ReadOptions::WITH_SUBMISSIONS).await?;
    let mut boxes_per_label: Vec<(String, u64)> = labels.iter().map(|l| (l.clone(), 0)).collect();
    for row in &rows.boxes {
        if let Some((_, count)) =
            boxes_per_label.get_mut(usize::try_from(row.category_id - 1).unwrap_or(usize::MAX))
        {
            *count += 1;
        }
    }
    let done: HashSet<i64> = done.into_iter().collect();
    let throughput = work::throughput(work::finish_times(&rows.submissions, |image| {
        done.contains(&image)
    }));
    let workers = work::worker_stats(&labels, &rows);
    let durations_ms = rows
        .submissions
        .iter()
        .filter(|submission| !submission.imported)
        .filter_map(|submission| submission.duration_ms)
        .map(db::to_u64)
        .collect();
    let box_sizes = work::box_sizes(&labels, &rows.boxes);
    let label_targets = job.label_targets.clone();
    let job_name = job.name.clone();
    let volunteered: HashSet<i64> = rows
        .submissions
        .iter()
        .filter(|submission| !submission.imported)
        .map(|submission| submission.image_id)
        .collect();
    let pre_annotations = bulk::read_pre_annotations(store, job.id).await?;
    let label_of = |category_id: i64| {
        labels
            .get(usize::try_from(category_id - 1).unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_default()
    };
    // The model's boxes are the scored pre-annotations (imported ones have no score).
    let model_boxes: Vec<(i64, DatasetBox)> = pre_annotations
        .boxes
        .iter()
        .filter(|row| row.score.is_some() && volunteered.contains(&row.image_id))
        .map(|row| {
            let found = DatasetBox {
                label: label_of(row.category_id),
                rect: ImageRect::new(row.x, row.y, row.w, row.h),
                iscrowd: false,
                confidence: row.score,
            };
            (row.image_id, found)
        })
        .collect();
    let job_dataset = job_dataset(
        job,
        labels.clone(),
        rows,
        Some(ConsolidationMethod::Groundtruth),
        false,
    );
    let consolidated = job_dataset.dataset;
    let human: HashMap<i64, Vec<DatasetBox>> = job_dataset
        .image_ids
        .iter()
        .zip(&consolidated.images)
        .filter(|(id, _)| volunteered.contains(id))
        .map(|(id, image)| (*id, image.boxes.clone()))
        .collect();
    let model_vs_human = model::model_vs_human(&labels, &model_boxes, &human);
    let objects_per_label = boxes_per_label
        .iter()
        .map(|(label, _)| {
            let objects = consolidated
                .images
                .iter()
                .flat_map(|image| &image.boxes)
                .filter(|object| object.label == *label)
                .count();
            (label.clone(), objects as u64)
        })
        .collect();
    Ok(summarize(StatsInput {
        job: job_name,
        images_total: progress.images_total,
        images_done: progress.images_done,
        boxes_per_label,
        objects_per_label,
        label_targets,
        box_sizes,
        throughput,
        workers,
        durations_ms,
        model_vs_human,
    }))
}

/// `crowdbox stats`'s text: the figures of a [`JobStats`] as tables.
pub struct StatsTable<'a>(pub &'a JobStats);

impl std::fmt::Display for StatsTable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stats = self.0;
        writeln!(f, "job {}", stats.job)?;
        writeln!(
            f,
            "images: {} total, {} done",
            stats.images_total, stats.images_done
        )?;
        let width = stats
            .boxes_per_label
            .iter()
            .map(|count| count.label.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "objects per label, after consolidating each image's boxes ({} in all):",
            stats.objects_total
        )?;
        for count in &stats.objects_per_label {
            writeln!(f, "  {:<width$}  {:>8}", count.label, count.objects)?;
        }
        write_imbalance(f, "objects", stats.objects_imbalance_ratio)?;
        writeln!(
            f,
            "raw boxes per label, every worker's ({} in all):",
            stats.boxes_total
        )?;
        for count in &stats.boxes_per_label {
            writeln!(f, "  {:<width$}  {:>8}", count.label, count.boxes)?;
        }
        write_imbalance(f, "raw boxes", stats.imbalance_ratio)?;
        writeln!(f, "workers: {}", stats.worker_count)?;
        if !stats.workers.is_empty() {
            let width = stats
                .workers
                .iter()
                .map(|worker| worker.worker_id.chars().count())
                .max()
                .unwrap_or(0)
                .max(6);
            writeln!(
                f,
                "  {:<width$}  {:>6}  {:>13}  {:>9}  {:>4}  {:>8}  {:>6}  {:>9}  {:>5}  blocked",
                "worker",
                "tasks",
                "median time s",
                "agreement",
                "gold",
                "gold IoU",
                "recall",
                "precision",
                "score",
            )?;
            let figure = |value: Option<f64>| value.map_or("-".to_owned(), |v| format!("{v:.3}"));
            for worker in &stats.workers {
                let median = worker
                    .median_task_ms
                    .map_or("-".to_owned(), |ms| format!("{:.1}", ms / 1000.0));
                writeln!(
                    f,
                    "  {:<width$}  {:>6}  {:>13}  {:>9}  {:>4}  {:>8}  {:>6}  {:>9}  {:>5.3}  {}",
                    worker.worker_id,
                    worker.tasks,
                    median,
                    figure(worker.agreement_iou),
                    worker.gold_tasks,
                    figure(worker.gold_mean_iou),
                    figure(worker.gold_recall),
                    figure(worker.gold_precision),
                    worker.score,
                    if worker.blocked { "yes" } else { "no" }
                )?;
            }
        }
        if !stats.model_vs_human.is_empty() {
            let width = stats
                .model_vs_human
                .iter()
                .map(|label| label.label.chars().count())
                .max()
                .unwrap_or(0)
                .max(5);
            writeln!(
                f,
                "model vs volunteers, per label (pre-labelled images volunteers answered; IoU >= 0.5):"
            )?;
            writeln!(
                f,
                "  {:<width$}  {:>6}  {:>10}  {:>7}  {:>9}  {:>6}",
                "label", "model", "volunteer", "matched", "precision", "recall"
            )?;
            let figure = |value: Option<f64>| value.map_or("-".to_owned(), |v| format!("{v:.3}"));
            for label in &stats.model_vs_human {
                writeln!(
                    f,
                    "  {:<width$}  {:>6}  {:>10}  {:>7}  {:>9}  {:>6}",
                    label.label,
                    label.model_boxes,
                    label.human_boxes,
                    label.matched,
                    figure(label.precision),
                    figure(label.recall)
                )?;
            }
        }
        match stats.median_task_ms {
            Some(ms) => write!(
                f,
                "median time per task: {:.1} s (over {} timed tasks)",
                ms / 1000.0,
                stats.timed_tasks
            ),
            None => write!(f, "median time per task: not measured yet"),
        }
    }
}

fn write_imbalance(
    f: &mut std::fmt::Formatter<'_>,
    what: &str,
    ratio: Option<f64>,
) -> std::fmt::Result {
    match ratio {
        Some(ratio) => writeln!(
            f,
            "imbalance of {what} (largest / smallest label): {ratio:.2}"
        ),
        None => writeln!(
            f,
            "imbalance of {what} (largest / smallest label): undefined, a label has none"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_sorted_by_count_and_the_ratio_is_largest_over_smallest() {
        let stats = summarize(StatsInput {
            job: "tools".into(),
            images_total: 10,
            images_done: 4,
            boxes_per_label: vec![
                ("hammer".into(), 3217),
                ("driller".into(), 3236),
                ("saw".into(), 809),
            ],
            objects_per_label: vec![
                ("hammer".into(), 1072),
                ("driller".into(), 1079),
                ("saw".into(), 0),
            ],
            durations_ms: vec![4000, 1000, 3000, 2000],
            ..StatsInput::default()
        });
        let order: Vec<&str> = stats
            .boxes_per_label
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(order, ["driller", "hammer", "saw"]);
        assert_eq!(stats.boxes_total, 7262);
        assert_eq!(stats.imbalance_ratio, Some(3236.0 / 809.0));
        assert_eq!(stats.median_task_ms, Some(2500.0));
        let objects: Vec<(&str, u64)> = stats
            .objects_per_label
            .iter()
            .map(|c| (c.label.as_str(), c.objects))
            .collect();
        assert_eq!(objects, [("driller", 1079), ("hammer", 1072), ("saw", 0)]);
        assert_eq!(stats.objects_total, 2151);
        assert_eq!(stats.objects_imbalance_ratio, None, "saw has no objects");
    }

    #[test]
    fn a_label_without_boxes_leaves_the_ratio_undefined_and_no_timings_no_median() {
        let stats = summarize(StatsInput {
            boxes_per_label: vec![("a".into(), 5), ("b".into(), 0)],
            ..StatsInput::default()
        });
        assert_eq!(stats.imbalance_ratio, None);
        assert_eq!(stats.median_task_ms, None);
        assert!(StatsTable(&stats).to_string().contains("undefined"));
    }
}
