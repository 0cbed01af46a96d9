//! `POST /api/jobs/{job}/batches` (lease tasks) and `POST /api/jobs/{job}/submissions` (store one result).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Extension, Json, Router};
use crowdbox_core::wire::{LeaseRequest, Receipt, Submission, TaskBatch};

use crate::auth::bearer_token;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::security::Guards;
use crate::submissions::Outcome;
use crate::{invites, leasing, submissions, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs/{job}/batches", post(lease_batch))
        .route("/jobs/{job}/submissions", post(submit))
}

/// The checks every worker request passes before its work: the worker's rate limit, then the job's invite.
async fn admit_worker(
    state: &AppState,
    guards: &Guards,
    headers: &HeaderMap,
    job_name: &str,
    worker_id: &str,
    now_ms: i64,
) -> Result<(), ApiError> {
    // A bounded key before it goes into the limiter's table.
    crowdbox_core::validate::validate_client_id("worker_id", worker_id)?;
    guards
        .per_worker
        .check(worker_id, || format!("worker {worker_id:?}"), now_ms)?;
    invites::authorize(
        &state.db,
        job_name,
        bearer_token(headers),
        Some(worker_id),
        now_ms,
    )
    .await
}

async fn lease_batch(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LeaseRequest>,
) -> Result<Json<TaskBatch>, ApiError> {
    let now_ms = state.clock.now_ms();
    admit_worker(
        &state,
        &guards,
        &headers,
        &job_name,
        &request.worker_id,
        now_ms,
    )
    .await?;
    let batch = leasing::lease_batch(&state.db, &job_name, &request.worker_id, now_ms).await?;
    tracing::info!(job = %job_name, worker = %request.worker_id, tasks = batch.tasks.len(), "leased a batch");
    Ok(Json(batch))
}

async fn submit(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
    ApiJson(submission): ApiJson<Submission>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let now_ms = state.clock.now_ms();
    admit_worker(
        &state,
        &guards,
        &headers,
        &job_name,
        &submission.worker_id,
        now_ms,
    )
    .await?;
    let (worker_id, task_id) = (submission.worker_id.clone(), submission.task_id);
    let (outcome, receipt) =
        submissions::submit(&state.submissions, &job_name, submission, now_ms).await?;
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
