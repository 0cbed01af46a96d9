//! - `GET /api/jobs/{job}/export?format=coco|groundtruth|openimages|voc|yolo[&consolidated=true&method=…|&worker=W]`:
//!   the job's export, as `crowdbox export` writes it; VOC and YOLO come as a zip of their annotation files (the
//!   command line also writes the images beside them).
//! - `GET /api/jobs/{job}/stats`: `crowdbox stats --json`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use crowdbox_core::owner::export_file_name;
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::export::{
    load_dataset, render, ConsolidationMethod, DatasetOptions, ExportFormat, ExportSource,
    NoSuchWorker, Rendered,
};
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
    /// `coco` (default), `groundtruth`, `openimages`, or `voc` / `yolo` as a zip of the annotation files.
    format: Option<String>,
    /// Merge each image's submissions into one set of boxes.
    #[serde(default)]
    consolidated: bool,
    /// With `consolidated=true`: `groundtruth` (default) or `cvat`.
    method: Option<String>,
    /// Only this worker's boxes (not with `consolidated`).
    worker: Option<String>,
    /// The pre-annotations volunteers start from instead of their boxes (a model's with their scores); not with
    /// `consolidated`, `worker` or `include_gold`.
    #[serde(default)]
    pre_annotations: bool,
    /// Also the gold images, with their known boxes.
    #[serde(default)]
    include_gold: bool,
    /// With `consolidated=true`: every worker's boxes weigh the same (by default each weighs their score).
    #[serde(default)]
    unweighted: bool,
}

/// The job's export file, as `crowdbox export` writes it.
#[utoipa::path(get, path = "/jobs/{job}/export", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name"), ExportQuery),
    responses(
        (status = 200, description = "The export, with Content-Disposition: JSON (coco), JSON lines (groundtruth), CSV (openimages) or a zip (voc, yolo)", content_type = "application/octet-stream"),
        (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody),
        (status = 422, description = "An unknown format or method, or a worker without submissions", body = ErrorBody),
    ))]
async fn export_job(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) =
        query.map_err(|rejection| FieldError::new("query", rejection.body_text()))?;
    let format_name = query.format.as_deref().unwrap_or("coco");
    let (format, content_type) = match format_name {
        "coco" => (ExportFormat::Coco, "application/json"),
        "groundtruth" => (ExportFormat::Groundtruth, "application/jsonl"),
        "openimages" => (ExportFormat::Openimages, "text/csv"),
        "voc" => (ExportFormat::Voc, "application/zip"),
        "yolo" => (ExportFormat::Yolo, "application/zip"),
        other => {
            return Err(FieldError::new(
                "format",
                format!(
                "unknown export format {other:?}; use coco, groundtruth, openimages, voc or yolo"
            ),
            )
            .into())
        }
    };
    if query.pre_annotations {
        let other = [
            ("consolidated", query.consolidated),
            ("worker", query.worker.is_some()),
            ("include_gold", query.include_gold),
        ]
        .into_iter()
        .find(|(_, given)| *given);
        if let Some((field, _)) = other {
            return Err(FieldError::new(
                field,
                format!(
                    "pre_annotations=true exports the pre-annotations; it does not go with {field}"
                ),
            )
            .into());
        }
    }
    if query.consolidated && query.worker.is_some() {
        return Err(FieldError::new(
            "worker",
            "worker gives one worker's boxes; it does not go with consolidated=true",
        )
        .into());
    }
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
    let source = match &query.worker {
        Some(worker) => ExportSource::Worker(worker.clone()),
        None if query.pre_annotations => ExportSource::PreAnnotations,
        None => ExportSource::Job {
            method,
            options: DatasetOptions {
                include_gold: query.include_gold,
                unweighted: query.unweighted,
            },
        },
    };
    let job_dataset =
        load_dataset(&state.db, &job_name, &source)
            .await
            .map_err(|error| match error.downcast::<NoSuchWorker>() {
                Ok(missing) => FieldError::new("worker", missing.to_string()).into(),
                Err(error) => ApiError::Internal(error),
            })?;
    let bytes = match render(&job_dataset, format, state.clock.now_ms()) {
        Ok(Rendered::File(bytes)) => bytes,
        Ok(Rendered::Folder(files)) => zip_files(&files)?,
        // What a format cannot hold (two images with one file stem, a label YOLO cannot write) is the data's.
        Err(error) => return Err(FieldError::new("format", format!("{error:#}")).into()),
    };
    let file_name = export_file_name(&job_name, format_name);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
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

/// A folder export as one zip, its files under their relative paths.
fn zip_files(files: &[crowdbox_core::formats::ExportFile]) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for file in files {
        zip.start_file(file.path.as_str(), options)
            .and_then(|()| zip.write_all(file.contents.as_bytes()).map_err(Into::into))
            .map_err(|error| {
                ApiError::Internal(anyhow::Error::new(error).context("writing the export zip"))
            })?;
    }
    let cursor = zip.finish().map_err(|error| {
        ApiError::Internal(anyhow::Error::new(error).context("writing the export zip"))
    })?;
    Ok(cursor.into_inner())
}
