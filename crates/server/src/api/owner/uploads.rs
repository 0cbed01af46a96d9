//! `POST /api/jobs/{job}/images`: `multipart/form-data` with image parts (any name but those below, each with a
//! file name), or one `dataset` part with a `format` part (coco, groundtruth, voc or yolo as a zip, openimages),
//! `as` = pre|final when it has boxes, and for Open Images an optional `class_descriptions` part. Each part is
//! streamed to a folder on disk (never the whole upload in memory) and imported all or nothing, as
//! `crowdbox import` does; the answer is `{added, already_present, boxes_stored, left_out}`. Bodies over the
//! server's upload limit (`serve --max-upload-mb`) get 413. This route has no request time limit: a large upload
//! over a slow link takes as long as it takes.

use std::sync::Arc;

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use crowdbox_core::owner::UploadReport;
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use tokio::io::AsyncWriteExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::security::Guards;
use crate::upload::{import_upload, safe_file_name, UploadDir, UploadRequest};
use crate::{jobs, AppState};

/// The longest text part (`format`, `as`) read.
const MAX_TEXT_PART_BYTES: usize = 64;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        // The upload limit is counted while streaming, against `Guards::max_upload_bytes`.
        .layer(DefaultBodyLimit::disable())
}

/// Adds uploaded images, or a dataset with its images, to the job, all or nothing.
#[utoipa::path(post, path = "/jobs/{job}/images", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name")),
    request_body(content_type = "multipart/form-data", description = "Image parts (each with a file name), or a `dataset` part with `format` (coco, groundtruth, voc, yolo, openimages), `as` (pre, final) and optionally `class_descriptions`"),
    responses(
        (status = 201, body = UploadReport), (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody),
        (status = 413, description = "Over `serve --max-upload-mb` (`payload_too_large`)", body = ErrorBody),
        (status = 422, description = "A bad part (`field` names it); nothing is stored", body = ErrorBody),
    ))]
async fn upload(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    Path(job_name): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<UploadReport>), ApiError> {
    jobs::requested_job(&state.db, &job_name).await?;
    let limit = guards.max_upload_bytes;
    let too_large = || payload_too_large(limit);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut multipart = multipart_body(multipart)?;
    let parent = state
        .image_store
        .parent()
        .map_or_else(std::env::temp_dir, std::path::Path::to_path_buf);
    let dir = UploadDir::new(&parent)?;
    let mut request = UploadRequest::default();
    let mut received = 0u64;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable_body)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "format" | "as" => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable_body)? {
                    text.extend_from_slice(&chunk);
                    if text.len() > MAX_TEXT_PART_BYTES {
                        return Err(FieldError::new(
                            if name == "as" { "as" } else { "format" },
                            format!("the {name} part is longer than {MAX_TEXT_PART_BYTES} bytes"),
                        )
                        .into());
                    }
                }
                let text = String::from_utf8_lossy(&text).trim().to_owned();
                let slot = if name == "as" {
                    &mut request.import_as
                } else {
                    &mut request.format
                };
                if slot.replace(text).is_some() {
                    return Err(FieldError::new(
                        if name == "as" { "as" } else { "format" },
                        format!("the upload has two {name} parts"),
                    )
                    .into());
                }
            }
            _ => {
                let (part, folder): (&'static str, _) = match name.as_str() {
                    "dataset" => ("dataset", dir.dataset()),
                    "class_descriptions" => ("class_descriptions", dir.dataset()),
                    _ => ("images", dir.images()),
                };
                let Some(given) = field.file_name().map(str::to_owned) else {
                    return Err(FieldError::new(
                        part,
                        format!("the part {name:?} has no file name; image parts are files, and the only text parts are format and as"),
                    )
                    .into());
                };
                let file_name = safe_file_name(part, &given)
                    .map_err(|error| FieldError::new(part, error.to_string()))?;
                let path = folder.join(&file_name);
                if path.exists() || (part == "class_descriptions" && file_name == "unpacked") {
                    return Err(FieldError::new(
                        part,
                        format!("the upload has two files named {file_name:?}"),
                    )
                    .into());
                }
                match part {
                    "dataset" if request.dataset.replace(file_name.clone()).is_some() => {
                        return Err(
                            FieldError::new("dataset", "the upload has two dataset parts").into(),
                        );
                    }
                    "class_descriptions"
                        if request
                            .class_descriptions
                            .replace(file_name.clone())
                            .is_some() =>
                    {
                        return Err(FieldError::new(
                            "class_descriptions",
                            "the upload has two class_descriptions parts",
                        )
                        .into());
                    }
                    "images" => request.image_parts += 1,
                    _ => {}
                }
                let mut file = tokio::fs::File::create(&path).await.map_err(|error| {
                    anyhow::Error::new(error).context("cannot write an uploaded part")
                })?;
                while let Some(chunk) = field.chunk().await.map_err(unreadable_body)? {
                    received += chunk.len() as u64;
                    if received > limit {
                        return Err(too_large());
                    }
                    file.write_all(&chunk).await.map_err(|error| {
                        anyhow::Error::new(error).context("cannot write an uploaded part")
                    })?;
                }
                file.flush().await.map_err(|error| {
                    anyhow::Error::new(error).context("cannot write an uploaded part")
                })?;
            }
        }
    }
    let report = import_upload(
        &state.db,
        &state.image_store,
        &job_name,
        &dir,
        &request,
        limit,
        state.clock.now_ms(),
    )
    .await
    .map_err(|error| FieldError::new(error.part, error.message))?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// The multipart body, or a `body` field error saying why the request is not one.
pub(super) fn multipart_body(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Multipart, ApiError> {
    multipart.map_err(|rejection| {
        ApiError::from(FieldError::new(
            "body",
            format!(
                "expected a multipart/form-data body: {}",
                rejection.body_text()
            ),
        ))
    })
}

/// A `body` field error for a multipart body that broke off or is malformed part way.
pub(super) fn unreadable_body(error: MultipartError) -> ApiError {
    ApiError::from(FieldError::new(
        "body",
        format!(
            "the multipart body could not be read: {}",
            error.body_text()
        ),
    ))
}

/// 413 for a body over `limit` bytes.
pub(super) fn payload_too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge {
        limit_bytes: usize::try_from(limit).unwrap_or(usize::MAX),
    }
}
