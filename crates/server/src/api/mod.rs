//! The JSON API under `/api`. One router per resource; unknown routes, wrong methods, oversized bodies and
//! slow requests all answer with the JSON `ErrorBody`.

pub mod images;
pub mod jobs;
pub mod owner;
pub mod tasks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::http::{Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;
use crate::security::Guards;
use crate::AppState;

/// The longest an API request may take before it is answered with a `timeout` error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(jobs::router())
        .merge(tasks::router())
        .merge(images::router())
        .merge(owner::router())
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(limit_per_ip))
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

async fn route_not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::RouteNotFound(format!("{method} {uri}"))
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}

async fn time_limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}
