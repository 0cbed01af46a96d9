use std::collections::BTreeMap;

use super::*;

fn drawn(label: &str, x: f64, y: f64, w: f64, h: f64) -> DatasetBox {
    DatasetBox {
        label: label.to_owned(),
        rect: ImageRect::new(x, y, w, h),
        iscrowd: false,
        confidence: None,
    }
}

fn labels() -> Vec<String> {
    vec!["cat".to_owned(), "dog".to_owned()]
}

fn params(pairs: &[(&str, &str)]) -> ReviewParams {
    let mut params = ReviewParams::default();
    for (key, value) in pairs {
        let value = Some((*value).to_owned());
        match *key {
            "filter" => params.filter = value,
            "below" => params.below = value,
            "label" => params.label = value,
            "worker" => params.worker = value,
            "outcome" => params.outcome = value,
            "reviewed" => params.reviewed = value,
            "cursor" => params.cursor = value,
            "limit" => params.limit = value,
            other => panic!("no parameter {other}"),
        }
    }
    params
}

fn field_of(pairs: &[(&str, &str)]) -> String {
    ReviewQuery::parse(&params(pairs), &labels())
        .expect_err("the query should be refused")
        .field
}

#[test]
fn workers_who_drew_the_same_boxes_give_full_confidence_and_no_disagreement() {
    let workers = vec![
        vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)],
        vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)],
        vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)],
    ];
    let assessment = assess(&workers);
    assert_eq!(assessment.boxes.len(), 1);
    assert_eq!(assessment.confidence, 1.0);
    assert!(!assessment.disagreement);
}

#[test]
fn a_box_only_one_of_three_drew_is_dropped_and_lowers_the_confidence_to_the_share_that_agreed() {
    let workers = vec![
        vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)],
        vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)],
        vec![
            drawn("cat", 10.0, 10.0, 50.0, 40.0),
            drawn("dog", 100.0, 100.0, 30.0, 30.0),
        ],
    ];
    let assessment = assess(&workers);
    assert_eq!(
        assessment.boxes.len(),
        1,
        "the lone dog is not consolidated"
    );
    assert!((assessment.confidence - 2.0 / 3.0).abs() < 1e-12);
    assert!(assessment.disagreement);
}

#[test]
fn loose_boxes_lower_the_confidence_below_one_and_count_as_disagreement_at_the_agreement_iou() {
    let workers = vec![
        vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)],
        vec![drawn("cat", 16.0, 14.0, 50.0, 40.0)],
    ];
    let assessment = assess(&workers);
    assert_eq!(assessment.boxes.len(), 1);
    assert!(assessment.confidence < 1.0 && assessment.confidence > 0.5);
    assert!(
        assessment.disagreement,
        "IoU about 0.68 is below the agreement IoU 0.7"
    );
}

#[test]
fn one_worker_or_workers_who_all_left_the_image_empty_are_fully_confident() {
    assert_eq!(
        assess(&[vec![drawn("dog", 1.0, 1.0, 5.0, 5.0)]]).confidence,
        1.0
    );
    let empty: Vec<Vec<DatasetBox>> = vec![Vec::new(), Vec::new()];
    let assessment = assess(&empty);
    assert_eq!(assessment.confidence, 1.0);
    assert!(!assessment.disagreement);
    assert!(assess::<Vec<DatasetBox>>(&[]).boxes.is_empty());
}

#[test]
fn no_parameters_ask_for_every_answered_image_fifty_at_a_time() {
    let query = ReviewQuery::parse(&ReviewParams::default(), &labels()).unwrap();
    assert_eq!(query.limit, DEFAULT_PAGE_SIZE);
    assert_eq!(query.confidence_below, None);
    assert!(!query.disagreement);
    let query = ReviewQuery::parse(&params(&[("filter", "low_confidence")]), &labels()).unwrap();
    assert_eq!(query.confidence_below, Some(DEFAULT_LOW_CONFIDENCE));
    let query = ReviewQuery::parse(
        &params(&[
            ("filter", "low_confidence"),
            ("below", "0.9"),
            ("cursor", "12"),
            ("limit", "3"),
        ]),
        &labels(),
    )
    .unwrap();
    assert_eq!(
        (query.confidence_below, query.after, query.limit),
        (Some(0.9), Some(12), 3)
    );
}

#[test]
fn bad_parameters_are_refused_naming_the_parameter() {
    assert_eq!(field_of(&[("filter", "label=cat")]), "filter");
    assert_eq!(
        field_of(&[("filter", "low_confidence"), ("below", "2")]),
        "below"
    );
    assert_eq!(field_of(&[("below", "0.5")]), "below");
    assert_eq!(field_of(&[("label", "horse")]), "label");
    assert_eq!(field_of(&[("outcome", "maybe")]), "outcome");
    assert_eq!(field_of(&[("reviewed", "yes")]), "reviewed");
    assert_eq!(field_of(&[("cursor", "abc")]), "cursor");
    assert_eq!(field_of(&[("limit", "0")]), "limit");
    assert_eq!(field_of(&[("limit", "201")]), "limit");
}

