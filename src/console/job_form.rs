//! The job form, for a new job and for a job's settings: labels, instructions with a live Markdown preview
//! (the same renderer volunteers see), mode, workers per image, batch size, lease time and example images.

use crowdbox_core::console::form::{mode_choices, FormError, JobForm};
use crowdbox_core::owner::JobOverview;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{api, Owner, Page};
use crate::components::markdown::Markdown;

/// The form's fields. `editing`: a job's settings, whose name and labels do not change (shown, not editable)
/// and whose examples stay as they were made.
#[component]
pub(crate) fn JobFormFields(
    form: RwSignal<JobForm>,
    editing: bool,
    /// The field the last error named, marked invalid.
    error: RwSignal<Option<FormError>>,
) -> impl IntoView {
    let prefix = if editing { "edit" } else { "new" };
    let invalid =
        move |field: &'static str| error.with(|e| e.as_ref().is_some_and(|e| e.field == field));
    let text_field = move |field: &'static str,
                           title: &'static str,
                           hint: &'static str,
                           get: fn(&JobForm) -> String,
                           set: fn(&mut JobForm, String)| {
        let id = format!("{prefix}-{field}");
        view! {
            <div class="field">
                <label for=id.clone()>{title}</label>
                <input
                    id=id
                    name=field
                    inputmode="numeric"
                    placeholder=hint
                    aria-invalid=move || invalid(field).to_string()
                    prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))
                />
            </div>
        }
    };
    let mode_options = mode_choices()
        .into_iter()
        .map(|(mode, value, title)| {
            view! {
                <option value=value selected=move || form.with(|f| f.mode == mode)>{title}</option>
            }
        })
        .collect::<Vec<_>>();
    let set_mode = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some((mode, ..)) = mode_choices().into_iter().find(|(_, v, _)| *v == value) {
            form.update(|f| f.mode = mode);
        }
    };
    let name_and_labels = if editing {
        view! {
            <p class="fixed-settings">
                "Labels: " {move || form.with(|f| f.labels.replace('\n', ", "))}
            </p>
        }
        .into_any()
    } else {
        view! {
            <div class="field">
                <label for="new-name">"Name"</label>
                <input
                    id="new-name"
                    name="name"
                    aria-invalid=move || invalid("name").to_string()
                    prop:value=move || form.with(|f| f.name.clone())
                    on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="new-labels">"Labels (one per line or separated by commas)"</label>
                <textarea
                    id="new-labels"
                    name="labels"
                    rows="4"
                    aria-invalid=move || invalid("labels").to_string()
                    prop:value=move || form.with(|f| f.labels.clone())
                    on:input=move |ev| form.update(|f| f.labels = event_target_value(&ev))
                ></textarea>
            </div>
        }
        .into_any()
    };
    let examples = (!editing).then(|| {
        view! {
            <div class="field">
                <label for="new-good">"Good example images (http(s) addresses, one per line)"</label>
                <textarea
                    id="new-good"
                    rows="2"
                    aria-invalid=move || invalid("good_examples").to_string()
                    prop:value=move || form.with(|f| f.good_examples.clone())
                    on:input=move |ev| form.update(|f| f.good_examples = event_target_value(&ev))
                ></textarea>
            </div>
            <div class="field">
                <label for="new-bad">"Bad example images (one per line)"</label>
                <textarea
                    id="new-bad"
                    rows="2"
                    aria-invalid=move || invalid("bad_examples").to_string()
                    prop:value=move || form.with(|f| f.bad_examples.clone())
                    on:input=move |ev| form.update(|f| f.bad_examples = event_target_value(&ev))
                ></textarea>
            </div>
        }
    });
    let instructions_id = format!("{prefix}-instructions");
    view! {
        {name_and_labels}
        <div class="instructions-editor">
            <div class="field">
                <label for=instructions_id.clone()>"Instructions (Markdown)"</label>
                <textarea
                    id=instructions_id
                    name="instructions"
                    rows="8"
                    prop:value=move || form.with(|f| f.instructions.clone())
                    on:input=move |ev| form.update(|f| f.instructions = event_target_value(&ev))
                ></textarea>
            </div>
            <section class="preview" aria-label="Instructions preview, as volunteers see them">
                {move || {
                    let text = form.with(|f| f.instructions.clone());
                    view! { <Markdown text /> }
                }}
            </section>
        </div>
        <div class="field-row">
            <div class="field">
                <label for=format!("{prefix}-mode")>"Mode"</label>
                <select id=format!("{prefix}-mode") on:change=set_mode>{mode_options}</select>
            </div>
            {text_field("workers_per_image", "Workers per image", "1", |f| f.workers_per_image.clone(), |f, v| f.workers_per_image = v)}
            {text_field("batch_size", "Batch size", "5", |f| f.batch_size.clone(), |f, v| f.batch_size = v)}
            {text_field("lease_seconds", "Lease time (seconds)", "1800", |f| f.lease_seconds.clone(), |f, v| f.lease_seconds = v)}
        </div>
        <label class="check">
            <input
                type="checkbox"
                prop:checked=move || form.with(|f| f.allow_carry_forward)
                on:change=move |ev| form.update(|f| f.allow_carry_forward = event_target_checked(&ev))
            />
            "Volunteers may copy the previous image's boxes"
        </label>
        {examples}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e.message}</p> })}
    }
}

/// `New job`: the form, created with `POST /api/jobs`, then the new job's page.
#[component]
pub(crate) fn NewJobPage() -> impl IntoView {
    let owner = Owner::from_context();
    let form = RwSignal::new(JobForm::default());
    let error = RwSignal::new(None::<FormError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = match form.with_untracked(JobForm::new_job) {
            Ok(new) => new,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let answer =
                api::send::<_, JobOverview>(&owner.token(), "POST", "/api/jobs", &new).await;
            busy.set(false);
            match answer {
                Ok(job) => owner.go(Page::Job(job.name)),
                Err(e) => {
                    owner.check(&e);
                    error.set(Some(FormError {
                        field: "",
                        message: e.message,
                    }));
                }
            }
        });
    };
    view! {
        <main class="console-main">
            <div class="page-heading">
                <h2>"New job"</h2>
                <button type="button" class="secondary" on:click=move |_| owner.go(Page::Jobs)>"All jobs"</button>
            </div>
            <form class="card job-form" on:submit=submit>
                <JobFormFields form editing=false error />
                <button type="submit" disabled=move || busy.get()>"Create the job"</button>
            </form>
        </main>
    }
}
