use crate::console::queue::*;
use crate::owner::{LabelledBox, ReviewItem, ReviewPage, ReviewState};

fn item(image_id: u64) -> ReviewItem {
    ReviewItem {
        image_id,
        file_name: format!("{image_id}.jpg"),
        width: 100,
        height: 80,
        image_url: format!("/api/images/{image_id}"),
        boxes: Vec::new(),
        confidence: 0.5,
        workers: 2,
        reviewed: None,
    }
}

fn page(ids: &[u64], next: Option<&str>) -> ReviewPage {
    ReviewPage {
        images: ids.iter().copied().map(item).collect(),
        next_cursor: next.map(str::to_owned),
    }
}

fn current(queue: &ReviewQueue) -> Option<u64> {
    queue.current().map(|i| i.image_id)
}

#[test]
fn next_and_previous_walk_the_loaded_images_and_stop_at_the_ends() {
    let mut queue = ReviewQueue::new(page(&[1, 2, 3], None));
    assert_eq!(
        (current(&queue), queue.position()),
        (Some(1), "Image 1 of 3".to_owned())
    );
    assert_eq!(queue.go_previous(), Move::AtEnd);
    assert_eq!(queue.go_next(), Move::Moved);
    assert_eq!(queue.go_next(), Move::Moved);
    assert_eq!(current(&queue), Some(3));
    assert_eq!(queue.go_next(), Move::AtEnd);
    assert_eq!(queue.go_previous(), Move::Moved);
    assert_eq!(current(&queue), Some(2));
}

#[test]
fn past_the_last_loaded_image_the_queue_asks_for_the_next_page_and_moves_onto_it() {
    let mut queue = ReviewQueue::new(page(&[1, 2], Some("c2")));
    assert_eq!(queue.position(), "Image 1 of 2+");
    queue.go_next();
    assert_eq!(queue.go_next(), Move::NeedsPage("c2".to_owned()));
    assert_eq!(current(&queue), Some(2), "asking does not move");
    assert!(queue.append(page(&[2, 3], None)));
    assert_eq!(
        current(&queue),
        Some(3),
        "the image already loaded is not repeated"
    );
    assert_eq!(queue.position(), "Image 3 of 3");
    assert_eq!(queue.go_next(), Move::AtEnd);
    assert!(
        !queue.append(page(&[3], None)),
        "a page of nothing new does not move"
    );
}

#[test]
fn an_empty_queue_has_no_current_image() {
    let mut queue = ReviewQueue::new(page(&[], None));
    assert_eq!(current(&queue), None);
    assert_eq!(queue.position(), "No images");
    assert_eq!(queue.go_next(), Move::AtEnd);
    assert_eq!(queue.go_previous(), Move::AtEnd);
}

#[test]
fn a_review_is_recorded_on_its_image_even_after_the_owner_moved_on() {
    let mut queue = ReviewQueue::new(page(&[1, 2], None));
    assert!(queue.select(2));
    assert!(!queue.select(9));
    let boxes = vec![LabelledBox {
        label: "cat".into(),
        bbox: [1.0, 2.0, 3.0, 4.0],
        confidence: None,
    }];
    queue.mark(2, Some(ReviewState::Corrected), Some(boxes.clone()));
    assert_eq!(
        queue.current().unwrap().reviewed,
        Some(ReviewState::Corrected)
    );
    assert_eq!(queue.current().unwrap().boxes, boxes);
    queue.mark(2, None, None);
    assert_eq!(queue.current().unwrap().reviewed, None);
    assert_eq!(
        queue.current().unwrap().boxes,
        boxes,
        "reopening keeps the boxes shown"
    );
    assert_eq!(queue.images()[0].reviewed, None);
    // The owner went back to image 1 before image 2's acceptance was stored: image 2 gets it.
    queue.go_previous();
    queue.mark(2, Some(ReviewState::Accepted), None);
    assert_eq!(queue.current().unwrap().image_id, 1);
    assert_eq!(queue.current().unwrap().reviewed, None);
    assert_eq!(queue.images()[1].reviewed, Some(ReviewState::Accepted));
    // An image no longer in the loaded page is left alone.
    queue.mark(9, Some(ReviewState::Accepted), None);
}

#[test]
fn filters_become_the_review_endpoints_query() {
    assert_eq!(
        ReviewFilter::LowConfidence.query(None),
        [("filter", "low_confidence".to_owned())]
    );
    assert_eq!(
        ReviewFilter::Label("paint brush".into()).query(Some("c1")),
        [
            ("label", "paint brush".to_owned()),
            ("cursor", "c1".to_owned())
        ]
    );
    assert_eq!(ReviewFilter::All.query(None), []);
    assert_eq!(
        ReviewFilter::from_parts("worker", " w1 "),
        Ok(ReviewFilter::Worker("w1".into()))
    );
    assert_eq!(
        ReviewFilter::from_parts("outcome", "unsure")
            .unwrap()
            .kind(),
        "outcome"
    );
    assert_eq!(
        ReviewFilter::from_parts("label", " "),
        Err("type the label to review".to_owned())
    );
    assert!(ReviewFilter::from_parts("everything", "")
        .unwrap_err()
        .contains("\"everything\""));
}

#[test]
fn a_filter_becomes_a_query_string_with_its_values_percent_encoded() {
    assert_eq!(
        ReviewFilter::Label("paint brush".into()).query_string(Some("c/1")),
        "label=paint%20brush&cursor=c%2F1"
    );
    assert_eq!(ReviewFilter::All.query_string(None), "");
    for (kind, _) in REVIEW_FILTERS {
        let value = if matches!(kind, "label" | "worker" | "outcome") {
            "x"
        } else {
            ""
        };
        assert_eq!(ReviewFilter::from_parts(kind, value).unwrap().kind(), kind);
    }
}

#[test]
fn review_keys_work_in_either_case_and_other_keys_do_nothing() {
    for (keys, want) in [
        (["n", "N", "ArrowRight"].as_slice(), ReviewKey::Next),
        (&["p", "P", "ArrowLeft"], ReviewKey::Previous),
        (&["a", "A"], ReviewKey::Accept),
        (&["c", "C"], ReviewKey::Correct),
        (&["r", "R"], ReviewKey::Reopen),
    ] {
        for key in keys {
            assert_eq!(ReviewKey::for_key(key), Some(want), "{key}");
        }
    }
    for key in ["x", "Enter", " ", "ArrowUp", ""] {
        assert_eq!(ReviewKey::for_key(key), None, "{key:?}");
    }
}

#[test]
fn the_image_in_review_is_summed_up_in_one_line() {
    let mut image = item(4);
    image.confidence = 0.456;
    assert_eq!(
        item_summary(&image),
        "4.jpg · confidence 0.46 · 2 workers · not reviewed"
    );
    image.reviewed = Some(ReviewState::Corrected);
    assert!(item_summary(&image).ends_with("· corrected"));
}
