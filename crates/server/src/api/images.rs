//! `GET /api/images/{image_id}`: an image's bytes; `GET /api/jobs/{job}/examples/{index}`: a job's example image.
//! `GET /api/images/{image_id}/tiles/{level}/{x}/{y}`: one tile of a huge image's pyramid.
//! The file is found by looking the id up in the database, so no part of the URL ever becomes a file path (a
//! tile's path is made from the numbers parsed out of the URL).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use crowdbox_core::tiles::TileKey;
use crowdbox_core::wire::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(image))
        .routes(routes!(tile))
        .routes(routes!(example))
}

/// A job's example image (one copied into the store). The job's examples can change, so a cache must ask again
/// (`no-cache`; the ETag makes that a 304).
#[utoipa::path(get, path = "/jobs/{job}/examples/{index}", tag = "volunteer",
    params(("job" = String, Path, description = "The job's name"), ("index" = u32, Path, description = "The example's place in the job's list, from 0")),
    responses(
        (status = 200, description = "The image bytes", content_type = "image/*"),
        (status = 304, description = "The client's copy is current (`If-None-Match`)"),
        (status = 404, description = "No such job or stored example (`example_not_found`)", body = ErrorBody),
    ))]
async fn example(
    State(state): State<AppState>,
    Path((job_name, index)): Path<(String, String)>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::ExampleNotFound {
        job: job_name.clone(),
        index: index.clone(),
    };
    let position: usize = index.parse().map_err(|_| not_found())?;
    let job = crate::jobs::requested_job(&state.db, &job_name).await?;
    let example = job
        .examples
        .into_iter()
        .nth(position)
        .ok_or_else(not_found)?;
    let (Some(store_path), Some(mime)) = (example.store_path, example.mime) else {
        return Err(not_found());
    };
    // The store path is the content's hash, so it is a strong validator too; the index may name other bytes
    // after `PATCH /api/jobs/{job}`, so the response is not immutable.
    let mut response = serve_stored(
        &state,
        &store_path,
        &mime,
        &store_path,
        &request_headers,
        not_found,
    )
    .await?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// An image's bytes with their Content-Type, an ETag (SHA-256) and `Cache-Control: immutable`.
#[utoipa::path(get, path = "/images/{image_id}", tag = "volunteer",
    params(("image_id" = u64, Path, description = "The image's id (a task's `task_id`)")),
    responses(
        (status = 200, description = "The image bytes", content_type = "image/*"),
        (status = 304, description = "The client's copy is current (`If-None-Match`)"),
        (status = 404, description = "No such image (`image_not_found`)", body = ErrorBody),
    ))]
async fn image(
    State(state): State<AppState>,
    Path(image_id): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::ImageNotFound(image_id.clone());
    let id: i64 = image_id.parse().map_err(|_| not_found())?;
    let file = crate::db::images::stored_file(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    serve_stored(
        &state,
        &file.store_path,
        &file.mime,
        &file.sha256,
        &request_headers,
        not_found,
    )
    .await
}

/// One JPEG tile of a huge image's pyramid (see the task's `tiles`), cached like images: level 0 is the whole image
/// in one tile, `x` the column and `y` the row from the top-left.
#[utoipa::path(get, path = "/images/{image_id}/tiles/{level}/{x}/{y}", tag = "volunteer",
    params(
        ("image_id" = u64, Path, description = "The image's id (a task's `task_id`)"),
        ("level" = u32, Path, description = "The pyramid level, 0 = the whole image in one tile"),
        ("x" = u32, Path, description = "The tile's column in the level, from 0 at the left"),
        ("y" = u32, Path, description = "The tile's row in the level, from 0 at the top"),
    ),
    responses(
        (status = 200, description = "The tile's bytes", content_type = "image/jpeg"),
        (status = 304, description = "The client's copy is current (`If-None-Match`)"),
        (status = 404, description = "No such image (`image_not_found`), or the image has no pyramid or no such tile: a level, column or row out of range or not a number (`tile_not_found`)", body = ErrorBody),
    ))]
async fn tile(
    State(state): State<AppState>,
    Path((image_id, level, x, y)): Path<(String, String, String, String)>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::TileNotFound {
        image: image_id.clone(),
        tile: format!("{level}/{x}/{y}"),
    };
    let id: i64 = image_id
        .parse()
        .map_err(|_| ApiError::ImageNotFound(image_id.clone()))?;
    let key = match (number(&level), number(&x), number(&y)) {
        (Some(level), Some(x), Some(y)) => TileKey::new(level, x, y),
        _ => return Err(not_found()),
    };
    let Some((pyramid, sha256)) = crate::db::tiles::pyramid_of(&state.db, id).await? else {
        return match crate::db::images::stored_file(&state.db, id).await? {
            Some(_) => Err(not_found()),
            None => Err(ApiError::ImageNotFound(image_id.clone())),
        };
    };
    if !pyramid.contains(key) {
        return Err(not_found());
    }
    let store_path = format!("tiles/{sha256}/{}", key.path(pyramid.format));
    // The image's bytes and the tile's place name the tile's bytes for good.
    let etag = format!("{sha256}-{}-{}-{}", key.level, key.x, key.y);
    serve_stored(
        &state,
        &store_path,
        pyramid.format.mime_type(),
        &etag,
        &request_headers,
        not_found,
    )
    .await
}

/// A level, column or row: decimal digits only, written the shortest way (so a tile has one URL).
fn number(text: &str) -> Option<u32> {
    let value: u32 = text.parse().ok()?;
    (value.to_string() == text).then_some(value)
}

/// Answers with the stored file's bytes, or 304 when the client has them (`If-None-Match`).
async fn serve_stored(
    state: &AppState,
    store_path: &str,
    mime: &str,
    sha256: &str,
    request_headers: &HeaderMap,
    not_found: impl Fn() -> ApiError,
) -> Result<Response, ApiError> {
    // An image id always names the same bytes, so the hash is a strong validator and caches may keep it forever.
    let etag = format!("\"{sha256}\"");
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(anyhow::Error::from)?,
    );
    let matches_etag = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if matches_etag {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }

    let path = state.image_store.join(store_path);
    let bytes = tokio::fs::read(&path).await.map_err(|error| {
        tracing::error!(path = %path.display(), %error, "an image file is missing from the store");
        not_found()
    })?;
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).map_err(anyhow::Error::from)?,
    );
    Ok((headers, bytes).into_response())
}
