//! The job list: every job with its progress bar, and the way to a new one.

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

#[component]
pub(crate) fn JobListPage() -> impl IntoView {
    let owner = Owner::from_context();
    let jobs = RwSignal::new(None::<Result<Vec<JobOverview>, String>>);
    spawn_local(async move {
        let answer = api::get::<JobList>(&owner.token(), "/api/jobs").await;
        if let Err(e) = &answer {
            owner.check(e);
        }
        jobs.set(Some(answer.map(|l| l.jobs).map_err(|e| e.message)));
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
