//! The workers table: sorted by any column, either way, with missing values (no timed task yet, no gold task)
//! always last and ties in worker order.

use std::cmp::Ordering;

use crate::owner::WorkerStats;

/// A column of the workers table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerColumn {
    Worker,
    Tasks,
    MedianTime,
    Agreement,
    GoldIou,
    Score,
    Blocked,
}

impl WorkerColumn {
    pub const ALL: [WorkerColumn; 7] = [
        WorkerColumn::Worker,
        WorkerColumn::Tasks,
        WorkerColumn::MedianTime,
        WorkerColumn::Agreement,
        WorkerColumn::GoldIou,
        WorkerColumn::Score,
        WorkerColumn::Blocked,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            WorkerColumn::Worker => "Worker",
            WorkerColumn::Tasks => "Tasks",
            WorkerColumn::MedianTime => "Median time",
            WorkerColumn::Agreement => "Agreement",
            WorkerColumn::GoldIou => "Gold IoU",
            WorkerColumn::Score => "Score",
            WorkerColumn::Blocked => "Blocked",
        }
    }

    /// The direction a first click sorts in: names A to Z, numbers largest first.
    fn first_direction(self) -> Direction {
        match self {
            WorkerColumn::Worker => Direction::Ascending,
            _ => Direction::Descending,
        }
    }

    /// The cell's text.
    pub fn cell(self, worker: &WorkerStats) -> String {
        let share = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"));
        match self {
            WorkerColumn::Worker => worker.worker_id.clone(),
            WorkerColumn::Tasks => worker.tasks.to_string(),
            WorkerColumn::MedianTime => worker
                .median_task_ms
                .map_or_else(|| "—".to_owned(), |ms| format!("{:.1} s", ms / 1000.0)),
            WorkerColumn::Agreement => share(worker.agreement_iou),
            WorkerColumn::GoldIou => share(worker.gold_mean_iou),
            WorkerColumn::Score => format!("{:.2}", worker.score),
            WorkerColumn::Blocked => if worker.blocked { "blocked" } else { "no" }.to_owned(),
        }
    }

    fn key(self, worker: &WorkerStats) -> Option<f64> {
        match self {
            WorkerColumn::Worker => None,
            WorkerColumn::Tasks => Some(worker.tasks as f64),
            WorkerColumn::MedianTime => worker.median_task_ms,
            WorkerColumn::Agreement => worker.agreement_iou,
            WorkerColumn::GoldIou => worker.gold_mean_iou,
            WorkerColumn::Score => Some(worker.score),
            WorkerColumn::Blocked => Some(if worker.blocked { 1.0 } else { 0.0 }),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// How the table is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerSort {
    pub column: WorkerColumn,
    pub direction: Direction,
}

impl Default for WorkerSort {
    /// Most tasks first.
    fn default() -> Self {
        Self {
            column: WorkerColumn::Tasks,
            direction: Direction::Descending,
        }
    }
}

impl WorkerSort {
    /// The sort after the owner clicks `column`'s heading: the same column turns around, another one starts in
    /// its first direction.
    pub fn clicked(self, column: WorkerColumn) -> Self {
        if column == self.column {
            let direction = match self.direction {
                Direction::Ascending => Direction::Descending,
                Direction::Descending => Direction::Ascending,
            };
            Self { column, direction }
        } else {
            Self {
                column,
                direction: column.first_direction(),
            }
        }
    }

    /// The column heading's `aria-sort`.
    pub fn aria_sort(self, column: WorkerColumn) -> &'static str {
        match (column == self.column, self.direction) {
            (false, _) => "none",
            (true, Direction::Ascending) => "ascending",
            (true, Direction::Descending) => "descending",
        }
    }

    /// Sorts `workers`; values a worker does not have yet go last in both directions, ties by worker id.
    pub fn sort(self, workers: &mut [WorkerStats]) {
        workers.sort_by(|a, b| {
            let by_id = a.worker_id.cmp(&b.worker_id);
            let ordered = if self.column == WorkerColumn::Worker {
                by_id
            } else {
                match (self.column.key(a), self.column.key(b)) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => return Ordering::Greater,
                    (Some(_), None) => return Ordering::Less,
                    (Some(x), Some(y)) => x.total_cmp(&y),
                }
            };
            let ordered = match self.direction {
                Direction::Ascending => ordered,
                Direction::Descending => ordered.reverse(),
            };
            ordered.then(by_id)
        });
    }
}
