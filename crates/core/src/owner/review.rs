//! The review queue: an image's boxes and submissions, and what the owner decides about it.

use serde::{Deserialize, Serialize};

/// A box with its label, natural image pixels (COCO `[x, y, w, h]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelledBox {
    pub label: String,
    pub bbox: [f64; 4],
    /// For consolidated boxes: support × agreement, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// What the owner decided about an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// The consolidated boxes are final.
    Accepted,
    /// The owner's own boxes are final.
    Corrected,
}

/// One image of the review queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    pub image_id: u64,
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    pub image_url: String,
    /// The consolidated boxes (or the reviewed final ones).
    pub boxes: Vec<LabelledBox>,
    /// The lowest box confidence (1 for an image without boxes that every worker agreed on).
    pub confidence: f64,
    /// How many workers' submissions the image has.
    pub workers: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<ReviewState>,
}

/// `GET /api/jobs/{job}/review`'s query parameters as given; `review::ReviewQuery::parse` checks them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReviewParams {
    /// `low_confidence` (images whose confidence is below `below`, default 0.7) or `disagreement` (workers did
    /// not all draw the same objects); reviewed images are left out of both.
    pub filter: Option<String>,
    /// The confidence threshold of `filter=low_confidence`, from 0 to 1.
    pub below: Option<String>,
    /// Only images with a box of this label.
    pub label: Option<String>,
    /// Only images this worker answered.
    pub worker: Option<String>,
    /// Only images some worker answered with this outcome: boxed, nothing_to_label, image_unreadable, unsure.
    pub outcome: Option<String>,
    /// `true` for reviewed images only, `false` for the others.
    pub reviewed: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Images per page, 1 to 200 (default 50).
    pub limit: Option<String>,
}

/// A page of the review queue; `next_cursor` asks for the next page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewPage {
    pub images: Vec<ReviewItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One worker's submission of an image, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImageSubmission {
    pub worker_id: String,
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    pub received_at: i64,
    pub boxes: Vec<LabelledBox>,
    /// The change record as sent (`[{origin, annotation, kind}]`), empty when there was none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub changes: Vec<serde_json::Value>,
    /// Whether this is the owner's correction or an imported final submission.
    #[serde(default)]
    pub is_final: bool,
}

/// `GET /api/jobs/{job}/images/{id}`: an image with every submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImageDetail {
    pub image_id: u64,
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    pub image_url: String,
    /// The image's tile pyramid when it is huge, as in a task (`Task::tiles`): review draws its tiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiles: Option<crate::tiles::TilePyramid>,
    pub consolidated: Vec<LabelledBox>,
    pub submissions: Vec<ImageSubmission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<ReviewState>,
}

/// What the owner does with an image in review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// Keep the consolidated boxes as final.
    Accept,
    /// Replace them with the owner's boxes (sent in `boxes`).
    Correct,
    /// Send the image back for more workers (a review of it is undone).
    Reopen,
}

/// `POST /api/jobs/{job}/images/{id}/review`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub action: ReviewAction,
    /// The corrected boxes (`correct` only); confidences are ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boxes: Vec<LabelledBox>,
}
