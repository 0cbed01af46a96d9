//! `crowdbox stats`: how far a job is and how balanced its labels are.
//!
//! Two counts per label: the raw boxes (every worker's and imported final ones) and the objects after
//! consolidating each image's boxes (Ground Truth style, as `crowdbox export --consolidated` does). With several
//! workers per image the raw count is about workers × objects; the objects are what the finished dataset holds.
//!
//! [`summarize`] is pure (counts in, figures out), so an HTTP endpoint can serve the same numbers;
//! [`job_stats`] reads the counts from the database.

use serde::Serialize;

use crate::db::{self, Store};
use crate::export::{load_job_dataset, ConsolidationMethod};
use crate::jobs::require_job;

/// What [`summarize`] needs, as the database counts it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsInput {
    pub job: String,
    pub images_total: u64,
    pub images_done: u64,
    /// Every job label with its number of stored boxes (all workers' and imported final ones), in label order.
    pub boxes_per_label: Vec<(String, u64)>,
    /// Every job label with its number of objects after consolidation, in label order.
    pub objects_per_label: Vec<(String, u64)>,
    /// Distinct workers who submitted (imports not counted).
    pub workers: u64,
    /// Time spent per task, from the submissions that measured it.
    pub durations_ms: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelCount {
    pub label: String,
    pub boxes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelObjects {
    pub label: String,
    pub objects: u64,
}

/// A job's statistics, as `crowdbox stats --json` prints them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobStats {
    pub job: String,
    pub images_total: u64,
    pub images_done: u64,
    /// Raw boxes: every worker's (and imported final ones), before consolidation.
    pub boxes_total: u64,
    /// Raw boxes per label, largest first; ties by label order.
    pub boxes_per_label: Vec<LabelCount>,
    /// Largest raw label count / smallest; `None` when a label has no boxes (or there are none at all).
    pub imbalance_ratio: Option<f64>,
    /// Objects after consolidating each image's boxes (what `export --consolidated` writes).
    pub objects_total: u64,
    /// Objects per label after consolidation, largest first; ties by label order.
    pub objects_per_label: Vec<LabelObjects>,
    /// Largest object count / smallest; `None` when a label has no objects.
    pub objects_imbalance_ratio: Option<f64>,
    pub workers: u64,
    /// The median of the measured task times; `None` when none was measured.
    pub median_task_ms: Option<f64>,
    pub timed_tasks: u64,
}

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
    let mut durations = input.durations_ms;
    durations.sort_unstable();
    let median_task_ms = match durations.len() {
        0 => None,
        n if n % 2 == 1 => Some(durations[n / 2] as f64),
        n => Some((durations[n / 2 - 1] as f64 + durations[n / 2] as f64) / 2.0),
    };
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
        workers: input.workers,
        median_task_ms,
        timed_tasks: durations.len() as u64,
    }
}

/// Reads a job's counts and summarizes them.
pub async fn job_stats(store: &Store, job_name: &str) -> anyhow::Result<JobStats> {
    let job = require_job(store, job_name).await?;
    let progress = {
        let mut conn = store.pool().acquire().await?;
        db::jobs::progress(&mut conn, job.id).await?
    };
    let counts = db::stats::work_counts(store, job.id).await?;
    let consolidated = load_job_dataset(store, job_name, Some(ConsolidationMethod::Groundtruth))
        .await?
        .dataset;
    let objects_per_label = counts
        .boxes_per_label
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
        job: job.name,
        images_total: progress.images_total,
        images_done: progress.images_done,
        boxes_per_label: counts.boxes_per_label,
        objects_per_label,
        workers: counts.workers,
        durations_ms: counts.durations_ms,
    }))
}

impl std::fmt::Display for JobStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "job {}", self.job)?;
        writeln!(
            f,
            "images: {} total, {} done",
            self.images_total, self.images_done
        )?;
        let width = self
            .boxes_per_label
            .iter()
            .map(|count| count.label.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "objects per label, after consolidating each image's boxes ({} in all):",
            self.objects_total
        )?;
        for count in &self.objects_per_label {
            writeln!(f, "  {:<width$}  {:>8}", count.label, count.objects)?;
        }
        write_imbalance(f, "objects", self.objects_imbalance_ratio)?;
        writeln!(
            f,
            "raw boxes per label, every worker's ({} in all):",
            self.boxes_total
        )?;
        for count in &self.boxes_per_label {
            writeln!(f, "  {:<width$}  {:>8}", count.label, count.boxes)?;
        }
        write_imbalance(f, "raw boxes", self.imbalance_ratio)?;
        writeln!(f, "workers: {}", self.workers)?;
        match self.median_task_ms {
            Some(ms) => write!(
                f,
                "median time per task: {:.1} s (over {} timed tasks)",
                ms / 1000.0,
                self.timed_tasks
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
            workers: 3,
            durations_ms: vec![4000, 1000, 3000, 2000],
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
        assert!(stats.to_string().contains("undefined"));
    }
}
