//! `POST /api/jobs/{job}/example-files`: `multipart/form-data` with one image file part. The file is checked as
//! `crowdbox job create` checks an example file (JPEG, PNG or WebP, whole, not a decompression bomb) and kept in
//! the content-addressed image store; the answer's `src` (`sha256:<hex>`) is what `PATCH /api/jobs/{job}` takes
//! in `good_examples` / `bad_examples` to show it. Uploading changes no job: the patch does, all or nothing.

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use crowdbox_core::owner::{ExampleFile, STORED_EXAMPLE_PREFIX};
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::uploads::{multipart_body, payload_too_large, unreadable_body};
use crate::error::ApiError;
use crate::security::Guards;
use crate::{image_store, jobs, AppState};

/// The largest example image file taken (the whole file is held in memory to be checked).
pub const MAX_EXAMPLE_BYTES: u64 = 20 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_example))
        // Counted while reading, against the smaller of MAX_EXAMPLE_BYTES and the server's upload limit.
        .layer(DefaultBodyLimit::disable())
}

/// Stores one example image file for the job's instructions; a `PATCH` of the job shows it.
#[utoipa::path(post, path = "/jobs/{job}/example-files", tag = "owner", security(("owner_token" = [])),
    params(("job" = String, Path, description = "The job's name")),
    request_body(content_type = "multipart/form-data", description = "One `file` part: a JPEG, PNG or WebP image"),
    responses(
        (status = 201, body = ExampleFile),
        (status = 401, description = "No or a wrong owner token", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 413, description = "Over 20 MiB or `serve --max-upload-mb` (`payload_too_large`)", body = ErrorBody),
        (status = 422, description = "Not one readable image file (`field`: `file` or `body`); nothing is stored", body = ErrorBody),
    ))]
async fn upload_example(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    Path(job_name): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ExampleFile>), ApiError> {
    jobs::requested_job(&state.db, &job_name).await?;
    let limit = MAX_EXAMPLE_BYTES.min(guards.max_upload_bytes);
    let too_large = || payload_too_large(limit);
    let mut multipart = multipart_body(multipart)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable_body)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            return Err(FieldError::new(
                "body",
                format!("the part {name:?} is not taken: send the image as one part named file"),
            )
            .into());
        }
        if file.is_some() {
            return Err(
                FieldError::new("file", "the upload has two file parts; send one image").into(),
            );
        }
        let given = field.file_name().unwrap_or("the file").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable_body)? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some((given, bytes));
    }
    let Some((given, bytes)) = file else {
        return Err(FieldError::new("file", "the upload has no file part; send one image").into());
    };
    let probed = image_store::probe_image(&bytes)
        .map_err(|reason| FieldError::new("file", format!("{given:?} {reason}")))?;
    let store = state.image_store.clone();
    let stored = probed.clone();
    tokio::task::spawn_blocking(move || image_store::store_bytes(&store, &bytes, &stored))
        .await
        .map_err(|error| ApiError::Internal(anyhow::Error::new(error)))??;
    Ok((
        StatusCode::CREATED,
        Json(ExampleFile {
            src: format!("{STORED_EXAMPLE_PREFIX}{}", probed.sha256),
            mime: probed.kind.mime().to_owned(),
            width: probed.width,
            height: probed.height,
        }),
    ))
}
