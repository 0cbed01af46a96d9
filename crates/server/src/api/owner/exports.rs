//! - `GET /api/jobs/{job}/export?format=coco|groundtruth[&consolidated=true&method=…]`: the job's export, as
//!   `crowdbox export` writes it (the folder formats VOC and YOLO are for the command line).
//! - `GET /api/jobs/{job}/stats`: `crowdbox stats --json`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::export::{load_job_dataset, render, ConsolidationMethod, ExportFormat, Rendered};
use crate::stats::{job_stats, JobStats};
use crate::{jobs, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_job))
        .routes(routes!(stats))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    /// `coco` (default) or `groundtruth`.
    format: Option<String>,
    /// Merge each image's submissions into one set of boxes.
    #[serde(default)]
    consolidated: bool,
    /// With `consolidated=true`: `groundtruth` (default) or `cvat`.
    method: Option<String>,
}

/// The job's export file, as `crowdbox export` writes it.
#[utoipa::path(get, path = "/jobs/{job}/export", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name"), ExportQuery),
    responses(
        (status = 200, description = "The export, with Content-Disposition", content_type = "application/json"),
        (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody),
        (status = 422, description = "An unknown format or method", body = ErrorBody),
    ))]
async fn export_job(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|rejection| FieldError::new("query", rejection.body_text()))?;
    let (format, extension) = match query.format.as_deref().unwrap_or("coco") {
        "coco" => (ExportFormat::Coco, "coco.json"),
        "groundtruth" => (ExportFormat::Groundtruth, "manifest.jsonl"),
        other => {
            return Err(FieldError::new(
                "format",
                format!("unknown export format {other:?}; the API exports coco or groundtruth (VOC and YOLO folders: crowdbox export)"),
            )
            .into())
        }
    };
    let method = match (query.consolidated, query.method.as_deref()) {
        (false, None) => None,
        (false, Some(_)) => {
            return Err(FieldError::new("method", "method needs consolidated=true").into())
        }
        (true, None | Some("groundtruth")) => Some(ConsolidationMethod::Groundtruth),
        (true, Some("cvat")) => Some(ConsolidationMethod::Cvat),
        (true, Some(other)) => {
            return Err(FieldError::new(
                "method",
                format!("unknown consolidation method {other:?}; use groundtruth or cvat"),
            )
            .into())
        }
    };
    jobs::requested_job(&state.db, &job_name).await?;
    let job_dataset = load_job_dataset(&state.db, &job_name, method).await?;
    let Rendered::File(bytes) = render(&job_dataset, format, state.clock.now_ms())? else {
        return Err(anyhow::anyhow!("a one-file export format rendered a folder").into());
    };
    let content_type = match format {
        ExportFormat::Groundtruth => "application/jsonl",
        _ => "application/json",
    };
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
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}-{extension}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The job's statistics, the same JSON as `crowdbox stats --json`.
#[utoipa::path(get, path = "/jobs/{job}/stats", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name")),
    responses((status = 200, body = crate::stats::JobStats), (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody)))]
async fn stats(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
) -> Result<Json<JobStats>, ApiError> {
    jobs::requested_job(&state.db, &job_name).await?;
    Ok(Json(job_stats(&state.db, &job_name).await?))
}
