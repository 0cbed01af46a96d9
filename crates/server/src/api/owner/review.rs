//! - `GET /api/jobs/{job}/review?filter=low_confidence|disagreement&below=&label=&worker=&outcome=&reviewed=&cursor=&limit=`:
//!   the answered images with their consolidated (or final) boxes and confidence, in image id order, a page at a
//!   time (`next_cursor`).
//! - `GET /api/jobs/{job}/images/{id}`: the image's every submission (worker, boxes, outcome, note, change
//!   record, time), its consolidated boxes and its review.
//! - `POST /api/jobs/{job}/images/{id}/review {action: accept | correct | reopen, boxes?}`: the owner's decision;
//!   answers with the image as it is afterwards.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use crowdbox_core::owner::{ImageDetail, ReviewPage, ReviewParams, ReviewRequest};
use crowdbox_core::review::ReviewQuery;
use crowdbox_core::validate::FieldError;

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::review::{decide, image_detail, review_page};
use crate::{db, jobs, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs/{job}/review", get(queue))
        .route("/jobs/{job}/images/{image_id}", get(image))
        .route("/jobs/{job}/images/{image_id}/review", post(review))
}

async fn queue(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    params: Result<Query<ReviewParams>, QueryRejection>,
) -> Result<Json<ReviewPage>, ApiError> {
    let Query(params) =
        params.map_err(|rejection| FieldError::new("query", rejection.body_text()))?;
    let (job, labels) = job_and_labels(&state, &job_name).await?;
    let query = ReviewQuery::parse(&params, &labels)?;
    Ok(Json(review_page(&state.db, &job, &labels, &query).await?))
}

async fn image(
    State(state): State<AppState>,
    Path((job_name, image_id)): Path<(String, String)>,
) -> Result<Json<ImageDetail>, ApiError> {
    let (job, labels) = job_and_labels(&state, &job_name).await?;
    let image_id = parse_image_id(&job_name, &image_id)?;
    Ok(Json(
        image_detail(&state.db, &job, &labels, image_id).await?,
    ))
}

async fn review(
    State(state): State<AppState>,
    Path((job_name, image_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> Result<Json<ImageDetail>, ApiError> {
    let (job, labels) = job_and_labels(&state, &job_name).await?;
    let image_id = parse_image_id(&job_name, &image_id)?;
    let now_ms = state.clock.now_ms();
    Ok(Json(
        decide(&state.db, &job, &labels, image_id, &request, now_ms).await?,
    ))
}

async fn job_and_labels(
    state: &AppState,
    job_name: &str,
) -> Result<(jobs::Job, Vec<String>), ApiError> {
    let job = jobs::requested_job(&state.db, job_name).await?;
    let mut conn = state.db.pool().acquire().await?;
    let labels = db::jobs::labels(&mut conn, &job).await?;
    Ok((job, labels))
}

fn parse_image_id(job_name: &str, text: &str) -> Result<u64, ApiError> {
    text.parse().map_err(|_| {
        FieldError::new(
            "image_id",
            format!("image id {text:?} in the path of job {job_name:?} is not a whole number"),
        )
        .into()
    })
}
