//! `GET /api/jobs/{job}`: what a job is about and how far along it is.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use crowdbox_core::wire::JobInfo;

use axum::handler::Handler;
use axum::middleware;

use super::owner;
use crate::auth::{bearer_token, require_owner};
use crate::error::ApiError;
use crate::AppState;
use crate::{db, invites, jobs};

pub fn router() -> Router<AppState> {
    // The owner's PATCH shares the path; the owner token guards it alone.
    Router::new().route(
        "/jobs/{job}",
        get(job_info).patch(owner::jobs::patch_job.layer(middleware::from_fn(require_owner))),
    )
}

async fn job_info(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<JobInfo>, ApiError> {
    let now_ms = state.clock.now_ms();
    invites::authorize(&state.db, &job_name, bearer_token(&headers), None, now_ms).await?;
    let job = jobs::requested_job(&state.db, &job_name).await?;
    let mut conn = state.db.pool().acquire().await?;
    let categories = db::jobs::categories(&mut conn, &job).await?;
    let progress = db::jobs::progress(&mut conn, job.id).await?;
    Ok(Json(JobInfo {
        name: job.name,
        instructions: job.instructions,
        categories,
        images_total: progress.images_total,
        images_done: progress.images_done,
    }))
}
