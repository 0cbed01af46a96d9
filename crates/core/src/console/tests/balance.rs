use std::collections::BTreeMap;

use crate::console::balance::*;
use crate::owner::{BoxSizes, JobStats, LabelCount, LabelObjects};

fn labels() -> Vec<String> {
    ["screwdriver", "paintbrush", "hammer"]
        .map(str::to_owned)
        .to_vec()
}

fn stats(objects: &[(&str, u64)], boxes: &[(&str, u64)], targets: &[(&str, u64)]) -> JobStats {
    JobStats {
        job: "tools".to_owned(),
        images_total: 10,
        images_done: 5,
        boxes_total: boxes.iter().map(|(_, n)| n).sum(),
        boxes_per_label: boxes
            .iter()
            .map(|(label, boxes)| LabelCount {
                label: (*label).to_owned(),
                boxes: *boxes,
            })
            .collect(),
        imbalance_ratio: None,
        objects_total: objects.iter().map(|(_, n)| n).sum(),
        objects_per_label: objects
            .iter()
            .map(|(label, objects)| LabelObjects {
                label: (*label).to_owned(),
                objects: *objects,
            })
            .collect(),
        objects_imbalance_ratio: None,
        label_targets: targets.iter().map(|(l, n)| ((*l).to_owned(), *n)).collect(),
        box_sizes: Vec::new(),
        throughput: Vec::new(),
        worker_count: 0,
        workers: Vec::new(),
        median_task_ms: None,
        timed_tasks: 0,
        model_vs_human: Vec::new(),
    }
}

#[test]
fn every_label_gets_a_row_in_the_jobs_order_with_objects_boxes_and_target() {
    let balance = ClassBalance::new(
        &labels(),
        &stats(
            &[("paintbrush", 2413), ("screwdriver", 8591)],
            &[("screwdriver", 17_000), ("paintbrush", 5000)],
            &[("hammer", 1000)],
        ),
    );
    let rows: Vec<(&str, u64, u64, Option<u64>)> = balance
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.objects, r.boxes, r.target))
        .collect();
    assert_eq!(
        rows,
        [
            ("screwdriver", 8591, 17_000, None),
            ("paintbrush", 2413, 5000, None),
            ("hammer", 0, 0, Some(1000))
        ]
    );
}

#[test]
fn the_imbalance_ratio_is_the_most_over_the_fewest_and_missing_while_a_label_has_none() {
    let two = ["screwdriver", "paintbrush"].map(str::to_owned);
    let balance = ClassBalance::new(
        &two,
        &stats(
            &[("screwdriver", 8591), ("paintbrush", 2413)],
            &[("screwdriver", 9000), ("paintbrush", 3000)],
            &[],
        ),
    );
    let ratio = balance.imbalance_ratio().unwrap();
    assert!((ratio - 8591.0 / 2413.0).abs() < 1e-12, "{ratio}");
    assert_eq!(balance.raw_imbalance_ratio(), Some(3.0));
    let with_empty = ClassBalance::new(&labels(), &stats(&[("screwdriver", 5)], &[], &[]));
    assert_eq!(with_empty.imbalance_ratio(), None);
    assert_eq!(
        ClassBalance::new(&[], &stats(&[], &[], &[])).imbalance_ratio(),
        None
    );
}

#[test]
fn labels_short_of_their_targets_say_by_how_much_and_reached_ones_are_not_marked() {
    let balance = ClassBalance::new(
        &labels(),
        &stats(
            &[("screwdriver", 1200), ("paintbrush", 400)],
            &[],
            &[("screwdriver", 1000), ("paintbrush", 1000), ("hammer", 50)],
        ),
    );
    assert_eq!(
        balance.short_labels(),
        [("paintbrush", 600), ("hammer", 50)]
    );
    assert_eq!(balance.rows[0].short_by(), None);
    assert_eq!(balance.scale_max(), 2000.0);
}

#[test]
fn changing_one_target_keeps_the_others_and_clearing_it_removes_it() {
    let balance = ClassBalance::new(
        &labels(),
        &stats(&[], &[], &[("screwdriver", 1000), ("hammer", 50)]),
    );
    let set = balance.targets_with("paintbrush", Some(300));
    let expected: BTreeMap<String, u64> =
        [("screwdriver", 1000), ("paintbrush", 300), ("hammer", 50)]
            .map(|(l, n)| (l.to_owned(), n))
            .into();
    assert_eq!(set, expected);
    let cleared = balance.targets_with("hammer", None);
    assert_eq!(cleared.keys().collect::<Vec<_>>(), ["screwdriver"]);
}

#[test]
fn targets_are_typed_as_whole_numbers_with_separators_or_left_empty() {
    assert_eq!(parse_target(" 1,000 "), Ok(Some(1000)));
    assert_eq!(parse_target("1 000"), Ok(Some(1000)));
    assert_eq!(parse_target(""), Ok(None));
    for bad in ["0", "-5", "ten", "1.5"] {
        let message = parse_target(bad).unwrap_err();
        assert!(message.contains(&format!("{bad:?}")), "{message}");
    }
}

#[test]
fn box_sizes_share_one_logarithmic_scale_from_the_smallest_box_to_the_largest() {
    let sizes = [
        BoxSizes {
            label: "a".into(),
            boxes: 3,
            min: 10.0,
            median: 100.0,
            max: 1000.0,
        },
        BoxSizes {
            label: "b".into(),
            boxes: 0,
            min: 0.0,
            median: 0.0,
            max: 0.0,
        },
        BoxSizes {
            label: "c".into(),
            boxes: 1,
            min: 100.0,
            median: 100.0,
            max: 100.0,
        },
    ];
    let (rows, low, high) = size_spread(&sizes);
    assert_eq!((low, high), (10.0, 1000.0));
    let placed: Vec<(&str, f64, f64, f64)> = rows
        .iter()
        .map(|r| (r.sizes.label.as_str(), r.min_at, r.median_at, r.max_at))
        .collect();
    assert_eq!(placed.len(), 2, "a label without boxes has no spread");
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(
        placed[0].0 == "a"
            && close(placed[0].1, 0.0)
            && close(placed[0].2, 0.5)
            && close(placed[0].3, 1.0),
        "{placed:?}"
    );
    assert!(
        placed[1].0 == "c"
            && [placed[1].1, placed[1].2, placed[1].3]
                .iter()
                .all(|v| close(*v, 0.5)),
        "{placed:?}"
    );
    let (one, ..) = size_spread(&sizes[2..]);
    assert_eq!(one[0].median_at, 0.5, "a single size sits in the middle");
    assert_eq!(size_spread(&[]), (Vec::new(), 0.0, 0.0));
}
