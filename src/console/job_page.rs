//! A job's page: its progress live from the events stream, the pace and the time left, class balance, box
//! sizes, the workers, and the job's settings, uploads, invites and exports.

use std::cell::Cell;
use std::rc::Rc;

use crowdbox_core::console::pace::{
    current_pace, describe_duration, describe_pace, time_to_finish_ms, PaceTracker, ProgressSample,
    Segments,
};
use crowdbox_core::console::workers::{WorkerColumn, WorkerSort};
use crowdbox_core::owner::{JobList, JobOverview, JobStats, ProgressEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::jobs::progress_of;
use super::{api, Owner, Page, ProgressBar};

/// The page's shared state: the job, its statistics and its live counts.
#[derive(Clone, Copy)]
pub(crate) struct JobState {
    pub name: StoredValue<String>,
    pub job: RwSignal<Option<JobOverview>>,
    pub stats: RwSignal<Option<JobStats>>,
    pub progress: RwSignal<ProgressEvent>,
    pub error: RwSignal<Option<String>>,
    refreshing: StoredValue<(bool, bool)>,
    /// Kept here: the reloads also run from the events stream's callbacks, outside any reactive owner.
    owner: Owner,
}

impl JobState {
    /// Reads the job (settings and counts) again.
    pub fn reload_job(self) {
        let owner = self.owner;
        spawn_local(async move {
            match api::get::<JobList>(&owner.token(), "/api/jobs").await {
                Ok(list) => {
                    let name = self.name.get_value();
                    match list.jobs.into_iter().find(|j| j.name == name) {
                        Some(job) => {
                            self.progress.set(progress_of(&job));
                            self.job.set(Some(job));
                        }
                        None => self
                            .error
                            .set(Some(format!("There is no job named {name:?}."))),
                    }
                }
                Err(e) => {
                    owner.check(&e);
                    self.error.set(Some(e.message));
                }
            }
        });
    }

    /// Reads the statistics again; a request asked for while one runs is made once it is back.
    pub fn reload_stats(self) {
        let Some((running, _)) = self.refreshing.try_get_value() else {
            return;
        };
        if running {
            self.refreshing.set_value((true, true));
            return;
        }
        self.refreshing.set_value((true, false));
        let owner = self.owner;
        spawn_local(async move {
            let path = format!("{}/stats", api::job_path(&self.name.get_value()));
            match api::get::<JobStats>(&owner.token(), &path).await {
                Ok(stats) => {
                    let _ = self.stats.try_set(Some(stats));
                }
                Err(e) => {
                    owner.check(&e);
                    let _ = self.error.try_set(Some(e.message));
                }
            }
            // The page may be gone by now.
            let Some((_, again)) = self.refreshing.try_get_value() else {
                return;
            };
            self.refreshing.set_value((false, false));
            if again {
                self.reload_stats();
            }
        });
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[component]
pub(crate) fn JobPage(job: String) -> impl IntoView {
    let owner = Owner::from_context();
    let state = JobState {
        name: StoredValue::new(job.clone()),
        job: RwSignal::new(None),
        stats: RwSignal::new(None),
        progress: RwSignal::new(ProgressEvent::default()),
        error: RwSignal::new(None),
        refreshing: StoredValue::new((false, false)),
        owner,
    };
    provide_context(state);
    state.reload_job();
    state.reload_stats();

    // Live counts: every `progress` event updates the bar and the pace, and a change of what is done or
    // submitted reads the statistics (class balance, workers) again.
    let live = RwSignal::new(false);
    let tracker = StoredValue::new(PaceTracker::default());
    let pace_tick = RwSignal::new(0u32);
    let abort = web_sys::AbortController::new().ok();
    if let Some(controller) = &abort {
        let signal = controller.signal();
        let last = Rc::new(Cell::new(None::<(u64, u64)>));
        let token = owner.token();
        spawn_local(api::follow_events(
            token,
            job.clone(),
            signal,
            move |event: ProgressEvent| {
                tracker.try_update_value(|t| {
                    t.record(ProgressSample {
                        at_ms: now_ms(),
                        images_done: event.images_done,
                    })
                });
                let _ = state.progress.try_set(event);
                pace_tick.try_update(|n| *n += 1);
                let key = (event.images_done, event.submissions);
                if last
                    .replace(Some(key))
                    .is_some_and(|previous| previous != key)
                {
                    state.reload_stats();
                }
            },
            move |connected| {
                let _ = live.try_set(connected);
            },
        ));
    }
    let abort = StoredValue::new_local(abort);
    on_cleanup(move || {
        abort.with_value(|a| {
            if let Some(a) = a {
                a.abort();
            }
        })
    });

    let pace_text = move || {
        pace_tick.track();
        let hours = state
            .stats
            .with(|s| s.as_ref().map(|s| s.throughput.clone()).unwrap_or_default());
        let pace = tracker.with_value(|t| current_pace(t, &hours, now_ms()));
        let left = Segments::of(&state.progress.get()).left();
        let pace_words = pace.map_or_else(
            || "No images finished yet, so there is no pace yet.".to_owned(),
            |p| format!("Pace: {}.", describe_pace(p)),
        );
        let eta = match time_to_finish_ms(left, pace) {
            Some(0) => "Every image is done.".to_owned(),
            Some(ms) => format!("About {} to finish at this pace.", describe_duration(ms)),
            None => "No estimate of the time to finish yet.".to_owned(),
        };
        format!("{pace_words} {eta}")
    };

    let review_job = job.clone();
    view! {
        <main class="console-main job-page">
            <div class="page-heading">
                <h2>"Job " <span class="job-title">{job.clone()}</span></h2>
                <div class="actions">
                    <button type="button" on:click=move |_| owner.go(Page::Review(review_job.clone()))>
                        "Review images"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| owner.go(Page::Jobs)>
                        "All jobs"
                    </button>
                </div>
            </div>
            {move || state.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <section class="card" aria-labelledby="progress-heading">
                <h3 id="progress-heading">
                    "Progress "
                    <span class=move || if live.get() { "live on" } else { "live" }>
                        {move || if live.get() { "live" } else { "not live: reconnecting" }}
                    </span>
                </h3>
                <ProgressBar progress=state.progress label=format!("Progress of {job}") />
                <p class="pace" aria-live="polite">{pace_text}</p>
                {move || {
                    state
                        .stats
                        .with(|s| s.as_ref().map(|s| s.throughput.clone()))
                        .map(|hours| view! { <super::charts::ThroughputChart hours now_ms=now_ms() /> })
                }}
            </section>
            <super::balance::ClassBalanceSection />
            <super::charts::BoxSizesSection />
            <WorkersSection />
            <super::upload::UploadSection />
            <super::settings::SettingsSection />
        </main>
    }
}

/// The workers table, sortable by every column.
#[component]
fn WorkersSection() -> impl IntoView {
    let state = use_context::<JobState>().expect("the job page provides its state");
    let sort = RwSignal::new(WorkerSort::default());
    let rows = Memo::new(move |_| {
        let mut workers = state
            .stats
            .with(|s| s.as_ref().map(|s| s.workers.clone()).unwrap_or_default());
        sort.get().sort(&mut workers);
        workers
    });
    let headings = move || {
        WorkerColumn::ALL
            .into_iter()
            .map(|column| {
                view! {
                    <th scope="col" aria-sort=move || sort.get().aria_sort(column)>
                        <button
                            type="button"
                            class="sort"
                            on:click=move |_| sort.update(|s| *s = s.clicked(column))
                        >
                            {column.heading()}
                            <span aria-hidden="true">
                                {move || match sort.get().aria_sort(column) {
                                    "ascending" => " ▲",
                                    "descending" => " ▼",
                                    _ => "",
                                }}
                            </span>
                        </button>
                    </th>
                }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card" aria-labelledby="workers-heading">
            <h3 id="workers-heading">"Workers"</h3>
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=|| view! { <p>"Nobody has submitted yet."</p> }
            >
                <table class="workers">
                    <caption class="visually-hidden">
                        "Workers: tasks, median time per task, agreement with the consolidated boxes, gold IoU, score and blocked state. Sort by any column with its heading."
                    </caption>
                    <thead>
                        <tr>{headings}</tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows.get()
                                .into_iter()
                                .map(|worker| {
                                    let cells = WorkerColumn::ALL
                                        .into_iter()
                                        .map(|column| {
                                            let text = column.cell(&worker);
                                            if column == WorkerColumn::Worker {
                                                view! { <th scope="row">{text}</th> }.into_any()
                                            } else {
                                                view! { <td>{text}</td> }.into_any()
                                            }
                                        })
                                        .collect::<Vec<_>>();
                                    view! { <tr>{cells}</tr> }
                                })
                                .collect::<Vec<_>>()
                        }}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
