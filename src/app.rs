//! The app shell: reads the job from the address, holds the session, and does the session's requests.

use crowdbox_core::wire::CocoResult;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::messages::SessionMessage;
use crate::components::progress::Progress;
use crate::components::status::StatusLine;
use crate::components::task_view::TaskView;
use crate::invite::invite_for_job;
use crate::session::Session;
use crate::worker_id::{new_submission_id, worker_id};

/// The `job` query parameter of the page's address (`?job=demo`).
fn job_from_address() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("job")
}

/// A monotonic millisecond clock for measuring how long a task took (`std::time::Instant` panics on wasm32).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Leases the next batch (or resumes the one this volunteer holds) and applies the answer.
pub fn lease_next_batch(session: RwSignal<Session>) {
    let request = session
        .try_update(|s| {
            s.begin_lease().then(|| {
                (
                    s.job().map(str::to_owned),
                    s.worker_id().to_owned(),
                    s.invite().map(str::to_owned),
                )
            })
        })
        .flatten();
    let Some((Some(job), worker, invite)) = request else {
        return;
    };
    spawn_local(async move {
        let answer = api::lease_batch(&job, &worker, invite.as_deref()).await;
        session.try_update(|s| s.apply_lease(answer, now_ms()));
    });
}

/// Sends the current task's result; on success the session moves on (leasing more at the end of a batch), on
/// failure it keeps the task and shows why.
pub fn submit_current_task(session: RwSignal<Session>, result: CocoResult) {
    let request = session
        .try_update(|s| {
            let submission = s.prepare_submission(result, now_ms(), new_submission_id())?;
            Some((
                s.job()?.to_owned(),
                submission,
                s.invite().map(str::to_owned),
            ))
        })
        .flatten();
    let Some((job, submission, invite)) = request else {
        return;
    };
    spawn_local(async move {
        let answer = api::submit(&job, &submission, invite.as_deref()).await;
        let batch_finished = session
            .try_update(|s| s.apply_submit(answer, now_ms()))
            .unwrap_or(false);
        if batch_finished {
            lease_next_batch(session);
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    let job = job_from_address();
    let invite = job.as_deref().and_then(invite_for_job);
    let session = RwSignal::new(Session::new(job, worker_id()).with_invite(invite));
    let preferred_category = RwSignal::new(None::<u64>);
    let instructions_open = RwSignal::new(true);
    lease_next_batch(session);

    // Changes only when another task comes on screen, so the task view (and its editor) is re-created per task
    // and not on every session update.
    let current_task = Memo::new(move |_| session.with(|s| s.current_task().cloned()));
    let job_name = move || session.with(|s| s.job().map(str::to_owned));

    view! {
        <div class="shell">
            <header class="topbar">
                <h1>"crowdbox"</h1>
                <Show when=move || job_name().is_some()>
                    <span class="job-name">"Job: " {move || job_name().unwrap_or_default()}</span>
                </Show>
                <Progress session />
                <StatusLine session />
            </header>
            {move || match current_task.get() {
                Some(task) => {
                    view! { <TaskView session task preferred_category instructions_open /> }
                        .into_any()
                }
                None => {
                    view! {
                        <main class="message-area">
                            <SessionMessage session on_retry=move |()| lease_next_batch(session) />
                        </main>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
