//! One task on screen: the canvas in the main area, and beside it the labels, the box list (or, in a verify job,
//! the verdicts) and the buttons that act on them. Created afresh for every task, so each image gets a new
//! editor.

mod controller;

use crowdbox_core::editor::Editor;
use crowdbox_core::geometry::ImageRect;
use crowdbox_core::wire::{ExampleKind, Task};
use leptos::ev;
use leptos::prelude::*;

use crate::canvas::BoxCanvas;
use crate::components::box_list::{BoxList, EditField};
use crate::components::instructions::Instructions;
use crate::components::label_picker::LabelPicker;
use crate::components::later;
use crate::components::outcome_controls::OutcomeControls;
use crate::components::status::ErrorAlert;
use crate::components::verify_panel::VerifyPanelProps;
use crate::components::view_controls::{load_display, ViewControls};
use crate::work_source::WorkSource;
use controller::TaskController;
use crowdbox_core::worker::{box_rows, verify_rows, Session};

/// The boxes of the image submitted last in this session, for "copy the previous image's boxes".
pub type PreviousBoxes = RwSignal<Vec<(ImageRect, u64)>>;

#[component]
pub fn TaskView(
    session: RwSignal<Session>,
    task: Task,
    /// The label the volunteer last chose; new tasks start with it.
    preferred_category: RwSignal<Option<u64>>,
    instructions_open: RwSignal<bool>,
    previous_boxes: PreviousBoxes,
) -> impl IntoView {
    let source = WorkSource::current();
    let ctl = TaskController::new(session, &task, preferred_category, previous_boxes);
    let (instructions, examples) = session.with_untracked(|s| {
        let examples: Vec<(String, bool, String)> = s
            .examples()
            .iter()
            .map(|e| {
                (
                    source.api_url(&e.url),
                    e.kind == ExampleKind::Good,
                    e.caption.clone(),
                )
            })
            .collect();
        (s.instructions().to_owned(), examples)
    });
    let editor = ctl.editor;
    let verify = ctl.verify;
    let categories = ctl.categories();
    let row_categories = categories.clone();
    let rows = Memo::new(move |_| editor.with(|e| box_rows(e, &row_categories)));
    let verify_categories = categories.clone();
    let judged_rows = Memo::new(move |_| editor.with(|e| verify_rows(e, &verify_categories)));
    let active = Signal::derive(move || editor.with(Editor::active_category));
    // What the answer would hold: drawn boxes, or in a verify job the accepted ones.
    let has_boxes = Signal::derive(move || {
        if verify {
            judged_rows.with(|rows| rows.iter().any(|r| r.verdict == Some(true)))
        } else {
            rows.with(|rows| !rows.is_empty())
        }
    });
    let select_box = Callback::new(move |id| ctl.select_box(id));
    let edit_box: EditField =
        Callback::new(move |(id, field, text): (u64, _, String)| ctl.edit_box(id, field, &text));
    let display = RwSignal::new(load_display());
    let image_filter = Signal::derive(move || display.get().css_filter());
    let hotkeys = window_event_listener(ev::keydown, move |event| ctl.on_key(&event));
    on_cleanup(move || hotkeys.remove());

    let image_url = source.api_url(&task.image_url);
    let tiles = task.tiles;
    // A huge image's next task is fetched ahead by its overview tile only.
    let upcoming: Vec<String> = session.with_untracked(|s| {
        s.upcoming_tasks()
            .iter()
            .map(|t| match &t.tiles {
                Some(pyramid) => {
                    crate::canvas::overview_url(&source.api_url(&t.image_url), pyramid)
                }
                None => source.api_url(&t.image_url),
            })
            .collect()
    });
    if let Some(prefetch) = crate::canvas::Prefetch::current() {
        prefetch.ahead(upcoming.iter().map(String::as_str));
    }
    let help_open = ctl.help_open;
    let unsure = ctl.unsure;
    let note = ctl.note;
    view! {
        <main class="canvas-area">
            <BoxCanvas editor image_url tiles image_filter on_shown=Callback::new(|()| later::preload_panels()) />
        </main>
        <aside class="sidebar" aria-label="Labels and boxes">
            <Instructions
                text=instructions
                open=instructions_open
                full_open=ctl.full_instructions_open
                examples
            />
            {later::load_when(later::Wanted::Opened(help_open), move || later::shortcut_help(help_open, editor))}
            {(!verify)
                .then(|| {
                    view! {
                        <LabelPicker categories active on_choose=move |id| ctl.choose_category(id) />
                    }
                })}
            <SubmitActions ctl session />
            {if verify {
                later::load_when(
                        later::Wanted::AtOnce,
                        move || {
                            later::verify_panel(
                                VerifyPanelProps::builder()
                                    .rows(judged_rows)
                                    .on_select(select_box)
                                    .on_verdict(move |(id, accepted)| ctl.set_verdict(id, accepted))
                                    .on_reason(move |(id, reason): (u64, String)| ctl.set_reason(id, &reason))
                                    .build(),
                            )
                        },
                    )
                    .into_any()
            } else {
                view! {
                    <BoxList
                        rows
                        on_select=select_box
                        on_delete=move |id| ctl.delete_box(id)
                        on_edit=edit_box
                    />
                    <EditButtons ctl />
                }
                    .into_any()
            }}
            <OutcomeControls
                has_boxes
                unsure
                note
                on_outcome=move |outcome| ctl.send(outcome)
                verify
            />
            <ViewControls editor display />
            <button
                type="button"
                class="secondary"
                aria-keyshortcuts="?"
                on:click=move |_| help_open.set(true)
            >
                {ctl.words.text("keys_button")}
            </button>
        </aside>
    }
}

