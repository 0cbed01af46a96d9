//! Grouping several workers' boxes into clusters, one cluster per object they (probably) all meant.

use crate::formats::DatasetBox;
use crate::geometry::ImageRect;

/// One worker's box inside a cluster.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    pub worker: usize,
    pub rect: ImageRect,
    pub iscrowd: bool,
}

/// Boxes of one label from different workers that overlap each other enough to be the same object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cluster {
    pub label: String,
    pub members: Vec<Member>,
    /// The position of the cluster's earliest box in the input (worker by worker), to keep output order stable.
    first_input_position: usize,
}

/// Clusters the boxes of each label by agglomeration with complete linkage: the pair of boxes with the highest
/// IoU is joined first, and two clusters are joined only when every box of one overlaps every box of the other
/// with IoU ≥ `iou_threshold` and no worker would appear twice. Complete linkage keeps chains of boxes sliding
/// across neighbouring objects apart; "one box per worker" keeps one worker's two boxes as two objects.
///
/// Boxes with a non-finite or empty rectangle take part in nothing. Clusters come out in the order of their
/// earliest box in the input.
pub(crate) fn cluster_boxes<W: AsRef<[DatasetBox]>>(
    workers: &[W],
    iou_threshold: f64,
) -> Vec<Cluster> {
    let mut boxes: Vec<(usize, &DatasetBox)> = Vec::new();
    for (worker, worker_boxes) in workers.iter().enumerate() {
        for dataset_box in worker_boxes.as_ref() {
            if dataset_box.rect.is_finite() && dataset_box.rect.w > 0.0 && dataset_box.rect.h > 0.0
            {
                boxes.push((worker, dataset_box));
            }
        }
    }
    let mut labels: Vec<&str> = boxes.iter().map(|(_, b)| b.label.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();

    let mut clusters = Vec::new();
    for label in labels {
        let indices: Vec<usize> = (0..boxes.len())
            .filter(|&i| boxes[i].1.label == label)
            .collect();
        for group in complete_linkage(&indices, &boxes, iou_threshold) {
            let members = group
                .iter()
                .map(|&i| Member {
                    worker: boxes[i].0,
                    rect: boxes[i].1.rect,
                    iscrowd: boxes[i].1.iscrowd,
                })
                .collect();
            let first_input_position = group.iter().copied().min().unwrap_or(0);
            clusters.push(Cluster {
                label: label.to_owned(),
                members,
                first_input_position,
            });
        }
    }
    clusters.sort_by_key(|cluster| cluster.first_input_position);
    clusters
}

/// Groups `indices` (into `boxes`) as described on [`cluster_boxes`]; each group is sorted by input position.
fn complete_linkage(
    indices: &[usize],
    boxes: &[(usize, &DatasetBox)],
    iou_threshold: f64,
) -> Vec<Vec<usize>> {
    let n = indices.len();
    let iou = |a: usize, b: usize| boxes[indices[a]].1.rect.iou(&boxes[indices[b]].1.rect);
    let mut overlaps = vec![0.0; n * n];
    let mut pairs = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let value = iou(a, b);
            overlaps[a * n + b] = value;
            overlaps[b * n + a] = value;
            if boxes[indices[a]].0 != boxes[indices[b]].0 && value > 0.0 && value >= iou_threshold {
                pairs.push((value, a, b));
            }
        }
    }
    // Highest IoU first; ties in input order so the result never depends on the sort's internals.
    pairs.sort_by(|p, q| q.0.total_cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));

    let mut group_of: Vec<usize> = (0..n).collect();
    let mut groups: Vec<Vec<usize>> = (0..n).map(|a| vec![a]).collect();
    for (_, a, b) in pairs {
        let (ga, gb) = (group_of[a], group_of[b]);
        if ga == gb {
            continue;
        }
        let same_worker = groups[ga].iter().any(|&x| {
            groups[gb]
                .iter()
                .any(|&y| boxes[indices[x]].0 == boxes[indices[y]].0)
        });
        let all_overlap = groups[ga].iter().all(|&x| {
            groups[gb]
                .iter()
                .all(|&y| overlaps[x * n + y] >= iou_threshold)
        });
        if same_worker || !all_overlap {
            continue;
        }
        let moved = std::mem::take(&mut groups[gb]);
        for &x in &moved {
            group_of[x] = ga;
        }
        groups[ga].extend(moved);
    }
    groups
        .into_iter()
        .filter(|group| !group.is_empty())
        .map(|group| {
            let mut group: Vec<usize> = group.into_iter().map(|a| indices[a]).collect();
            group.sort_unstable();
            group
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
        DatasetBox::new(label, ImageRect::new(x, y, w, h))
    }

    #[test]
    fn overlapping_boxes_of_different_workers_form_one_cluster_per_object() {
        let workers = vec![
            vec![
                boxed("cat", 0.0, 0.0, 10.0, 10.0),
                boxed("cat", 50.0, 50.0, 10.0, 10.0),
            ],
            vec![
                boxed("cat", 51.0, 50.0, 10.0, 10.0),
                boxed("cat", 1.0, 0.0, 10.0, 10.0),
            ],
        ];
        let clusters = cluster_boxes(&workers, 0.5);
        assert_eq!(clusters.len(), 2);
        assert!(clusters.iter().all(|c| c.members.len() == 2));
        assert_eq!(
            clusters[0].members[0].rect,
            ImageRect::new(0.0, 0.0, 10.0, 10.0)
        );
    }

    #[test]
    fn one_workers_two_boxes_on_one_object_stay_in_different_clusters() {
        let workers = vec![vec![
            boxed("cat", 0.0, 0.0, 10.0, 10.0),
            boxed("cat", 0.5, 0.0, 10.0, 10.0),
        ]];
        assert_eq!(cluster_boxes(&workers, 0.5).len(), 2);
    }

    #[test]
    fn boxes_with_different_labels_never_share_a_cluster() {
        let workers = vec![
            vec![boxed("cat", 0.0, 0.0, 10.0, 10.0)],
            vec![boxed("dog", 0.0, 0.0, 10.0, 10.0)],
        ];
        let clusters = cluster_boxes(&workers, 0.5);
        assert_eq!(clusters.len(), 2);
        assert_eq!(
            (clusters[0].label.as_str(), clusters[1].label.as_str()),
            ("cat", "dog")
        );
    }

    #[test]
    fn complete_linkage_does_not_chain_across_neighbouring_objects() {
        // a–b and b–c overlap enough, a–c do not: b joins one of them, never both.
        let workers = vec![
            vec![boxed("cat", 0.0, 0.0, 10.0, 10.0)],
            vec![boxed("cat", 2.5, 0.0, 10.0, 10.0)],
            vec![boxed("cat", 5.0, 0.0, 10.0, 10.0)],
        ];
        let clusters = cluster_boxes(&workers, 0.5);
        assert_eq!(clusters.len(), 2);
    }
}
