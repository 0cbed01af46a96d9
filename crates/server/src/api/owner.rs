//! Owner endpoints: everything that is not a volunteer's job info, batches, submissions or images. Each needs
//! `Authorization: Bearer <owner token>` (see `auth::require_owner`).
//!
//! `GET /api/jobs/{job}/export?format=coco`: the job's COCO export, as `crowdbox export` writes it.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use crowdbox_core::validate::FieldError;
use serde::Deserialize;

use crate::auth::require_owner;
use crate::error::ApiError;
use crate::{export, jobs, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs/{job}/export", get(export_job))
        .route_layer(middleware::from_fn(require_owner))
}

#[derive(Debug, Deserialize)]
struct ExportQuery {
    format: Option<String>,
}

async fn export_job(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| {
        ApiError::InvalidField(FieldError::new("format", rejection.body_text()))
    })?;
    let format = query.format.as_deref().unwrap_or("coco");
    if format != "coco" {
        return Err(FieldError::new(
            "format",
            format!("unknown export format {format:?}; the API exports coco"),
        )
        .into());
    }
    let mut conn = state.db.acquire().await?;
    if jobs::find_job(&mut conn, &job_name).await?.is_none() {
        return Err(ApiError::JobNotFound(job_name));
    }
    drop(conn);
    let dataset = export::export_coco(&state.db, &job_name, state.clock.now_ms()).await?;
    let mut response = Json(dataset).into_response();
    let file_name: String = job_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}-coco.json\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
