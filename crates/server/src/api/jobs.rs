//! `GET /api/jobs/{job}`: what a job is about and how far along it is.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use crowdbox_core::wire::{ErrorBody, JobInfo};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::owner::jobs::{__path_patch_job, patch_job};
use crate::auth::bearer_token;
use crate::error::ApiError;
use crate::AppState;
use crate::{db, invites, jobs};

pub fn router() -> OpenApiRouter<AppState> {
    // The owner's PATCH shares the path; it checks the owner token itself.
    OpenApiRouter::new().routes(routes!(job_info, patch_job))
}

/// What a job is about and how far along it is.
#[utoipa::path(get, path = "/jobs/{job}", tag = "volunteer",
    params(("job" = String, Path, description = "The job's name")),
    security((), ("invite" = [])),
    responses(
        (status = 200, body = JobInfo),
        (status = 401, description = "The job is invite-only and no invite was sent", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
    ))]
async fn job_info(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<JobInfo>, ApiError> {
    let now_ms = state.clock.now_ms();
    invites::authorize(&state.db, &job_name, bearer_token(&headers), None, now_ms).await?;
    let job = jobs::requested_job(&state.db, &job_name).await?;
    let mut conn = state.db.connect().await?;
    let categories = db::jobs::categories(&mut conn, &job)?;
    let progress = db::jobs::progress(&mut conn, job.id)?;
    Ok(Json(JobInfo {
        name: job.name,
        instructions: job.instructions,
        categories,
        images_total: progress.images_total,
        images_done: progress.images_done,
    }))
}
