//! `POST /api/jobs/{job}/batches` (lease tasks) and `POST /api/jobs/{job}/submissions` (store one result).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use crowdbox_core::wire::{ErrorBody, LeaseRequest, Receipt, Submission, TaskBatch};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::bearer_token;
use crate::db::writer::Admission;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::security::Guards;
use crate::submissions::Outcome;
use crate::{leasing, submissions, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lease_batch))
        .routes(routes!(submit))
}

/// The checks every worker request passes before it is queued for the writer: a well-formed worker id and the
/// worker's rate limit. The job's invite is checked by the writer, in the same transaction as the request (see
/// [`crate::db::writer`]).
fn admit_worker(
    guards: &Guards,
    headers: &HeaderMap,
    job_name: String,
    worker_id: &str,
    now_ms: i64,
) -> Result<Admission, ApiError> {
    // A bounded key before it goes into the limiter's table.
    crowdbox_core::validate::validate_client_id("worker_id", worker_id)?;
    guards
        .per_worker
        .check(worker_id, || format!("worker {worker_id:?}"), now_ms)?;
    Ok(Admission {
        job_name,
        worker_id: worker_id.to_owned(),
        invite: bearer_token(headers).map(str::to_owned),
        now_ms,
    })
}

/// Leases up to the job's batch size of tasks to the worker (or gives back the unexpired leases it holds).
#[utoipa::path(post, path = "/jobs/{job}/batches", tag = "volunteer", params(("job" = String, Path, description = "The job's name")), request_body = LeaseRequest,
    security((), ("invite" = [])),
    responses(
        (status = 200, body = TaskBatch),
        (status = 401, description = "The job is invite-only (`invite_required`)", body = ErrorBody),
        (status = 403, description = "A wrong or used invite, or a blocked worker", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 422, description = "A bad worker id", body = ErrorBody),
        (status = 429, description = "Too many requests (`rate_limited`, `Retry-After`)", body = ErrorBody),
    ))]
async fn lease_batch(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LeaseRequest>,
) -> Result<Json<TaskBatch>, ApiError> {
    let now_ms = state.clock.now_ms();
    let admission = admit_worker(&guards, &headers, job_name, &request.worker_id, now_ms)?;
    let batch = leasing::lease_batch(&state.writer, admission).await?;
    tracing::info!(job = %batch.job, worker = %request.worker_id, tasks = batch.tasks.len(), "leased a batch");
    Ok(Json(batch))
}

/// Stores one image's result; the `submission_id` is an idempotency key.
#[utoipa::path(post, path = "/jobs/{job}/submissions", tag = "volunteer", params(("job" = String, Path, description = "The job's name")), request_body = Submission,
    security((), ("invite" = [])),
    responses(
        (status = 201, description = "Stored", body = Receipt),
        (status = 200, description = "The same submission again: the first receipt", body = Receipt),
        (status = 401, description = "The job is invite-only (`invite_required`)", body = ErrorBody),
        (status = 403, description = "The task is not leased to the worker (`task_not_leased`), or a bad invite", body = ErrorBody),
        (status = 404, description = "No such job or task", body = ErrorBody),
        (status = 409, description = "`submission_id_reused` or `task_already_submitted`", body = ErrorBody),
        (status = 422, description = "A field is wrong (`invalid_field`, `field` names it); nothing is stored", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody),
    ))]
async fn submit(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
    ApiJson(submission): ApiJson<Submission>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let now_ms = state.clock.now_ms();
    let admission = admit_worker(&guards, &headers, job_name, &submission.worker_id, now_ms)?;
    let (worker_id, task_id) = (submission.worker_id.clone(), submission.task_id);
    let job_name = admission.job_name.clone();
    let (outcome, receipt) = submissions::submit(&state.writer, admission, submission).await?;
    let status = match outcome {
        Outcome::Stored => {
            tracing::info!(
                job = %job_name, worker = %worker_id, task = task_id,
                boxes = receipt.annotations_stored, "stored a submission"
            );
            StatusCode::CREATED
        }
        Outcome::Replayed => StatusCode::OK,
    };
    Ok((status, Json(receipt)))
}
