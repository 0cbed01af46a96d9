//! Model vs volunteers: how a job's model boxes (scored pre-annotations from `crowdbox prelabel`) compare with
//! the consolidated volunteer boxes, per label, so the owner sees whether the model helps.

use std::collections::HashMap;

use crowdbox_core::formats::DatasetBox;
use crowdbox_core::owner::ModelLabelStats;
use crowdbox_core::quality::MatchCounts;

/// A model box and a volunteer box of the same label are one object at this IoU or more.
pub const MODEL_MATCH_IOU: f64 = 0.5;

/// Per label (in `labels`' order, labels neither side has left out): the model's boxes matched against the
/// consolidated volunteer boxes on every image that has model boxes and a volunteer answer. `model` is in image
/// order (an image's boxes together); `human` holds the consolidated boxes of the images volunteers answered.
pub fn model_vs_human(
    labels: &[String],
    model: &[(i64, DatasetBox)],
    human: &HashMap<i64, Vec<DatasetBox>>,
) -> Vec<ModelLabelStats> {
    let mut counts = vec![MatchCounts::default(); labels.len()];
    for image in model.chunk_by(|a, b| a.0 == b.0) {
        let Some(reference) = human.get(&image[0].0) else {
            continue;
        };
        for (label, count) in labels.iter().zip(&mut counts) {
            let model_boxes: Vec<DatasetBox> = image
                .iter()
                .map(|(_, found)| found)
                .filter(|found| found.label == *label)
                .cloned()
                .collect();
            let human_boxes: Vec<DatasetBox> = reference
                .iter()
                .filter(|drawn| drawn.label == *label)
                .cloned()
                .collect();
            *count = count.plus(MatchCounts::between(
                &model_boxes,
                &human_boxes,
                MODEL_MATCH_IOU,
            ));
        }
    }
    labels
        .iter()
        .zip(counts)
        .filter(|(_, count)| count.submitted + count.reference > 0)
        .map(|(label, count)| ModelLabelStats {
            label: label.clone(),
            model_boxes: count.submitted,
            human_boxes: count.reference,
            matched: count.matched,
            precision: (count.submitted > 0).then(|| count.precision()),
            recall: (count.reference > 0).then(|| count.recall()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crowdbox_core::geometry::ImageRect;

    fn found(label: &str, x: f64) -> DatasetBox {
        DatasetBox {
            label: label.into(),
            rect: ImageRect::new(x, 0.0, 10.0, 10.0),
            iscrowd: false,
            confidence: None,
        }
    }

    #[test]
    fn model_boxes_match_volunteer_boxes_of_the_same_label_on_answered_images_only() {
        let labels = ["car".to_owned(), "person".to_owned(), "tree".to_owned()];
        let model = [
            // Image 1: a car found (IoU 0.81), a car too far off (IoU 1/3), a person the volunteers saw as a car.
            (1, found("car", 0.0)),
            (1, found("car", 50.0)),
            (1, found("person", 100.0)),
            // Image 2 has no volunteer answer: left out.
            (2, found("car", 0.0)),
            (2, found("tree", 0.0)),
        ];
        let human = HashMap::from([(
            1,
            vec![found("car", 1.0), found("car", 55.0), found("car", 100.0)],
        )]);
        let stats = model_vs_human(&labels, &model, &human);
        assert_eq!(
            stats,
            [
                ModelLabelStats {
                    label: "car".into(),
                    model_boxes: 2,
                    human_boxes: 3,
                    matched: 1,
                    precision: Some(0.5),
                    recall: Some(1.0 / 3.0),
                },
                ModelLabelStats {
                    label: "person".into(),
                    model_boxes: 1,
                    human_boxes: 0,
                    matched: 0,
                    precision: Some(0.0),
                    recall: None,
                },
            ]
        );
    }
}
