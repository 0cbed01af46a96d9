//! Static-site mode's bar: open (or drop) image files to box, and download what is done as COCO or as a
//! Ground Truth output manifest.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::static_mode::{self, export, load, results, StaticSource};
use crate::strings::Wording;
use crowdbox_core::worker::{DraftStore, Session};

/// The files of a file list (from the file input or a drop).
fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn StaticPanel(
    session: RwSignal<Session>,
    /// The static job and its tasks (the volunteer's images are added to them).
    source: StoredValue<StaticSource>,
    /// Asks for the tasks again (after files were added).
    #[prop(into)]
    on_tasks_added: Callback<()>,
) -> impl IntoView {
    let w = Wording::current();
    let Some((job, no_tasks)) = source.try_with_value(|s| (s.job.clone(), s.tasks.is_empty()))
    else {
        return ().into_any();
    };
    // A job without a task list starts with the volunteer's own images.
    let first_note = if no_tasks {
        w.text("open_images_to_start")
    } else {
        String::new()
    };
    let note = RwSignal::new(first_note);
    let name = StoredValue::new(job.name.clone());
    let labels = StoredValue::new(job.labels.clone());
    let attribute = StoredValue::new(
        job.label_attribute
            .clone()
            .unwrap_or_else(|| "boxes".to_owned()),
    );
    // Re-read after every session change (a task submitted, a lease): the kept results are in localStorage.
    let done = move || {
        session.track();
        results::load(&name.get_value()).len()
    };

    let add_files = move |files: Vec<web_sys::File>| {
        if files.is_empty() {
            return;
        }
        note.set("Opening images…".to_owned());
        spawn_local(async move {
            let (tasks, refused) = load::file_tasks(files).await;
            let added = tasks.len();
            source.update_value(|s| s.add_tasks(tasks));
            note.set(if refused.is_empty() {
                format!("{added} images opened.")
            } else {
                format!(
                    "{added} images opened; not images (skipped): {}.",
                    refused.join(", ")
                )
            });
            if added > 0 {
                on_tasks_added.run(());
            }
        });
    };
    let on_change = move |event: ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        add_files(files_of(input.files()));
        input.set_value("");
    };
    let drag_over = window_event_listener(ev::dragover, |event| event.prevent_default());
    let dropped = window_event_listener(ev::drop, move |event| {
        event.prevent_default();
        add_files(files_of(event.data_transfer().and_then(|d| d.files())));
    });
    on_cleanup(move || {
        drag_over.remove();
        dropped.remove();
    });

    let download_coco = move |_| {
        let job = name.get_value();
        let all = results::load(&job);
        let categories = static_mode::categories(&labels.get_value());
        let text = export::coco_json(&job, &all, &categories);
        report(
            note,
            export::download(&format!("{job}.coco.json"), &text, "application/json"),
        );
    };
    let download_manifest = move |_| {
        let job = name.get_value();
        let all = results::load(&job);
        let made = export::ground_truth_manifest(
            &job,
            &attribute.get_value(),
            &all,
            &labels.get_value(),
            export::creation_date_now(),
        );
        let outcome = made.and_then(|text| {
            export::download(
                &format!("{job}.output.manifest"),
                &text,
                "application/jsonl",
            )
        });
        report(note, outcome);
    };

    // Start over: after a confirmation naming what goes, the kept results and drafts of this job are removed
    // and the page starts afresh (results already POSTed to a submit_url stay where they were sent).
    let start_over = move |_| {
        let job = name.get_value();
        let kept = results::load(&job).len();
        let question = format!(
            "Start job {job} over? The boxes of {kept} finished images kept in this browser will be deleted. \
             Download them first if you need them."
        );
        let Some(window) = web_sys::window() else {
            return;
        };
        if !window.confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        results::clear(&job);
        let worker = session.with_untracked(|s| s.worker_id().to_owned());
        crate::drafts::LocalDrafts.prune(&job, &worker, &[]);
        let _ = window.location().reload();
    };

    view! {
        <section class="static-panel" aria-label="Images and results">
            <label class="secondary file-open">
                "Open images… "
                <input type="file" multiple accept="image/*" on:change=on_change />
            </label>
            <span class="hint">"or drop image files on the page."</span>
            <span id="static-done">
                {move || w.fill("static_done_count", &[("n", &done().to_string())])}
            </span>
            <button type="button" class="secondary" on:click=download_coco>
                {w.text("download_coco")}
            </button>
            <button type="button" class="secondary" on:click=download_manifest>
                {w.text("download_manifest")}
            </button>
            <button type="button" class="secondary" on:click=start_over>
                {w.text("start_over")}
            </button>
            <span role="status" class="hint">{move || note.get()}</span>
        </section>
    }
    .into_any()
}

fn report(note: RwSignal<String>, outcome: Result<(), String>) {
    if let Err(e) = outcome {
        note.set(e);
    }
}
