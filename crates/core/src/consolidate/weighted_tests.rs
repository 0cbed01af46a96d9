//! The weighted methods, and that weight 1 each changes nothing.

use super::*;

fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
    DatasetBox::new(label, ImageRect::new(x, y, w, h))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn weighted(boxes: Vec<DatasetBox>, weight: f64) -> Weighted<Vec<DatasetBox>> {
    Weighted::new(boxes, weight)
}

#[test]
fn with_weight_one_each_the_weighted_quorum_is_exactly_the_counted_one() {
    let quorums = [
        Quorum::Majority,
        Quorum::AtLeast(0),
        Quorum::AtLeast(2),
        Quorum::AtLeast(4),
        Quorum::Fraction(0.0),
        Quorum::Fraction(0.3),
        Quorum::Fraction(0.5),
        Quorum::Fraction(2.0 / 3.0),
        Quorum::Fraction(1.0),
    ];
    for quorum in quorums {
        for workers in 1..=12 {
            for support in 1..=workers {
                assert_eq!(
                    quorum.is_met(support as f64, workers as f64, workers),
                    support >= quorum.min_support(workers),
                    "{quorum:?}, {support} of {workers}"
                );
            }
        }
    }
}

#[test]
fn a_trusted_minority_outweighs_an_untrusted_majority() {
    let cat = boxed("cat", 0.0, 0.0, 10.0, 10.0);
    let workers = vec![
        weighted(vec![cat.clone()], 0.9),
        weighted(vec![], 0.2),
        weighted(vec![], 0.2),
    ];
    let result = consolidate_ground_truth_weighted(&workers, &GroundTruthParams::default());
    assert_eq!(result.len(), 1);
    assert_eq!(result[0].support, 1);
    assert!(close(result[0].confidence, 0.9 / 1.3));
    // Unweighted, the same answers drop the box: one of three.
    let plain: Vec<Vec<DatasetBox>> = workers.into_iter().map(|w| w.boxes).collect();
    assert!(consolidate_ground_truth(&plain, &GroundTruthParams::default()).is_empty());
}

#[test]
fn a_heavier_worker_pulls_the_averaged_edges_towards_their_box() {
    let workers = vec![
        weighted(vec![boxed("cat", 0.0, 0.0, 100.0, 100.0)], 3.0),
        weighted(vec![boxed("cat", 20.0, 0.0, 100.0, 100.0)], 1.0),
    ];
    let result = consolidate_ground_truth_weighted(&workers, &GroundTruthParams::default());
    assert!(close(result[0].rect.x, 5.0), "{:?}", result[0].rect);
    assert!(close(result[0].rect.w, 100.0));
}

#[test]
fn the_weighted_median_takes_the_edge_of_the_worker_holding_most_of_the_weight() {
    let params = GroundTruthParams {
        averaging: Averaging::Median,
        ..GroundTruthParams::default()
    };
    let workers = vec![
        weighted(vec![boxed("cat", 0.0, 0.0, 100.0, 100.0)], 0.3),
        weighted(vec![boxed("cat", 10.0, 0.0, 100.0, 100.0)], 0.3),
        weighted(vec![boxed("cat", 20.0, 0.0, 100.0, 100.0)], 1.0),
    ];
    assert!(close(
        consolidate_ground_truth_weighted(&workers, &params)[0]
            .rect
            .x,
        20.0
    ));
}

#[test]
fn the_weighted_trimmed_mean_still_drops_the_lowest_and_highest_edge() {
    let params = GroundTruthParams {
        averaging: Averaging::TrimmedMean,
        iou_threshold: 0.4,
        ..GroundTruthParams::default()
    };
    let workers: Vec<_> = [(0.0, 5.0), (10.0, 1.0), (20.0, 3.0), (40.0, 5.0)]
        .iter()
        .map(|&(x, weight)| weighted(vec![boxed("cat", x, 0.0, 200.0, 100.0)], weight))
        .collect();
    let result = consolidate_ground_truth_weighted(&workers, &params);
    assert_eq!(result.len(), 1);
    assert!(close(result[0].rect.x, 17.5), "{:?}", result[0].rect);
}

