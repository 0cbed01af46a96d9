use super::*;

fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
    DatasetBox::new(label, ImageRect::new(x, y, w, h))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn majority_means_more_than_half_of_the_workers() {
    assert_eq!(Quorum::Majority.min_support(5), 3);
    assert_eq!(Quorum::Majority.min_support(4), 3);
    assert_eq!(Quorum::Majority.min_support(1), 1);
    assert_eq!(Quorum::Fraction(0.4).min_support(5), 2);
    assert_eq!(Quorum::Fraction(0.0).min_support(5), 1);
    assert_eq!(Quorum::AtLeast(0).min_support(5), 1);
}

#[test]
fn ground_truth_style_averages_the_edges_of_a_majority_cluster() {
    let workers = vec![
        vec![boxed("cat", 10.0, 10.0, 100.0, 50.0)],
        vec![boxed("cat", 12.0, 8.0, 100.0, 54.0)],
        vec![boxed("cat", 8.0, 12.0, 100.0, 46.0)],
    ];
    let result = consolidate_ground_truth(&workers, &GroundTruthParams::default());
    assert_eq!(result.len(), 1);
    let consolidated = &result[0];
    assert_eq!(consolidated.label, "cat");
    assert_eq!(consolidated.support, 3);
    assert!(close(consolidated.rect.x, 10.0) && close(consolidated.rect.y, 10.0));
    assert!(close(consolidated.rect.w, 100.0) && close(consolidated.rect.h, 50.0));
    let agreement: f64 = workers
        .iter()
        .map(|w| w[0].rect.iou(&consolidated.rect))
        .sum::<f64>()
        / 3.0;
    assert!(
        close(consolidated.confidence, agreement),
        "{} vs {agreement}",
        consolidated.confidence
    );
}

#[test]
fn a_box_only_a_minority_drew_is_dropped() {
    let workers = vec![
        vec![
            boxed("cat", 0.0, 0.0, 10.0, 10.0),
            boxed("dog", 50.0, 50.0, 10.0, 10.0),
        ],
        vec![boxed("cat", 0.0, 0.0, 10.0, 10.0)],
        vec![
            boxed("cat", 0.0, 0.0, 10.0, 10.0),
            boxed("dog", 50.0, 50.0, 10.0, 10.0),
        ],
        vec![],
        vec![],
    ];
    // cat: 3 of 5 workers, dog: 2 of 5; the two workers who drew nothing count.
    let result = consolidate_ground_truth(&workers, &GroundTruthParams::default());
    assert_eq!(result.len(), 1);
    assert_eq!(result[0].label, "cat");
    assert!(close(result[0].confidence, 0.6));
    let with_quorum_two = GroundTruthParams {
        quorum: Quorum::AtLeast(2),
        ..GroundTruthParams::default()
    };
    assert_eq!(
        consolidate_ground_truth(&workers, &with_quorum_two).len(),
        2
    );
}

#[test]
fn the_median_ignores_one_wild_edge_that_the_mean_follows() {
    let workers = vec![
        vec![boxed("cat", 0.0, 0.0, 100.0, 100.0)],
        vec![boxed("cat", 0.0, 0.0, 100.0, 100.0)],
        vec![boxed("cat", 0.0, 0.0, 160.0, 100.0)],
    ];
    let median = GroundTruthParams {
        averaging: Averaging::Median,
        ..GroundTruthParams::default()
    };
    assert!(close(
        consolidate_ground_truth(&workers, &median)[0].rect.w,
        100.0
    ));
    assert!(close(
        consolidate_ground_truth(&workers, &GroundTruthParams::default())[0]
            .rect
            .w,
        120.0
    ));
}

#[test]
fn the_trimmed_mean_drops_the_extremes_of_four_or_more() {
    let widths = [90.0, 100.0, 110.0, 200.0];
    let workers: Vec<Vec<DatasetBox>> = widths
        .iter()
        .map(|&w| vec![boxed("cat", 0.0, 0.0, w, 100.0)])
        .collect();
    let params = GroundTruthParams {
        averaging: Averaging::TrimmedMean,
        iou_threshold: 0.4,
        ..Default::default()
    };
    let result = consolidate_ground_truth(&workers, &params);
    assert_eq!(result.len(), 1);
    assert!(close(result[0].rect.w, 105.0), "{:?}", result[0].rect);
}

#[test]
fn cvat_style_keeps_the_member_nearest_the_mean() {
    let workers = vec![
        vec![boxed("cat", 0.0, 0.0, 100.0, 100.0)],
        vec![boxed("cat", 4.0, 0.0, 100.0, 100.0)],
        vec![boxed("cat", 20.0, 0.0, 100.0, 100.0)],
    ];
    let result = consolidate_cvat(&workers, &CvatParams::default());
    assert_eq!(result.len(), 1);
    // The mean left edge is 8: the box at 4 is nearest.
    assert_eq!(result[0].rect, ImageRect::new(4.0, 0.0, 100.0, 100.0));
    let too_strict = CvatParams {
        quorum: Quorum::AtLeast(4),
        ..CvatParams::default()
    };
    assert!(consolidate_cvat(&workers, &too_strict).is_empty());
}

#[test]
fn a_crowd_flag_needs_a_majority_of_the_supporting_boxes() {
    let mut crowd = boxed("people", 0.0, 0.0, 50.0, 50.0);
    crowd.iscrowd = true;
    let plain = boxed("people", 0.0, 0.0, 50.0, 50.0);
    let two_of_three = vec![
        vec![crowd.clone()],
        vec![crowd.clone()],
        vec![plain.clone()],
    ];
    assert!(consolidate_cvat(&two_of_three, &CvatParams::default())[0].iscrowd);
    let one_of_three = vec![vec![crowd], vec![plain.clone()], vec![plain]];
    assert!(!consolidate_cvat(&one_of_three, &CvatParams::default())[0].iscrowd);
}

#[test]
fn no_workers_or_no_boxes_give_no_consolidated_boxes() {
    let none: Vec<Vec<DatasetBox>> = Vec::new();
    assert!(consolidate_ground_truth(&none, &GroundTruthParams::default()).is_empty());
    let empty = vec![Vec::<DatasetBox>::new(); 3];
    assert!(consolidate_cvat(&empty, &CvatParams::default()).is_empty());
}

#[test]
fn a_consolidated_box_becomes_a_dataset_box_with_its_confidence() {
    let workers = vec![vec![boxed("cat", 0.0, 0.0, 10.0, 10.0)]];
    let dataset_box = consolidate_ground_truth(&workers, &GroundTruthParams::default())
        .remove(0)
        .into_dataset_box();
    assert_eq!(dataset_box.confidence, Some(1.0));
    assert_eq!(dataset_box.label, "cat");
}
