//! The job list: every job with its progress bar, and the way to a new one. The list follows the server by
//! reading `GET /api/jobs` again every few seconds while it is shown (one events stream per job would hold a
//! connection per job open), so a new job, an upload or a volunteer's submission shows without a reload.

use crowdbox_core::owner::{JobList, JobOverview, ProgressEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{api, Owner, Page, ProgressBar};

/// A job's counts as the events stream sends them.
pub(crate) fn progress_of(job: &JobOverview) -> ProgressEvent {
    ProgressEvent {
        images_total: job.images_total,
        images_done: job.images_done,
        images_in_progress: job.images_in_progress,
        images_waiting: job.images_waiting,
        submissions: job.submissions,
    }
}

/// How often the shown job list is read again.
const LIST_REFRESH_MS: i32 = 3000;

#[component]
pub(crate) fn JobListPage() -> impl IntoView {
    let owner = Owner::from_context();
    super::pages::preload_job_page_soon();
    let jobs = RwSignal::new(None::<Result<Vec<JobOverview>, String>>);
    spawn_local(async move {
        loop {
            let answer = api::get::<JobList>(&owner.token(), "/api/jobs").await;
            if let Err(e) = &answer {
                if e.is_unauthorized() {
                    owner.check(e);
                    return;
                }
            }
            let answer = Some(answer.map(|l| l.jobs).map_err(|e| e.message));
            // Redrawn only when something changed; a failed read keeps the list shown (and says why only
            // when there is none yet), the next read trying again.
            let Some(unchanged) = jobs.try_with_untracked(|shown| {
                *shown == answer
                    || (shown.as_ref().is_some_and(Result::is_ok)
                        && answer.as_ref().is_some_and(Result::is_err))
            }) else {
                return; // the page was left
            };
            if !unchanged && jobs.try_set(answer).is_some() {
                return;
            }
            api::gloo_timers_sleep(LIST_REFRESH_MS).await;
        }
    });
    view! {
        <main class="console-main">
            <div class="page-heading">
                <h2>"Jobs"</h2>
                <button type="button" on:click=move |_| owner.go(Page::NewJob)>"New job"</button>
            </div>
            {move || match jobs.get() {
                None => view! { <p aria-busy="true">"Loading the jobs…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p>"No jobs yet. Create one with New job."</p> }.into_any()
                }
                Some(Ok(list)) => {
                    let items = list
                        .into_iter()
                        .map(|job| {
                            let name = job.name.clone();
                            let open = name.clone();
                            let progress = progress_of(&job);
                            view! {
                                <li class="card job-card">
                                    <h3>
                                        <a
                                            href=format!("#job={}", crowdbox_core::console::exports::encode(&name))
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                owner.go(Page::Job(open.clone()));
                                            }
                                        >
                                            {name.clone()}
                                        </a>
                                    </h3>
                                    <p class="job-facts">
                                        {format!(
                                            "{} labels · {} · {} per image",
                                            job.labels.len(),
                                            format!("{:?}", job.mode).to_lowercase(),
                                            job.workers_per_image,
                                        )}
                                    </p>
                                    <ProgressBar
                                        progress=Signal::stored(progress)
                                        label=format!("Progress of {name}")
                                    />
                                </li>
                            }
                        })
                        .collect::<Vec<_>>();
                    view! { <ul class="job-list">{items}</ul> }.into_any()
                }
            }}
        </main>
    }
}
