//! `POST /api/jobs/{job}/batches` (lease tasks) and `POST /api/jobs/{job}/submissions` (store one result).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use crowdbox_core::wire::{LeaseRequest, Receipt, Submission, TaskBatch};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::submissions::Outcome;
use crate::{leasing, submissions, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs/{job}/batches", post(lease_batch))
        .route("/jobs/{job}/submissions", post(submit))
}

async fn lease_batch(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    ApiJson(request): ApiJson<LeaseRequest>,
) -> Result<Json<TaskBatch>, ApiError> {
    let now_ms = state.clock.now_ms();
    let batch = leasing::lease_batch(&state.db, &job_name, &request.worker_id, now_ms).await?;
    tracing::info!(job = %job_name, worker = %request.worker_id, tasks = batch.tasks.len(), "leased a batch");
    Ok(Json(batch))
}

async fn submit(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    ApiJson(submission): ApiJson<Submission>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let now_ms = state.clock.now_ms();
    let (outcome, receipt) = submissions::submit(&state.db, &job_name, &submission, now_ms).await?;
    let status = match outcome {
        Outcome::Stored => {
            tracing::info!(
                job = %job_name, worker = %submission.worker_id, task = submission.task_id,
                boxes = receipt.annotations_stored, "stored a submission"
            );
            StatusCode::CREATED
        }
        Outcome::Replayed => StatusCode::OK,
    };
    Ok((status, Json(receipt)))
}
