use crate::console::workers::*;
use crate::owner::WorkerStats;

fn worker(
    id: &str,
    tasks: u64,
    median: Option<f64>,
    agreement: Option<f64>,
    blocked: bool,
) -> WorkerStats {
    WorkerStats {
        worker_id: id.to_owned(),
        tasks,
        median_task_ms: median,
        agreement_iou: agreement,
        gold_tasks: 0,
        gold_mean_iou: None,
        gold_recall: None,
        gold_precision: None,
        score: agreement.unwrap_or(0.5),
        blocked,
    }
}

fn table() -> Vec<WorkerStats> {
    vec![
        worker("bea", 4, Some(3000.0), Some(0.9), false),
        worker("ann", 9, None, Some(0.4), true),
        worker("cai", 4, Some(1000.0), None, false),
    ]
}

fn order(sort: WorkerSort) -> Vec<String> {
    let mut workers = table();
    sort.sort(&mut workers);
    workers.into_iter().map(|w| w.worker_id).collect()
}

#[test]
fn the_table_starts_with_the_most_tasks_first_and_ties_in_worker_order() {
    assert_eq!(order(WorkerSort::default()), ["ann", "bea", "cai"]);
}

#[test]
fn clicking_a_heading_sorts_by_it_and_clicking_again_turns_the_order_around() {
    let by_time = WorkerSort::default().clicked(WorkerColumn::MedianTime);
    assert_eq!(by_time.direction, Direction::Descending);
    assert_eq!(
        order(by_time),
        ["bea", "cai", "ann"],
        "a worker without a timed task goes last"
    );
    let fastest_first = by_time.clicked(WorkerColumn::MedianTime);
    assert_eq!(
        order(fastest_first),
        ["cai", "bea", "ann"],
        "missing values stay last either way"
    );
    let by_name = fastest_first.clicked(WorkerColumn::Worker);
    assert_eq!(by_name.direction, Direction::Ascending);
    assert_eq!(order(by_name), ["ann", "bea", "cai"]);
    assert_eq!(
        order(by_name.clicked(WorkerColumn::Worker)),
        ["cai", "bea", "ann"]
    );
}

#[test]
fn every_column_sorts() {
    let sort = |column| WorkerSort {
        column,
        direction: Direction::Descending,
    };
    assert_eq!(order(sort(WorkerColumn::Agreement)), ["bea", "ann", "cai"]);
    assert_eq!(order(sort(WorkerColumn::Blocked)), ["ann", "bea", "cai"]);
    assert_eq!(order(sort(WorkerColumn::Score)), ["bea", "cai", "ann"]);
    assert_eq!(order(sort(WorkerColumn::Tasks)), ["ann", "bea", "cai"]);
    assert_eq!(
        order(sort(WorkerColumn::GoldIou)),
        ["ann", "bea", "cai"],
        "nobody has gold: worker order"
    );
}

#[test]
fn the_sorted_heading_tells_assistive_technology_its_direction() {
    let sort = WorkerSort::default();
    assert_eq!(sort.aria_sort(WorkerColumn::Tasks), "descending");
    assert_eq!(sort.aria_sort(WorkerColumn::Worker), "none");
    assert_eq!(
        sort.clicked(WorkerColumn::Tasks)
            .aria_sort(WorkerColumn::Tasks),
        "ascending"
    );
}

#[test]
fn cells_show_missing_values_as_a_dash() {
    let ann = &table()[1];
    assert_eq!(WorkerColumn::MedianTime.cell(ann), "—");
    assert_eq!(WorkerColumn::Agreement.cell(ann), "0.40");
    assert_eq!(WorkerColumn::Blocked.cell(ann), "blocked");
    assert_eq!(WorkerColumn::MedianTime.cell(&table()[0]), "3.0 s");
}
