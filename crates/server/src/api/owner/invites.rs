//! - `POST /api/jobs/{job}/invites {count}`: closes the job to volunteers without an invite and answers with
//!   `count` new invite tokens (`crowdbox invite create`).
//! - `DELETE /api/jobs/{job}/invites`: opens the job to everyone again (`crowdbox invite open`); the invites are
//!   kept and work again if the job is closed again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use crowdbox_core::owner::{InviteRequest, Invites};
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::invites::{create_invites, set_requires_invite, MAX_INVITES_PER_RUN};
use crate::{jobs, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, open))
}

/// Closes the job to volunteers without an invite and makes `count` invite tokens.
#[utoipa::path(post, path = "/jobs/{job}/invites", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name")), request_body = InviteRequest,
    responses(
        (status = 201, body = Invites), (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody),
        (status = 422, description = "A count outside 1..=1000", body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<Invites>), ApiError> {
    jobs::requested_job(&state.db, &job_name).await?;
    if request.count == 0 || request.count > MAX_INVITES_PER_RUN {
        return Err(FieldError::new(
            "count",
            format!(
                "count must be between 1 and {MAX_INVITES_PER_RUN}, not {}",
                request.count
            ),
        )
        .into());
    }
    let tokens = create_invites(&state.db, &job_name, request.count, state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(Invites { tokens })))
}

/// Opens the job to every volunteer again (the invites are kept).
#[utoipa::path(delete, path = "/jobs/{job}/invites", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name")),
    responses((status = 204, description = "The job is open"), (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody)))]
async fn open(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
) -> Result<StatusCode, ApiError> {
    jobs::requested_job(&state.db, &job_name).await?;
    set_requires_invite(&state.db, &job_name, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