/// "Submit and next" with its hint and why it did not go, the session's error, and "copy the previous image's
/// boxes" where the job allows it.
#[component]
fn SubmitActions(ctl: TaskController, session: RwSignal<Session>) -> impl IntoView {
    let send_error = ctl.send_error;
    let previous_boxes = ctl.previous_boxes();
    let has_previous = Signal::derive(move || previous_boxes.with(|b| !b.is_empty()));
    view! {
        <div class="actions">
            <button
                type="button"
                class="primary"
                id="submit-task"
                on:click=move |_| ctl.submit()
                aria-describedby="submit-hint"
            >
                {ctl.words.text("submit")}
            </button>
            <p id="submit-hint" class="hint">
                {if ctl.verify { ctl.words.text("submit_hint_verify") } else { ctl.words.text("submit_hint") }}
            </p>
            <p class="field-error" role="alert" id="send-error">
                {move || send_error.get()}
            </p>
            <ErrorAlert session />
        </div>
        {ctl
            .allow_carry
            .then(|| {
                view! {
                    <button
                        type="button"
                        class="secondary"
                        id="carry-forward"
                        aria-keyshortcuts="C"
                        disabled=move || !has_previous.get()
                        on:click=move |_| ctl.carry_forward()
                    >
                        {ctl.words.text("copy_previous")}
                    </button>
                }
            })}
    }
}

/// Delete the selected box, undo and redo, each enabled only when it would do something.
#[component]
fn EditButtons(ctl: TaskController) -> impl IntoView {
    let editor = ctl.editor;
    let has_selection = Signal::derive(move || editor.with(|e| e.selected().is_some()));
    let can_undo = Signal::derive(move || editor.with(Editor::can_undo));
    let can_redo = Signal::derive(move || editor.with(Editor::can_redo));
    view! {
        <div class="edit-buttons">
            <button
                type="button"
                class="secondary"
                on:click=move |_| ctl.delete_selected()
                disabled=move || !has_selection.get()
            >
                {ctl.words.text("delete_selected")}
            </button>
            <button
                type="button"
                class="secondary"
                on:click=move |_| ctl.undo()
                disabled=move || !can_undo.get()
                title="Undo (Ctrl+Z)"
            >
                {ctl.words.text("undo")}
            </button>
            <button
                type="button"
                class="secondary"
                on:click=move |_| ctl.redo()
                disabled=move || !can_redo.get()
                title="Redo (Ctrl+Shift+Z)"
            >
                {ctl.words.text("redo")}
            </button>
        </div>
    }
}
