//! The JSON API under `/api`. One router per resource; unknown routes, wrong methods, oversized bodies and
//! slow requests all answer with the JSON `ErrorBody`.

pub mod images;
pub mod jobs;
pub mod openapi;
pub(crate) mod owner;
pub mod tasks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, OriginalUri, Request};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use crowdbox_core::wire::{ErrorBody, ErrorCode, ErrorDetail};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;
use crate::security::Guards;
use crate::AppState;

/// The longest an API request may take before it is answered with a `timeout` error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router() -> Router<AppState> {
    let (routes, uploads, document) = routes_and_document();
    let document = document
        .to_json()
        .expect("the OpenAPI document is serialisable");
    routes
        .route(
            "/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], document) }),
        )
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(time_limit))
        .merge(uploads)
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(limit_per_ip))
}

/// The API's routes (the streamed upload route apart: it has no time limit and its own body limit) and the OpenAPI
/// document made from the same handlers.
fn routes_and_document() -> (Router<AppState>, Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(jobs::router())
        .merge(tasks::router())
        .merge(images::router())
        .merge(owner::router())
        .split_for_parts();
    let (uploads, upload_document) = owner::upload_router().split_for_parts();
    document.merge(upload_document);
    (routes, uploads, document)
}

/// The OpenAPI document of `GET /api/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routes_and_document().2
}

/// The per-address token bucket, for every API request whose peer address is known (`crowdbox serve`).
async fn limit_per_ip(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    if let (Some(ip), Some(guards)) = (peer, request.extensions().get::<Arc<Guards>>()) {
        let now_ms = guards.clock.now_ms();
        if let Err(error) = guards
            .per_ip
            .check(&ip.to_string(), || format!("address {ip}"), now_ms)
        {
            return error.into_response();
        }
    }
    next.run(request).await
}

async fn route_not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::RouteNotFound(format!("{method} {}", uri.path()))
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}

/// Errors that axum's own extractors answer in plain text (a path segment that is not UTF-8, a bad query
/// string, …) become the API's JSON `ErrorBody` too.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).into_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::InvalidField,
        _ if status.is_server_error() => ErrorCode::InternalError,
        _ => ErrorCode::BadRequest,
    };
    let body = ErrorBody {
        error: ErrorDetail {
            code,
            message: text,
            field: None,
        },
    };
    let mut response = (status, Json(body)).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}

async fn time_limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}
