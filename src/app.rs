//! The app shell: reads the job from the address, holds the session and the outbox, and does the session's
//! requests.

use std::time::Duration;

use crowdbox_core::outbox::RetryPolicy;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::messages::SessionMessage;
use crate::components::progress::Progress;
#[cfg(feature = "static-site")]
use crate::components::static_panel::StaticPanel;
use crate::components::status::StatusLine;
use crate::components::sync_status::SyncStatus;
use crate::components::task_view::{PreviousBoxes, TaskView};
use crate::drafts::LocalDrafts;
use crate::outbox_driver::Driver;
#[cfg(feature = "static-site")]
use crate::static_mode;
use crate::strings::Wording;
use crate::work_source::WorkSource;
use crate::worker_id::worker_id;
use crowdbox_core::worker::{outcome_of, DraftStore, Event, Phase, Session};

/// The `job` query parameter of the page's address (`?job=demo`).
fn job_from_address() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("job")
}

/// Leases the next batch (or resumes the one this volunteer holds) and applies the answer. Tasks whose
/// submission is already in the outbox are skipped. A lease that fails for a passing reason (no network, 5xx,
/// 408, 429) is tried again by itself with backoff; `attempt` counts those tries.
pub fn lease_next_batch(
    source: WorkSource,
    session: RwSignal<Session>,
    driver: Driver,
    attempt: u32,
) {
    let request = session
        .try_update(|s| {
            s.apply(Event::LeaseWanted).then(|| {
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
        let answer = source.lease(&job, &worker, invite.as_deref()).await;
        if let Err(e) = &answer {
            if RetryPolicy::is_retryable(outcome_of(&Err(e.clone()))) {
                session.try_update(|s| s.apply(Event::LeaseRetrying(e)));
                let delay = RetryPolicy::default().delay_ms(attempt + 1, js_sys::Math::random());
                set_timeout(
                    move || lease_next_batch(source, session, driver, attempt + 1),
                    Duration::from_millis(delay as u64),
                );
                return;
            }
        }
        let queued = driver.queued_tasks();
        session.try_update(|s| {
            s.apply(Event::Leased {
                answer,
                now_ms: crate::clock::page_ms(),
                queued: &queued,
            })
        });
        let tasks = session.with_untracked(Session::batch_task_ids);
        if !tasks.is_empty() {
            driver.sync.update(|s| s.forget_stored_except(&tasks));
            LocalDrafts.prune(&job, &worker, &tasks);
        }
    });
}

/// What a page shows while its work loads (static-site mode's job file, an embedding host's `init`), or why it
/// could not.
#[cfg(any(feature = "static-site", feature = "embed"))]
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Loading {
    /// Busy, saying with what (a [`Wording`] key).
    Busy(&'static str),
    /// A heading (a [`Wording`] key) and the reason.
    Failed(&'static str, String),
    /// Working on this job, from this source.
    Ready(String, WorkSource),
}

/// The page for a [`Loading`] state: the message, or the worker's page once the job is ready. (One view for
/// every mode that loads first keeps the wasm smaller.)
#[cfg(any(feature = "static-site", feature = "embed"))]
pub(crate) fn loading_view(state: RwSignal<Loading>) -> impl IntoView {
    let w = Wording::current();
    move || match state.get() {
        Loading::Busy(text) => view! {
            <main class="message-area">
                <section class="message" aria-busy="true">
                    <p>{w.text(text)}</p>
                </section>
            </main>
        }
        .into_any(),
        Loading::Failed(heading, e) => view! {
            <main class="message-area">
                <section class="message" aria-labelledby="message-heading">
                    <h2 id="message-heading">{w.text(heading)}</h2>
                    <p role="alert">{e}</p>
                </section>
            </main>
        }
        .into_any(),
        Loading::Ready(name, source) => view! { <Worker job=Some(name) source /> }.into_any(),
    }
}

/// The whole app: embedded (`?embed=`), a static site's job (`?static=`, `<meta name="crowdbox-job">`), or a
/// server job (each mode only when built with its feature).
#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "embed")]
    if let Some(parent) = crate::embed::parent_from_page() {
        return view! { <crate::embed::EmbedApp parent /> }.into_any();
    }
    #[cfg(feature = "static-site")]
    if let Some(file) = static_mode::job_file_from_page() {
        return view! { <StaticApp file /> }.into_any();
    }
    view! { <ServerJobApp /> }.into_any()
}

/// A server job's volunteer app alone (`?job=`): what the crowdbox server sends for an address that asks for no
/// other mode (bin `crowdbox-server-job`), so that first load carries no static-site or embedding code.
#[component]
pub fn ServerJobApp() -> impl IntoView {
    view! { <Worker job=job_from_address() source=WorkSource::Server /> }
}

/// Static-site mode: loads the job file (and its tasks), then works like the server-backed app.
#[cfg(feature = "static-site")]
#[component]
fn StaticApp(file: String) -> impl IntoView {
    let state = RwSignal::new(Loading::Busy("loading_job"));
    spawn_local(async move {
        let loaded = static_mode::load_job(&file).await;
        state.set(match loaded {
            Ok(loaded) => {
                let name = loaded.job.name.clone();
                Loading::Ready(name, WorkSource::Static(StoredValue::new(loaded)))
            }
            Err(e) => Loading::Failed("job_failed", e),
        });
    });
    loading_view(state)
}

/// The worker's page for one job: the session, the outbox, and the task on screen.
#[component]
pub(crate) fn Worker(job: Option<String>, source: WorkSource) -> impl IntoView {
    provide_context(source);
    crate::canvas::Prefetch::provide();
    let w = Wording::current();
    let invite = source.invite(job.as_deref());
    let session = RwSignal::new(Session::new(job, worker_id(), w.words()).with_invite(invite));
    let driver = Driver::start(session, source);
    provide_context(driver);
    let preferred_category = RwSignal::new(None::<u64>);
    let previous_boxes: PreviousBoxes = RwSignal::new(Vec::new());
    let instructions_open = RwSignal::new(true);
    lease_next_batch(source, session, driver, 0);

    // The server hands out new tasks only when this volunteer's leased ones are submitted: lease the next batch
    // once every submission of this batch is stored.
    Effect::new(move |_| {
        let (phase, tasks) = session.with(|s| (s.phase(), s.batch_task_ids()));
        let unstored = driver.sync.with(|s| s.holds_unstored(&tasks));
        if phase == Phase::Syncing && !unstored {
            lease_next_batch(source, session, driver, 0);
        }
    });

    // Changes only when another task comes on screen, so the task view (and its editor) is re-created per task
    // and not on every session update.
    let current_task = Memo::new(move |_| session.with(|s| s.current_task().cloned()));
    let named = source.shows_job_name();
    let job_name = move || {
        session
            .with(|s| s.job().map(str::to_owned))
            .filter(|_| named)
    };

    view! {
        <div class="shell">
            <header class="topbar">
                <h1>"crowdbox"</h1>
                <Show when=move || job_name().is_some()>
                    <span class="job-name">
                        {w.text("job_label")} " " {move || job_name().unwrap_or_default()}
                    </span>
                </Show>
                <Progress session />
                <StatusLine session />
                <SyncStatus driver />
            </header>
            {static_panel(source, session, driver)}
            {move || match current_task.get() {
                Some(task) => {
                    view! {
                        <TaskView session task preferred_category instructions_open previous_boxes />
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <main class="message-area">
                            <SessionMessage
                                session
                                on_retry=move |()| lease_next_batch(source, session, driver, 0)
                            />
                        </main>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// A static job's panel above the task: open more images, download the results, start over.
#[cfg(feature = "static-site")]
fn static_panel(source: WorkSource, session: RwSignal<Session>, driver: Driver) -> impl IntoView {
    source.static_source().map(|static_source| {
        view! {
            <StaticPanel
                session
                source=static_source
                on_tasks_added=move |()| lease_next_batch(source, session, driver, 0)
            />
        }
    })
}

/// Without static-site mode there is no panel above the task.
#[cfg(not(feature = "static-site"))]
fn static_panel(_: WorkSource, _: RwSignal<Session>, _: Driver) -> impl IntoView {}
