//! The review queue: which images to review (a filter of `GET /api/jobs/{job}/review`), and moving to the next
//! and previous image across the pages it comes in.

use crate::owner::{ReviewItem, ReviewPage, ReviewState};

/// The filters the console offers: each kind as [`ReviewFilter::from_parts`] reads it, and its title.
pub const REVIEW_FILTERS: [(&str, &str); 6] = [
    ("low_confidence", "Low confidence"),
    ("disagreement", "Workers disagree"),
    ("label", "Has a label"),
    ("worker", "Answered by a worker"),
    ("outcome", "Has an outcome"),
    ("all", "Every answered image"),
];

/// What the queue shows, one of the review endpoint's filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewFilter {
    /// Images whose lowest box confidence is below the threshold (not reviewed yet).
    LowConfidence,
    /// Images whose workers did not all draw the same objects (not reviewed yet).
    Disagreement,
    Label(String),
    Worker(String),
    /// `boxed`, `nothing_to_label`, `image_unreadable` or `unsure`.
    Outcome(String),
    /// Every image with a submission.
    All,
}

impl ReviewFilter {
    /// The filter's kind as the console's select names it, and its value for the ones that take one.
    pub fn kind(&self) -> &'static str {
        match self {
            ReviewFilter::LowConfidence => "low_confidence",
            ReviewFilter::Disagreement => "disagreement",
            ReviewFilter::Label(_) => "label",
            ReviewFilter::Worker(_) => "worker",
            ReviewFilter::Outcome(_) => "outcome",
            ReviewFilter::All => "all",
        }
    }

    /// The filter from the console's select (`kind`) and text field (`value`); the kinds that need a value
    /// say so when it is empty.
    pub fn from_parts(kind: &str, value: &str) -> Result<Self, String> {
        let value = value.trim();
        let needs = |what: &str| {
            if value.is_empty() {
                Err(format!("type the {what} to review"))
            } else {
                Ok(value.to_owned())
            }
        };
        match kind {
            "low_confidence" => Ok(ReviewFilter::LowConfidence),
            "disagreement" => Ok(ReviewFilter::Disagreement),
            "label" => needs("label").map(ReviewFilter::Label),
            "worker" => needs("worker id").map(ReviewFilter::Worker),
            "outcome" => needs("outcome").map(ReviewFilter::Outcome),
            "all" => Ok(ReviewFilter::All),
            other => Err(format!("unknown review filter {other:?}")),
        }
    }

    /// The query parameters of `GET /api/jobs/{job}/review` for this filter and page (values not encoded).
    pub fn query(&self, cursor: Option<&str>) -> Vec<(&'static str, String)> {
        let mut pairs = match self {
            ReviewFilter::LowConfidence => vec![("filter", "low_confidence".to_owned())],
            ReviewFilter::Disagreement => vec![("filter", "disagreement".to_owned())],
            ReviewFilter::Label(label) => vec![("label", label.clone())],
            ReviewFilter::Worker(worker) => vec![("worker", worker.clone())],
            ReviewFilter::Outcome(outcome) => vec![("outcome", outcome.clone())],
            ReviewFilter::All => Vec::new(),
        };
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor.to_owned()));
        }
        pairs
    }

    /// [`ReviewFilter::query`] as the query string of a URL (values percent-encoded).
    pub fn query_string(&self, cursor: Option<&str>) -> String {
        self.query(cursor)
            .into_iter()
            .map(|(key, value)| format!("{key}={}", super::exports::encode(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What a key press asks of the review screen (not while the owner types in a field or corrects an image).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewKey {
    Next,
    Previous,
    Accept,
    Correct,
    Reopen,
}

impl ReviewKey {
    /// The review key `key` (a `KeyboardEvent.key`) is, in either case: N or → next, P or ← previous, A accept,
    /// C correct, R reopen.
    pub fn for_key(key: &str) -> Option<ReviewKey> {
        match key {
            "n" | "N" | "ArrowRight" => Some(ReviewKey::Next),
            "p" | "P" | "ArrowLeft" => Some(ReviewKey::Previous),
            "a" | "A" => Some(ReviewKey::Accept),
            "c" | "C" => Some(ReviewKey::Correct),
            "r" | "R" => Some(ReviewKey::Reopen),
            _ => None,
        }
    }
}

/// One line on the image in review: its file, confidence, number of workers and what the owner decided.
pub fn item_summary(item: &ReviewItem) -> String {
    let reviewed = match item.reviewed {
        Some(ReviewState::Accepted) => "accepted",
        Some(ReviewState::Corrected) => "corrected",
        None => "not reviewed",
    };
    format!(
        "{} · confidence {:.2} · {} workers · {reviewed}",
        item.file_name, item.confidence, item.workers
    )
}

/// What moving in the queue did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move {
    /// Another image is current.
    Moved,
    /// The loaded images are used up but the server has more: fetch the page at this cursor and
    /// [`ReviewQueue::append`] it.
    NeedsPage(String),
    /// Already at the first or the last image.
    AtEnd,
}

/// The loaded images of the queue, the current one, and where the next page starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewQueue {
    images: Vec<ReviewItem>,
    current: usize,
    next_cursor: Option<String>,
}

impl ReviewQueue {
    pub fn new(page: ReviewPage) -> Self {
        Self {
            images: page.images,
            current: 0,
            next_cursor: page.next_cursor,
        }
    }

    pub fn current(&self) -> Option<&ReviewItem> {
        self.images.get(self.current)
    }

    pub fn images(&self) -> &[ReviewItem] {
        &self.images
    }

    /// `Image 3 of 50` (`of 50+` while more pages wait).
    pub fn position(&self) -> String {
        if self.images.is_empty() {
            return "No images".to_owned();
        }
        let more = if self.next_cursor.is_some() { "+" } else { "" };
        format!("Image {} of {}{more}", self.current + 1, self.images.len())
    }

    pub fn go_next(&mut self) -> Move {
        if self.current + 1 < self.images.len() {
            self.current += 1;
            Move::Moved
        } else if let Some(cursor) = &self.next_cursor {
            Move::NeedsPage(cursor.clone())
        } else {
            Move::AtEnd
        }
    }

    pub fn go_previous(&mut self) -> Move {
        if self.current > 0 && !self.images.is_empty() {
            self.current -= 1;
            Move::Moved
        } else {
            Move::AtEnd
        }
    }

    /// Adds the next page and moves to its first image (images already loaded are not repeated); `false` when
    /// it brought no new image.
    pub fn append(&mut self, page: ReviewPage) -> bool {
        self.next_cursor = page.next_cursor;
        let before = self.images.len();
        for image in page.images {
            if !self.images.iter().any(|i| i.image_id == image.image_id) {
                self.images.push(image);
            }
        }
        if self.images.len() > before {
            self.current = before;
            true
        } else {
            false
        }
    }

    /// Makes the image current, if it is loaded.
    pub fn select(&mut self, image_id: u64) -> bool {
        match self.images.iter().position(|i| i.image_id == image_id) {
            Some(index) => {
                self.current = index;
                true
            }
            None => false,
        }
    }

    /// Records a review of image `image_id` (`None` after reopening it) and its final boxes. By id, not "the
    /// current image": the owner may have moved on while the review was being stored.
    pub fn mark(
        &mut self,
        image_id: u64,
        state: Option<ReviewState>,
        boxes: Option<Vec<crate::owner::LabelledBox>>,
    ) {
        if let Some(image) = self.images.iter_mut().find(|i| i.image_id == image_id) {
            image.reviewed = state;
            if let Some(boxes) = boxes {
                image.boxes = boxes;
            }
        }
    }
}