#[test]
fn each_condition_of_a_query_must_hold() {
    let workers = vec![
        ("w1".to_owned(), vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)]),
        (
            "w2".to_owned(),
            vec![
                drawn("cat", 10.0, 10.0, 50.0, 40.0),
                drawn("dog", 90.0, 90.0, 9.0, 9.0),
            ],
        ),
    ];
    let answers: Vec<Vec<DatasetBox>> = workers.iter().map(|(_, boxes)| boxes.clone()).collect();
    let assessment = assess(&answers);
    let mut outcomes = BTreeMap::new();
    outcomes.insert("unsure".to_owned(), 1);
    let image = QueueImage {
        workers: &workers,
        outcomes: &outcomes,
        reviewed: None,
        final_boxes: &[],
    };
    let admits = |pairs: &[(&str, &str)]| {
        ReviewQuery::parse(&params(pairs), &labels())
            .unwrap()
            .admits(&image, &assessment)
    };
    assert!(admits(&[]));
    assert!(admits(&[("filter", "low_confidence")]));
    assert!(!admits(&[("filter", "low_confidence"), ("below", "0.2")]));
    assert!(admits(&[("filter", "disagreement")]));
    assert!(admits(&[("label", "cat")]));
    assert!(!admits(&[("label", "dog")]), "the dog was not consolidated");
    assert!(admits(&[("worker", "w2")]));
    assert!(!admits(&[("worker", "w3")]));
    assert!(admits(&[("outcome", "unsure")]));
    assert!(admits(&[("outcome", "boxed")]));
    assert!(!admits(&[("outcome", "image_unreadable")]));
    assert!(admits(&[("reviewed", "false")]));
    assert!(!admits(&[("reviewed", "true")]));
    assert!(!admits(&[("label", "cat"), ("worker", "w3")]));
}

#[test]
fn a_reviewed_image_shows_its_final_boxes_and_leaves_the_low_confidence_and_disagreement_queues() {
    let workers = vec![
        ("w1".to_owned(), vec![drawn("cat", 10.0, 10.0, 50.0, 40.0)]),
        ("w2".to_owned(), vec![drawn("dog", 90.0, 90.0, 9.0, 9.0)]),
    ];
    let answers: Vec<Vec<DatasetBox>> = workers.iter().map(|(_, boxes)| boxes.clone()).collect();
    let assessment = assess(&answers);
    let outcomes = BTreeMap::new();
    let final_boxes = vec![drawn("dog", 90.0, 90.0, 9.0, 9.0)];
    let image = QueueImage {
        workers: &workers,
        outcomes: &outcomes,
        reviewed: Some(ReviewState::Corrected),
        final_boxes: &final_boxes,
    };
    let query = |pairs: &[(&str, &str)]| ReviewQuery::parse(&params(pairs), &labels()).unwrap();
    assert!(query(&[]).admits(&image, &assessment));
    assert!(!query(&[("filter", "low_confidence")]).admits(&image, &assessment));
    assert!(!query(&[("filter", "disagreement")]).admits(&image, &assessment));
    assert!(query(&[("label", "dog")]).admits(&image, &assessment));
    assert_eq!(
        image.shown_boxes(&assessment)[0].bbox,
        [90.0, 90.0, 9.0, 9.0]
    );
}

#[test]
fn an_image_nobody_answered_is_not_in_the_queue() {
    let outcomes = BTreeMap::new();
    let image = QueueImage {
        workers: &[],
        outcomes: &outcomes,
        reviewed: None,
        final_boxes: &[],
    };
    let query = ReviewQuery::parse(&ReviewParams::default(), &labels()).unwrap();
    assert!(!query.admits(&image, &assess::<Vec<DatasetBox>>(&[])));
}

#[test]
fn corrected_boxes_get_their_category_and_errors_name_the_box() {
    let image = CocoImage {
        id: 1,
        file_name: "a.jpg".to_owned(),
        width: 64,
        height: 48,
        license: None,
        date_captured: None,
        outcomes: Default::default(),
    };
    let good = vec![
        LabelledBox {
            label: "dog".to_owned(),
            bbox: [10.735639, 14.686596, 17.578141, 10.255747],
            confidence: Some(0.3),
        },
        LabelledBox {
            label: "cat".to_owned(),
            bbox: [60.0, 40.0, 4.2, 8.2],
            confidence: None,
        },
    ];
    let checked = check_corrected_boxes(&good, &labels(), &image).unwrap();
    assert_eq!(
        checked[0],
        (2, [10.735639, 14.686596, 17.578141, 10.255747]),
        "inside: bit for bit"
    );
    assert_eq!(checked[1].0, 1);
    assert!(checked[1].1[2] <= 4.0, "clipped to the image");
    let mut bad = good.clone();
    bad[1].label = "horse".to_owned();
    assert_eq!(
        check_corrected_boxes(&bad, &labels(), &image)
            .unwrap_err()
            .field,
        "boxes[1].label"
    );
    let mut bad = good;
    bad[0].bbox = [1.0, 1.0, 0.0, 5.0];
    assert_eq!(
        check_corrected_boxes(&bad, &labels(), &image)
            .unwrap_err()
            .field,
        "boxes[0].bbox"
    );
}
