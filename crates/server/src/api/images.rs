//! `GET /api/images/{image_id}`: an image's bytes. The file is found by looking the id up in the database, so
//! no part of the URL ever becomes a file path.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/images/{image_id}", get(image))
}

async fn image(
    State(state): State<AppState>,
    Path(image_id): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::ImageNotFound(image_id.clone());
    let id: i64 = image_id.parse().map_err(|_| not_found())?;
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT store_path, mime, sha256 FROM images WHERE id = ?")
            .bind(id)
            .fetch_optional(&state.db)
            .await?;
    let (store_path, mime, sha256) = row.ok_or_else(not_found)?;

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

    let path = state.image_store.join(&store_path);
    let bytes = tokio::fs::read(&path).await.map_err(|error| {
        tracing::error!(image = id, path = %path.display(), %error, "an image file is missing from the store");
        not_found()
    })?;
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime).map_err(anyhow::Error::from)?,
    );
    Ok((headers, bytes).into_response())
}
