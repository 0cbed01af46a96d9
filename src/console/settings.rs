//! A job's settings (the job form, saved with `PATCH`), its invites (create, copy, open the job again) and its
//! exports (every format, consolidated, every submission or one worker's).

use crowdbox_core::console::exports::{export_path, file_name, ExportScope, FORMATS};
use crowdbox_core::console::form::{FormError, JobForm};
use crowdbox_core::owner::{InviteRequest, Invites, JobPatch, JobPatched};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::job_form::JobFormFields;
use super::job_page::JobState;
use super::{api, Owner};

#[component]
pub(crate) fn SettingsSection() -> impl IntoView {
    view! {
        <EditJob />
        <InvitesSection />
        <ExportsSection />
    }
}

#[component]
fn EditJob() -> impl IntoView {
    let owner = Owner::from_context();
    let state = use_context::<JobState>().expect("the job page provides its state");
    let form = RwSignal::new(JobForm::default());
    let error = RwSignal::new(None::<FormError>);
    let saved = RwSignal::new(None::<String>);
    // The form follows the job as read from the server (after loading and after each save).
    Effect::new(move |_| {
        if let Some(job) = state.job.get() {
            form.set(JobForm::of(&job));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(job) = state.job.get_untracked() else {
            return;
        };
        let patch = match form.with_untracked(|f| f.patch(&job)) {
            Ok(patch) => patch,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        error.set(None);
        if patch == JobPatch::default() {
            saved.set(Some("Nothing changed.".to_owned()));
            return;
        }
        spawn_local(async move {
            let path = api::job_path(&job.name);
            match api::send::<_, JobPatched>(&owner.token(), "PATCH", &path, &patch).await {
                Ok(patched) => {
                    saved.set(Some(format!("Saved: {}.", patched.changed.join(", "))));
                    state.job.set(Some(patched.job));
                }
                Err(e) => {
                    owner.check(&e);
                    error.set(Some(FormError::from_server(e.field.as_deref(), e.message)));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="settings-heading">
            <details>
                <summary><h3 id="settings-heading">"Settings"</h3></summary>
                <form class="job-form" on:submit=submit>
                    <JobFormFields form editing=true error />
                    <button type="submit">"Save the settings"</button>
                    {move || saved.get().map(|s| view! { <p class="note" role="status">{s}</p> })}
                </form>
            </details>
        </section>
    }
}

/// The volunteer link an invite token opens.
fn invite_link(job: &str, token: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let encode = crowdbox_core::console::exports::encode;
    format!("{origin}/?job={}&invite={}", encode(job), encode(token))
}

#[component]
fn InvitesSection() -> impl IntoView {
    let owner = Owner::from_context();
    let state = use_context::<JobState>().expect("the job page provides its state");
    let count = RwSignal::new("1".to_owned());
    let links = RwSignal::new(Vec::<String>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(n) = count.get_untracked().trim().parse::<u32>() else {
            message.set(Some((
                false,
                "Type how many invites to make, a whole number.".to_owned(),
            )));
            return;
        };
        spawn_local(async move {
            let job = state.name.get_value();
            let path = format!("{}/invites", api::job_path(&job));
            match api::send::<_, Invites>(
                &owner.token(),
                "POST",
                &path,
                &InviteRequest { count: n },
            )
            .await
            {
                Ok(invites) => {
                    links.set(
                        invites
                            .tokens
                            .iter()
                            .map(|t| invite_link(&job, t))
                            .collect(),
                    );
                    message.set(Some((
                        true,
                        "The job is invite-only now. These links are shown only once: copy them."
                            .to_owned(),
                    )));
                    state.reload_job();
                }
                Err(e) => {
                    owner.check(&e);
                    message.set(Some((false, e.message)));
                }
            }
        });
    };
    let open_again = move |_| {
        spawn_local(async move {
            let path = format!("{}/invites", api::job_path(&state.name.get_value()));
            match api::delete(&owner.token(), &path).await {
                Ok(()) => {
                    message.set(Some((
                        true,
                        "The job is open to every volunteer again.".to_owned(),
                    )));
                    state.reload_job();
                }
                Err(e) => {
                    owner.check(&e);
                    message.set(Some((false, e.message)));
                }
            }
        });
    };
    let copy = move |text: String| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            message.set(Some((true, "Copied.".to_owned())));
        }
    };
    let invite_only = move || {
        state
            .job
            .with(|j| j.as_ref().is_some_and(|j| j.requires_invite))
    };
    view! {
        <section class="card" aria-labelledby="invites-heading">
            <h3 id="invites-heading">"Invites"</h3>
            <p>
                {move || if invite_only() {
                    "The job is invite-only: volunteers need an invite link."
                } else {
                    "The job is open: anyone with its address can work on it. Creating invites makes it invite-only."
                }}
            </p>
            <form class="inline-form" on:submit=create>
                <label for="invite-count">"Invites to create"</label>
                <input id="invite-count" inputmode="numeric" prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev)) />
                <button type="submit">"Create invites"</button>
                <button type="button" class="secondary" disabled=move || !invite_only() on:click=open_again>
                    "Open the job again"
                </button>
            </form>
            <ul class="invite-links">
                {move || {
                    links
                        .get()
                        .into_iter()
                        .map(|link| {
                            let copied = link.clone();
                            view! {
                                <li>
                                    <input readonly aria-label="Invite link" prop:value=link.clone() />
                                    <button type="button" class="secondary" on:click=move |_| copy(copied.clone())>"Copy"</button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </ul>
            {move || message.get().map(|(ok, text)| view! { <p class=if ok { "note" } else { "error" } role="status">{text}</p> })}
        </section>
    }
}

#[component]
fn ExportsSection() -> impl IntoView {
    let owner = Owner::from_context();
    let state = use_context::<JobState>().expect("the job page provides its state");
    let scope = RwSignal::new("consolidated".to_owned());
    let worker = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let workers = move || {
        state
            .stats
            .with(|s| {
                s.as_ref().map(|s| {
                    s.workers
                        .iter()
                        .map(|w| w.worker_id.clone())
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    };
    let buttons = FORMATS
        .into_iter()
        .map(|(format, title)| {
            let run = move |_| {
                let chosen = match scope.get_untracked().as_str() {
                    "submissions" => ExportScope::Submissions,
                    "worker" => {
                        let w = worker.get_untracked();
                        if w.is_empty() {
                            message
                                .set(Some("Choose the worker whose boxes to export.".to_owned()));
                            return;
                        }
                        ExportScope::Worker(w)
                    }
                    _ => ExportScope::Consolidated,
                };
                let job = state.name.get_value();
                message.set(None);
                spawn_local(async move {
                    let path = export_path(&job, format, &chosen);
                    if let Err(e) =
                        api::download(&owner.token(), &path, &file_name(&job, format)).await
                    {
                        owner.check(&e);
                        message.set(Some(e.message));
                    }
                });
            };
            view! { <button type="button" on:click=run>{format!("Export {title}")}</button> }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="exports-heading">
            <h3 id="exports-heading">"Exports"</h3>
            <div class="inline-form">
                <label for="export-scope">"Boxes"</label>
                <select id="export-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                    <option value="consolidated" selected>"Consolidated (reviewed images' final boxes)"</option>
                    <option value="submissions">"Every worker's submissions"</option>
                    <option value="worker">"One worker's"</option>
                </select>
                <Show when=move || scope.get() == "worker">
                    <label for="export-worker">"Worker"</label>
                    <select id="export-worker" on:change=move |ev| worker.set(event_target_value(&ev))>
                        <option value="">"Choose…"</option>
                        {move || workers().into_iter().map(|w| view! { <option value=w.clone()>{w.clone()}</option> }).collect::<Vec<_>>()}
                    </select>
                </Show>
            </div>
            <div class="export-buttons">{buttons}</div>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </section>
    }
}
