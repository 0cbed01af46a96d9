//! Owner endpoints: everything that is not a volunteer's job info, batches, submissions or images. Each needs
//! `Authorization: Bearer <owner token>` (see `auth::require_owner`); `PATCH /api/jobs/{job}` shares its path
//! with the volunteers' job info and is guarded in [`super::jobs`].

mod events;
mod example_files;
mod exports;
mod invites;
pub(crate) mod jobs;
mod review;
mod uploads;

use axum::middleware;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::require_owner;
use crate::AppState;

/// The owner routes that keep the API's request time limit and JSON body limit.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(exports::router())
        .merge(jobs::router())
        .merge(invites::router())
        .merge(events::router())
        .merge(review::router())
        .route_layer(middleware::from_fn(require_owner))
}

/// The upload routes: no request time limit, their own body limits (see [`uploads`] and [`example_files`]).
pub fn upload_router() -> OpenApiRouter<AppState> {
    uploads::router()
        .merge(example_files::router())
        .route_layer(middleware::from_fn(require_owner))
}
