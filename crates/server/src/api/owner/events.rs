//! `GET /api/jobs/{job}/events`: Server-Sent Events with the job's counts, a `progress` event at once and after
//! every change, so dashboards follow a job without polling it themselves.
//!
//! The stream reads the job's counters (kept by the database's triggers) every [`POLL`]: a few small reads a
//! second per open dashboard, and it sees the work of every server process on the same database.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use crowdbox_core::owner::ProgressEvent;
use crowdbox_core::wire::ErrorBody;
use futures_util::stream::{self, Stream};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::{jobs, AppState};

/// How often the stream looks for a change, so at most this many events a second go out.
const POLL: Duration = Duration::from_millis(250);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// Server-Sent Events: a `progress` event (data: `ProgressEvent`) at once and after each change.
#[utoipa::path(get, path = "/jobs/{job}/events", tag = "owner", security(("owner_token" = [])), params(("job" = String, Path, description = "The job's name")),
    responses(
        (status = 200, description = "`text/event-stream` of `progress` events", content_type = "text/event-stream", body = ProgressEvent),
        (status = 401, description = "No or a wrong owner token", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody),
    ))]
async fn events(
    State(state): State<AppState>,
    Path(job_name): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let job = jobs::requested_job(&state.db, &job_name).await?;
    let first = jobs::progress_event(&state.db, job.id, state.clock.now_ms()).await?;
    let changes = stream::unfold(
        (state, job.id, first, true),
        |(state, job_id, last, first_event)| async move {
            if first_event {
                return Some((event(&last), (state, job_id, last, false)));
            }
            loop {
                tokio::time::sleep(POLL).await;
                match jobs::progress_event(&state.db, job_id, state.clock.now_ms()).await {
                    Ok(now) if now != last => {
                        return Some((event(&now), (state, job_id, now, false)))
                    }
                    Ok(_) => {}
                    Err(error) => {
                        // The client reconnects (SSE does so by itself) and gets a fresh first event.
                        tracing::warn!(%error, "the events stream could not read the job's counts");
                        return None;
                    }
                }
            }
        },
    );
    Ok(Sse::new(changes).keep_alive(KeepAlive::default()))
}

fn event(progress: &ProgressEvent) -> Result<Event, Infallible> {
    Ok(Event::default()
        .event("progress")
        .json_data(progress)
        .unwrap_or_else(|_| Event::default().event("progress")))
}