#[test]
fn a_worker_whose_weight_is_zero_negative_or_not_a_number_is_left_out_as_if_absent() {
    let cat = boxed("cat", 0.0, 0.0, 10.0, 10.0);
    let dog = boxed("dog", 50.0, 50.0, 10.0, 10.0);
    let present = vec![
        weighted(vec![cat.clone()], 0.8),
        weighted(vec![cat.clone(), dog.clone()], 0.6),
    ];
    let mut with_ignored = present.clone();
    for weight in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        with_ignored.push(weighted(vec![dog.clone()], weight));
    }
    let params = GroundTruthParams {
        quorum: Quorum::Fraction(0.5),
        ..GroundTruthParams::default()
    };
    let expected = consolidate_ground_truth_weighted(&present, &params);
    assert_eq!(expected.len(), 1, "the dog has 0.6 of 1.4");
    assert_eq!(
        consolidate_ground_truth_weighted(&with_ignored, &params),
        expected
    );
    assert_eq!(
        consolidate_cvat_weighted(&with_ignored, &CvatParams::default()),
        consolidate_cvat_weighted(&present, &CvatParams::default())
    );
    let nobody = vec![weighted(vec![cat], 0.0)];
    assert!(consolidate_cvat_weighted(&nobody, &CvatParams::default()).is_empty());
}

#[test]
fn the_weighted_cvat_medoid_is_the_member_nearest_the_weighted_mean() {
    let workers = vec![
        weighted(vec![boxed("cat", 0.0, 0.0, 100.0, 100.0)], 1.0),
        weighted(vec![boxed("cat", 4.0, 0.0, 100.0, 100.0)], 1.0),
        weighted(vec![boxed("cat", 20.0, 0.0, 100.0, 100.0)], 6.0),
    ];
    // The weighted mean left edge is (0 + 4 + 120) / 8 = 15.5: the box at 20 is nearest (unweighted: at 4).
    let result = consolidate_cvat_weighted(&workers, &CvatParams::default());
    assert_eq!(result[0].rect, ImageRect::new(20.0, 0.0, 100.0, 100.0));
}

#[test]
fn the_weighted_crowd_flag_needs_more_than_half_of_the_supporting_weight() {
    let mut crowd = boxed("people", 0.0, 0.0, 50.0, 50.0);
    crowd.iscrowd = true;
    let plain = boxed("people", 0.0, 0.0, 50.0, 50.0);
    let trusted_crowd = vec![
        weighted(vec![crowd.clone()], 1.0),
        weighted(vec![plain.clone()], 0.3),
        weighted(vec![plain.clone()], 0.3),
    ];
    assert!(consolidate_cvat_weighted(&trusted_crowd, &CvatParams::default())[0].iscrowd);
    let trusted_plain = vec![
        weighted(vec![crowd.clone()], 0.3),
        weighted(vec![crowd], 0.3),
        weighted(vec![plain], 1.0),
    ];
    assert!(!consolidate_cvat_weighted(&trusted_plain, &CvatParams::default())[0].iscrowd);
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    let params = GroundTruthParams {
        averaging: Averaging::Median,
        iou_threshold: 0.4,
        ..GroundTruthParams::default()
    };
    let workers: Vec<Vec<DatasetBox>> = [0.0, 10.0, 14.0, 40.0]
        .iter()
        .map(|&x| vec![boxed("cat", x, 0.0, 200.0, 100.0)])
        .collect();
    assert!(close(
        consolidate_ground_truth(&workers, &params)[0].rect.x,
        12.0
    ));
}

mod weight_one {
    use super::*;
    use crate::consolidate::cluster::Member;
    use proptest::prelude::*;

