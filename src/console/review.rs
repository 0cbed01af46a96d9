//! The review screen: a queue of images by filter (low confidence, disagreement, a label, a worker, an
//! outcome, or every image), each shown with the consolidated boxes and every worker's boxes as overlays, and
//! accept / correct / reopen. Correcting opens the volunteers' editor (same canvas, keys, undo and zoom) on the
//! consolidated boxes. Keys (not while typing or correcting): N or → next, P or ← previous, A accept,
//! C correct, R reopen.

use crowdbox_core::console::correction::{corrected_boxes, correction_editor};
use crowdbox_core::console::queue::{
    item_summary, Move, ReviewFilter, ReviewKey, ReviewQueue, REVIEW_FILTERS,
};
use crowdbox_core::editor::Editor;
use crowdbox_core::owner::{
    ImageDetail, JobList, LabelledBox, ReviewAction, ReviewPage, ReviewRequest,
};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::review_view::{layers, LayerToggles, ReviewImage, SubmissionDetails};
use super::{api, Owner, Page};
use crate::canvas::BoxCanvas;
use crate::components::keys::typed_into_text_field;
use crate::components::label_picker::LabelPicker;
use crate::components::shortcut_help::load_keymap;
use crate::components::view_controls::{load_display, ViewControls};

#[component]
pub(crate) fn ReviewPage(job: String) -> impl IntoView {
    let owner = Owner::from_context();
    let job = StoredValue::new(job);
    let labels = RwSignal::new(Vec::<String>::new());
    let kind = RwSignal::new("all".to_owned());
    let value = RwSignal::new(String::new());
    let queue = RwSignal::new(None::<ReviewQueue>);
    let filter = StoredValue::new(ReviewFilter::All);
    let detail = RwSignal::new(None::<ImageDetail>);
    let shown = RwSignal::new(Vec::<bool>::new());
    let correcting = RwSignal::new(None::<RwSignal<Editor>>);
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    let fail = move |e: api::OwnerError| {
        owner.check(&e);
        message.set(Some((false, e.message)));
    };
    spawn_local(async move {
        match api::get::<JobList>(&owner.token(), "/api/jobs").await {
            Ok(list) => {
                if let Some(j) = list.jobs.into_iter().find(|j| j.name == job.get_value()) {
                    labels.set(j.labels);
                }
            }
            Err(e) => fail(e),
        }
    });

    let fetch_page = move |cursor: Option<String>| {
        spawn_local(async move {
            let path = format!(
                "{}/review?{}",
                api::job_path(&job.get_value()),
                filter.get_value().query_string(cursor.as_deref())
            );
            match api::get::<ReviewPage>(&owner.token(), &path).await {
                Ok(page) => match cursor {
                    None => queue.set(Some(ReviewQueue::new(page))),
                    Some(_) => queue.update(|q| {
                        if let Some(q) = q {
                            if !q.append(page) {
                                message.set(Some((true, "That was the last image.".to_owned())));
                            }
                        }
                    }),
                },
                Err(e) => fail(e),
            }
        });
    };
    let show = move || match ReviewFilter::from_parts(&kind.get_untracked(), &value.get_untracked())
    {
        Ok(chosen) => {
            filter.set_value(chosen);
            message.set(None);
            fetch_page(None);
        }
        Err(e) => message.set(Some((false, e))),
    };
    show();

    // The current image's every submission, read when another image becomes current.
    let current_id = Memo::new(move |_| {
        queue.with(|q| q.as_ref().and_then(|q| q.current()).map(|i| i.image_id))
    });
    Effect::new(move |_| {
        let Some(id) = current_id.get() else {
            detail.set(None);
            return;
        };
        correcting.set(None);
        spawn_local(async move {
            let path = format!("{}/images/{id}", api::job_path(&job.get_value()));
            let answer = api::get::<ImageDetail>(&owner.token(), &path).await;
            // The owner may have moved on while this image was read: its reply must not replace the newer one.
            if current_id.get_untracked() != Some(id) {
                return;
            }
            match answer {
                Ok(d) => {
                    shown.set(vec![true; layers(&d).len()]);
                    detail.set(Some(d));
                }
                Err(e) => fail(e),
            }
        });
    });

    let step = move |forward: bool| {
        let mut wanted = None;
        queue.update(|q| {
            if let Some(q) = q {
                match if forward {
                    q.go_next()
                } else {
                    q.go_previous()
                } {
                    Move::Moved => {}
                    Move::NeedsPage(cursor) => wanted = Some(cursor),
                    Move::AtEnd => {
                        let end = if forward { "the last" } else { "the first" };
                        message.set(Some((true, format!("This is {end} image."))));
                    }
                }
            }
        });
        if let Some(cursor) = wanted {
            fetch_page(Some(cursor));
        }
    };

    let decide = move |action: ReviewAction, boxes: Vec<LabelledBox>| {
        let Some(id) = current_id.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let path = format!("{}/images/{id}/review", api::job_path(&job.get_value()));
            let request = ReviewRequest { action, boxes };
            let answer = api::send::<_, ImageDetail>(&owner.token(), "POST", &path, &request).await;
            busy.set(false);
            match answer {
                Ok(d) => {
                    let final_boxes =
                        (action != ReviewAction::Reopen).then(|| d.consolidated.clone());
                    queue.update(|q| {
                        if let Some(q) = q {
                            q.mark(id, d.reviewed, final_boxes);
                        }
                    });
                    let done = match action {
                        ReviewAction::Accept => "Accepted: the consolidated boxes are final.",
                        ReviewAction::Correct => "Corrected: your boxes are final.",
                        ReviewAction::Reopen => "Reopened: the image goes back to more workers.",
                    };
                    message.set(Some((true, done.to_owned())));
                    // Shown only if the owner is still on this image.
                    if current_id.get_untracked() == Some(id) {
                        correcting.set(None);
                        shown.set(vec![true; layers(&d).len()]);
                        detail.set(Some(d));
                    }
                }
                Err(e) => fail(e),
            }
        });
    };

    let start_correcting = move || {
        let Some(d) = detail.get_untracked() else {
            return;
        };
        let mut editor = correction_editor(&d, &labels.get_untracked());
        editor.set_keymap(load_keymap());
        correcting.set(Some(RwSignal::new(editor)));
    };
    let save_correction = move || {
        let Some(editor) = correcting.get_untracked() else {
            return;
        };
        let boxes = editor.with_untracked(|e| corrected_boxes(e, &labels.get_untracked()));
        decide(ReviewAction::Correct, boxes);
    };

    let keys = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key() || event.alt_key() || event.meta_key() || event.default_prevented() {
            return;
        }
        if typed_into_text_field(&event)
            || correcting.get_untracked().is_some()
            || detail.get_untracked().is_none()
        {
            return;
        }
        let Some(key) = ReviewKey::for_key(&event.key()) else {
            return;
        };
        event.prevent_default();
        match key {
            ReviewKey::Next => step(true),
            ReviewKey::Previous => step(false),
            ReviewKey::Accept => decide(ReviewAction::Accept, Vec::new()),
            ReviewKey::Reopen => decide(ReviewAction::Reopen, Vec::new()),
            ReviewKey::Correct => start_correcting(),
        }
    });
    on_cleanup(move || keys.remove());

    let filter_options = REVIEW_FILTERS
        .into_iter()
        .map(|(v, title)| view! { <option value=v selected=v == "all">{title}</option> })
        .collect::<Vec<_>>();
    let needs_value = move || matches!(kind.get().as_str(), "label" | "worker" | "outcome");
    let state_text = move || queue.with(|q| q.as_ref().and_then(|q| q.current()).map(item_summary));

    view! {
        <main class="console-main review-page">
            <div class="page-heading">
                <h2>"Review " <span class="job-title">{job.get_value()}</span></h2>
                <button type="button" class="secondary" on:click=move |_| owner.go(Page::Job(job.get_value()))>
                    "Back to the job"
                </button>
            </div>
            <form class="inline-form card" on:submit=move |ev| { ev.prevent_default(); show(); }>
                <label for="review-filter">"Images"</label>
                <select id="review-filter" on:change=move |ev| kind.set(event_target_value(&ev))>{filter_options}</select>
                <Show when=needs_value>
                    <label for="review-value">"Which"</label>
                    <input id="review-value" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                </Show>
                <button type="submit">"Show"</button>
            </form>
            {move || message.get().map(|(ok, text)| view! { <p class=if ok { "note" } else { "error" } role="status">{text}</p> })}
            <div class="review-layout">
                <div class="review-stage">
                    {move || match (correcting.get(), detail.get()) {
                        (Some(editor), Some(d)) => {
                            let display = RwSignal::new(load_display());
                            let image_filter = Signal::derive(move || display.get().css_filter());
                            view! {
                                <div class="review-canvas">
                                    <BoxCanvas editor image_url=d.image_url.clone() tiles=d.tiles image_filter />
                                </div>
                                <ViewControls editor display />
                            }
                            .into_any()
                        }
                        (None, Some(d)) => view! { <ReviewImage detail=d shown /> }.into_any(),
                        (_, None) => view! { <p class="review-empty">{move || queue.with(|q| match q {
                            None => "Loading the queue…",
                            Some(q) if q.images().is_empty() => "No image matches this filter.",
                            Some(_) => "Loading the image…",
                        })}</p> }.into_any(),
                    }}
                </div>
                <aside class="review-side">
                    <p class="queue-position" aria-live="polite">
                        {move || queue.with(|q| q.as_ref().map(ReviewQueue::position))}
                    </p>
                    <p class="image-state">{state_text}</p>
                    {move || match correcting.get() {
                        Some(editor) => {
                            let categories = editor.with_untracked(|e| e.categories().to_vec());
                            let active = Signal::derive(move || editor.with(Editor::active_category));
                            view! {
                                <LabelPicker categories active on_choose=move |id| editor.update(|e| e.set_active_category(id)) />
                                <div class="button-row">
                                    <button type="button" class="secondary" disabled=move || !editor.with(Editor::can_undo) on:click=move |_| { editor.update(|e| { e.undo(); }); }>"Undo"</button>
                                    <button type="button" class="secondary" disabled=move || !editor.with(Editor::can_redo) on:click=move |_| { editor.update(|e| { e.redo(); }); }>"Redo"</button>
                                </div>
                                <div class="button-row">
                                    <button type="button" on:click=move |_| save_correction() disabled=move || busy.get()>"Save the correction"</button>
                                    <button type="button" class="secondary" on:click=move |_| correcting.set(None)>"Cancel"</button>
                                </div>
                            }
                            .into_any()
                        }
                        None => view! {
                            {move || detail.get().map(|d| view! { <LayerToggles detail=d shown /> })}
                            <div class="button-row">
                                <button type="button" class="secondary" on:click=move |_| step(false) aria-keyshortcuts="P">"Previous"</button>
                                <button type="button" class="secondary" on:click=move |_| step(true) aria-keyshortcuts="N">"Next"</button>
                            </div>
                            <div class="button-row">
                                <button type="button" on:click=move |_| decide(ReviewAction::Accept, Vec::new()) disabled=move || busy.get() || detail.with(Option::is_none) aria-keyshortcuts="A">"Accept"</button>
                                <button type="button" on:click=move |_| start_correcting() disabled=move || detail.with(Option::is_none) aria-keyshortcuts="C">"Correct"</button>
                                <button type="button" class="secondary" on:click=move |_| decide(ReviewAction::Reopen, Vec::new()) disabled=move || busy.get() || detail.with(Option::is_none) aria-keyshortcuts="R">"Reopen"</button>
                            </div>
                            <p class="hint">"Keys: N or → next, P or ← previous, A accept, C correct, R reopen."</p>
                            {move || detail.get().map(|d| view! { <SubmissionDetails detail=d /> })}
                        }
                        .into_any(),
                    }}
                </aside>
            </div>
        </main>
    }
}
