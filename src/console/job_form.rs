//! The job form, for a new job and for a job's settings: labels, instructions with a live Markdown preview
//! (the same renderer volunteers see), mode, workers per image, batch size, lease time, quality control (gold
//! rate, blocking, adaptive redundancy, finish-first, the lease order) and example images. An error is shown
//! next to the field it names, the server's too.

use crowdbox_core::console::form::{mode_choices, order_choices, FormError, JobForm};
use crowdbox_core::owner::{JobOverview, LeaseOrder};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::examples::ExamplesEditor;
use super::{api, Owner, Page};
use crate::components::markdown::Markdown;

/// The form's fields. `editing`: a job's settings, whose name and labels do not change (shown, not editable)
/// and whose examples are edited one by one ([`ExamplesEditor`]).
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
    // The error's sentence next to the field it names (the field points at it with aria-describedby).
    let field_error = move |field: &'static str| {
        let id = format!("{prefix}-{field}-error");
        move || {
            error.get().filter(|e| e.field == field).map(
                |e| view! { <p class="field-error" id=id.clone() role="alert">{e.message}</p> },
            )
        }
    };
    let described = move |field: &'static str| {
        move || invalid(field).then(|| format!("{prefix}-{field}-error"))
    };
    let text_field = move |field: &'static str,
                           title: &'static str,
                           hint: &'static str,
                           get: fn(&JobForm) -> String,
                           set: fn(&mut JobForm, String)| {
        let id = format!("{prefix}-{field}");
        let mode = if hint.contains('.') || hint.is_empty() {
            "decimal"
        } else {
            "numeric"
        };
        view! {
            <div class="field">
                <label for=id.clone()>{title}</label>
                <input
                    id=id
                    name=field
                    inputmode=mode
                    placeholder=hint
                    aria-invalid=move || invalid(field).to_string()
                    aria-describedby=described(field)
                    prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))
                />
                {field_error(field)}
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
    let order_options = order_choices()
        .into_iter()
        .map(|(order, title)| {
            view! {
                <option value=order.as_str() selected=move || form.with(|f| f.order == order)>{title}</option>
            }
        })
        .collect::<Vec<_>>();
    let set_order = move |ev: leptos::ev::Event| {
        if let Ok(order) = event_target_value(&ev).parse::<LeaseOrder>() {
            form.update(|f| f.order = order);
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
                    aria-describedby=described("name")
                    prop:value=move || form.with(|f| f.name.clone())
                    on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))
                />
                {field_error("name")}
            </div>
            <div class="field">
                <label for="new-labels">"Labels (one per line or separated by commas)"</label>
                <textarea
                    id="new-labels"
                    name="labels"
                    rows="4"
                    aria-invalid=move || invalid("labels").to_string()
                    aria-describedby=described("labels")
                    prop:value=move || form.with(|f| f.labels.clone())
                    on:input=move |ev| form.update(|f| f.labels = event_target_value(&ev))
                ></textarea>
                {field_error("labels")}
            </div>
        }
        .into_any()
    };
    let examples = if editing {
        view! { <ExamplesEditor form error /> }.into_any()
    } else {
        view! {
            <div class="field">
                <label for="new-good">"Good example images (http(s) addresses, one per line)"</label>
                <textarea
                    id="new-good"
                    rows="2"
                    aria-invalid=move || invalid("good_examples").to_string()
                    aria-describedby=described("good_examples")
                    prop:value=move || form.with(|f| f.good_examples.clone())
                    on:input=move |ev| form.update(|f| f.good_examples = event_target_value(&ev))
                ></textarea>
                {field_error("good_examples")}
            </div>
            <div class="field">
                <label for="new-bad">"Bad example images (one per line)"</label>
                <textarea
                    id="new-bad"
                    rows="2"
                    aria-invalid=move || invalid("bad_examples").to_string()
                    aria-describedby=described("bad_examples")
                    prop:value=move || form.with(|f| f.bad_examples.clone())
                    on:input=move |ev| form.update(|f| f.bad_examples = event_target_value(&ev))
                ></textarea>
                {field_error("bad_examples")}
            </div>
        }
        .into_any()
    };
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
        <fieldset class="quality">
            <legend>"Quality control"</legend>
            <div class="field-row">
                {text_field("gold_rate", "Gold rate (share of tasks that are gold images)", "0.1", |f| f.gold_rate.clone(), |f, v| f.gold_rate = v)}
                {text_field("block_below", "Block workers scoring below (empty: never)", "", |f| f.block_below.clone(), |f, v| f.block_below = v)}
                {text_field("min_gold_tasks", "Gold tasks before blocking", "5", |f| f.min_gold_tasks.clone(), |f, v| f.min_gold_tasks = v)}
            </div>
            <div class="field-row">
                {text_field("min_workers_per_image", "Agreeing workers that finish an image (empty: all of them)", "", |f| f.min_workers_per_image.clone(), |f, v| f.min_workers_per_image = v)}
                {text_field("agreement_iou", "Boxes agree at IoU", "0.7", |f| f.agreement_iou.clone(), |f, v| f.agreement_iou = v)}
                <div class="field">
                    <label for=format!("{prefix}-order")>"Order of open images"</label>
                    <select
                        id=format!("{prefix}-order")
                        name="order"
                        aria-invalid=move || invalid("order").to_string()
                        on:change=set_order
                    >
                        {order_options}
                    </select>
                    {field_error("order")}
                </div>
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    name="finish_first"
                    prop:checked=move || form.with(|f| f.finish_first)
                    on:change=move |ev| form.update(|f| f.finish_first = event_target_checked(&ev))
                />
                "Finish images waiting for another opinion before fresh ones"
            </label>
        </fieldset>
        {examples}
        // An error no field of the form holds (the server's, e.g. a job that exists already).
        {move || {
            error
                .get()
                .filter(|e| e.field.is_empty())
                .map(|e| view! { <p class="error" role="alert">{e.message}</p> })
        }}
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
                    error.set(Some(FormError::from_server(e.field.as_deref(), e.message)));
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
