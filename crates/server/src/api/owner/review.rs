//! - `GET /api/jobs/{job}/review?filter=low_confidence|disagreement&below=&label=&worker=&outcome=&reviewed=&cursor=&limit=`:
//!   the answered images with their consolidated (or final) boxes and confidence, in image id order, a page at a
//!   time (`next_cursor`).
//! - `GET /api/jobs/{job}/images/{id}`: the image's every submission (worker, boxes, outcome, note, change
//!   record, time), its consolidated boxes and its review.
//! - `POST /api/jobs/{job}/images/{id}/review {action: accept | correct | reopen, boxes?}`: the owner's decision;
//!   answers with the image as it is afterwards.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use crowdbox_core::owner::{ImageDetail, ReviewPage, ReviewParams, ReviewRequest};
use crowdbox_core::review::ReviewQuery;
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::review::{decide, image_detail, review_page};
use crate::{db, jobs, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(image))
        .routes(routes!(review))
}

/// A page of the review queue.
#[utoipa::path(get, path = "/jobs/{job}/review", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name"), ReviewParams),
    responses((status = 200, body = ReviewPage), (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody),
        (status = 422, description = "A bad parameter (`field` names it)", body = ErrorBody)))]
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

/// The image with every submission, its consolidated boxes and its review.
#[utoipa::path(get, path = "/jobs/{job}/images/{image_id}", tag = "owner", security(("owner_token" = [])),
    params(("job" = String, Path, description = "The job's name"), ("image_id" = u64, Path, description = "The image's id")),
    responses((status = 200, body = ImageDetail), (status = 401, description = "No or a wrong owner token", body = ErrorBody),
        (status = 404, description = "No such job, or the image is not the job's (`task_not_found`)", body = ErrorBody)))]
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

/// The owner's decision: accept the consolidated boxes, correct them, or reopen the image.
#[utoipa::path(post, path = "/jobs/{job}/images/{image_id}/review", tag = "owner", security(("owner_token" = [])),
    params(("job" = String, Path, description = "The job's name"), ("image_id" = u64, Path, description = "The image's id")), request_body = ReviewRequest,
    responses((status = 200, description = "The image afterwards", body = ImageDetail), (status = 401, description = "No or a wrong owner token", body = ErrorBody),
        (status = 404, description = "No such job or image", body = ErrorBody),
        (status = 422, description = "A wrong box or action; nothing changes", body = ErrorBody)))]
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
    let mut conn = state.db.connect().await?;
    let labels = db::jobs::labels(&mut conn, &job)?;
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