    /// The edge averaging as it was before weights (kept here as the oracle the weighted code must equal).
    fn unweighted_average(members: &[Member], averaging: Averaging) -> ImageRect {
        fn mean(values: &[f64]) -> f64 {
            values.iter().sum::<f64>() / values.len() as f64
        }
        let edge = |pick: fn(&ImageRect) -> f64| {
            let mut values: Vec<f64> = members.iter().map(|member| pick(&member.rect)).collect();
            values.sort_by(f64::total_cmp);
            let middle = values.len() / 2;
            match averaging {
                Averaging::Mean => mean(&values),
                Averaging::Median if values.len() % 2 == 1 => values[middle],
                Averaging::Median => (values[middle - 1] + values[middle]) / 2.0,
                Averaging::TrimmedMean if values.len() >= 4 => mean(&values[1..values.len() - 1]),
                Averaging::TrimmedMean => mean(&values),
            }
        };
        let left = edge(|r| r.x);
        let top = edge(|r| r.y);
        let right = edge(ImageRect::right);
        let bottom = edge(ImageRect::bottom);
        ImageRect::new(left, top, (right - left).max(0.0), (bottom - top).max(0.0))
    }

    fn members() -> impl Strategy<Value = Vec<Member>> {
        let member =
            (-1e4..1e4f64, -1e4..1e4f64, 0.0..1e3f64, 0.0..1e3f64).prop_map(|(x, y, w, h)| {
                Member {
                    worker: 0,
                    rect: ImageRect::new(x, y, w, h),
                    iscrowd: false,
                }
            });
        prop::collection::vec(member, 1..8)
    }

    /// Up to 6 workers with up to 4 boxes each around a few fixed places, so that clusters of every size form.
    fn workers() -> impl Strategy<Value = Vec<Vec<DatasetBox>>> {
        let one_box = (
            0..3usize,
            0..2usize,
            -8.0..8.0f64,
            -8.0..8.0f64,
            -8.0..8.0f64,
            any::<bool>(),
        )
            .prop_map(|(place, label, dx, dy, dw, iscrowd)| {
                let mut dataset_box = boxed(
                    ["cat", "dog"][label],
                    place as f64 * 60.0 + dx,
                    dy,
                    40.0 + dw,
                    40.0,
                );
                dataset_box.iscrowd = iscrowd;
                dataset_box
            });
        prop::collection::vec(prop::collection::vec(one_box, 0..4), 0..6)
    }

    fn quorum() -> impl Strategy<Value = Quorum> {
        prop_oneof![
            Just(Quorum::Majority),
            (0..5usize).prop_map(Quorum::AtLeast),
            (0.0..1.0f64).prop_map(Quorum::Fraction),
        ]
    }

    proptest! {
        #[test]
        fn averaging_with_weight_one_each_is_bit_for_bit_the_unweighted_average(
            members in members(),
            averaging in prop_oneof![Just(Averaging::Mean), Just(Averaging::Median), Just(Averaging::TrimmedMean)],
        ) {
            let ones = vec![1.0; members.len()];
            prop_assert_eq!(
                super::super::combine::average(&members, &ones, averaging),
                unweighted_average(&members, averaging)
            );
        }

        #[test]
        fn weighted_consolidation_with_weight_one_each_is_bit_for_bit_the_unweighted_one(
            workers in workers(),
            quorum in quorum(),
            averaging in prop_oneof![Just(Averaging::Mean), Just(Averaging::Median), Just(Averaging::TrimmedMean)],
            iou_threshold in 0.3..0.8f64,
        ) {
            let ones: Vec<_> = workers.iter().map(|w| Weighted::new(w.as_slice(), 1.0)).collect();
            let ground_truth = GroundTruthParams { iou_threshold, quorum, averaging };
            prop_assert_eq!(
                consolidate_ground_truth_weighted(&ones, &ground_truth),
                consolidate_ground_truth(&workers, &ground_truth)
            );
            let cvat = CvatParams { iou_threshold, quorum };
            prop_assert_eq!(consolidate_cvat_weighted(&ones, &cvat), consolidate_cvat(&workers, &cvat));
        }
    }
}
