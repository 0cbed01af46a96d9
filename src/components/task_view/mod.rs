//! One task on screen: the canvas in the main area, and beside it the labels, the box list (or, in a verify job,
//! the verdicts) and the buttons that act on them. Created afresh for every task, so each image gets a new
//! editor.

mod keys;

use crowdbox_core::editor::{Command, Editor, Modifiers};
use crowdbox_core::geometry::{ImageRect, ImageSize};
use crowdbox_core::wire::{ExampleKind, Outcome, Task, TaskMode};
use leptos::ev;
use leptos::prelude::*;

use crate::canvas::BoxCanvas;
use crate::components::box_list::{BoxList, EditField};
use crate::components::instructions::Instructions;
use crate::components::label_picker::LabelPicker;
use crate::components::outcome_controls::OutcomeControls;
use crate::components::shortcut_help::{load_keymap, ShortcutHelp};
use crate::components::status::ErrorAlert;
use crate::components::verify_panel::VerifyPanel;
use crate::components::view_controls::{load_display, ViewControls};
use crate::outbox_driver::Driver;
use crate::strings::text as t;
use crate::work_source::WorkSource;
use crowdbox_core::worker::{answer, box_rows, not_ready, verify_rows, Event, Session};
use keys::typed_into_text_field;

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
    let (categories, instructions, mode, allow_carry, examples) = session.with_untracked(|s| {
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
        (
            s.categories().to_vec(),
            s.instructions().to_owned(),
            s.mode(),
            s.allow_carry_forward(),
            examples,
        )
    });
    let verify = mode == TaskMode::Verify;
    let allow_carry = allow_carry && !verify;
    let mut initial = Editor::new(
        ImageSize::new(f64::from(task.image.width), f64::from(task.image.height)),
        categories.clone(),
    );
    // Boxes proposed in advance (imported pre-annotations) are the starting point, to correct rather than redraw.
    // They are remembered by their ids, so the editor can tell what became of each (`Editor::changes`).
    initial.load_given_boxes(
        task.initial_annotations
            .iter()
            .map(|a| (a.id, ImageRect::from_coco(a.bbox), a.category_id)),
    );
    initial.set_read_only(verify);
    if let Some(preferred) = preferred_category
        .get_untracked()
        .filter(|p| categories.iter().any(|c| c.id == *p))
    {
        initial.set_active_category(preferred);
    }
    let editor = RwSignal::new(initial);
    // A saved draft of this task (after a reload or a crash) replaces the starting boxes; every change is saved.
    crate::drafts::keep_draft(session, &task, editor);
    // Embedded: the host page hears about every change of the boxes.
    if let WorkSource::Embedded(embed) = source {
        embed.watch_editor(&task, editor);
    }
    let driver = use_context::<Driver>();
    // After the draft: a restored draft is a fresh editor, and the volunteer's keys apply to it too.
    editor.update_untracked(|e| e.set_keymap(load_keymap()));

    let row_categories = categories.clone();
    let rows = Memo::new(move |_| editor.with(|e| box_rows(e, &row_categories)));
    let verify_categories = categories.clone();
    let judged_rows = Memo::new(move |_| editor.with(|e| verify_rows(e, &verify_categories)));
    let active = Signal::derive(move || editor.with(Editor::active_category));
    let has_selection = Signal::derive(move || editor.with(|e| e.selected().is_some()));
    // What the answer would hold: drawn boxes, or in a verify job the accepted ones.
    let has_boxes = Signal::derive(move || {
        if verify {
            judged_rows.with(|rows| rows.iter().any(|r| r.verdict == Some(true)))
        } else {
            rows.with(|rows| !rows.is_empty())
        }
    });

    // The next task starts with the label in use now, however it was chosen (radio, number key, canvas).
    Effect::new(move |_| preferred_category.set(Some(active.get())));

    // The editor decides whether choosing a label also relabels the selected box (not one just drawn).
    let choose_category = move |id: u64| editor.update(|e| e.set_active_category(id));
    let select_box = move |id: u64| editor.update(|e| e.select(Some(id)));
    let edit_box: EditField = Callback::new(move |(id, field, text): (u64, _, String)| {
        editor
            .try_update(|e| e.set_box_field(id, field, &text))
            .unwrap_or_else(|| Err("The editor is gone.".to_owned()))
    });
    let display = RwSignal::new(load_display());
    let image_filter = Signal::derive(move || display.get().css_filter());
    let delete_box = move |id: u64| {
        editor.update(|e| {
            e.select(Some(id));
            e.delete_selected();
        })
    };
    let delete_selected = move || {
        editor.update(|e| {
            e.delete_selected();
        })
    };
    let can_undo = Signal::derive(move || editor.with(Editor::can_undo));
    let can_redo = Signal::derive(move || editor.with(Editor::can_redo));
    let undo = move |_| {
        if let Some(what) = editor.try_update(Editor::undo).flatten() {
            session.update(|s| {
                s.apply(Event::Announced(crate::strings::fill(
                    "undid",
                    &[("what", what)],
                )));
            });
        }
    };
    let redo = move |_| {
        if let Some(what) = editor.try_update(Editor::redo).flatten() {
            session.update(|s| {
                s.apply(Event::Announced(crate::strings::fill(
                    "redid",
                    &[("what", what)],
                )));
            });
        }
    };
    let set_verdict = Callback::new(move |(id, accepted): (u64, bool)| {
        editor.update(|e| {
            e.select(Some(id));
            e.set_verdict(id, accepted);
        });
    });
    let set_reason = Callback::new(move |(id, reason): (u64, String)| {
        editor.update(|e| e.set_verdict_reason(id, &reason));
    });

    let unsure = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let send_error = RwSignal::new(None::<String>);
    let image = task.image.clone();
    let send = Callback::new(move |outcome: Outcome| {
        if let Some(why) = editor.with_untracked(|e| not_ready(e, outcome)) {
            send_error.set(Some(why));
            return;
        }
        let task_answer =
            editor.with_untracked(|e| answer(e, &image, outcome, &note.get_untracked()));
        previous_boxes.set(
            task_answer
                .result
                .annotations
                .iter()
                .map(|a| (ImageRect::from_coco(a.bbox), a.category_id))
                .collect(),
        );
        if let Some(driver) = driver {
            source.submit(session, driver, task_answer);
        }
    });
    let submit = move |_| {
        send.run(if unsure.get_untracked() {
            Outcome::Unsure
        } else {
            Outcome::Boxed
        })
    };
    let carry_forward = move || {
        let boxes = previous_boxes.get_untracked();
        let copied = editor.try_update(|e| e.carry_forward(&boxes)).unwrap_or(0);
        let text = match copied {
            0 => t("copied_none"),
            1 => t("copied_one"),
            n => crate::strings::fill("copied_many", &[("n", &n.to_string())]),
        };
        session.update(|s| {
            s.apply(Event::Announced(text));
        });
    };

    let help_open = RwSignal::new(false);
    let full_instructions_open = RwSignal::new(false);

    // Number keys pick labels, Delete deletes the selected box, ? opens the key help, I the instructions and C
    // copies the previous image's boxes, wherever focus is, except while typing into a field or in a dialog. When
    // the canvas has focus its own key handling comes first and marks the event as handled.
    let hotkey_categories = categories.clone();
    let hotkeys = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key() || event.alt_key() || event.meta_key() || event.default_prevented() {
            return;
        }
        if typed_into_text_field(&event)
            || help_open.get_untracked()
            || full_instructions_open.get_untracked()
        {
            return;
        }
        let key = event.key();
        let command = editor.with_untracked(|e| e.keymap().command_for(&key, Modifiers::NONE));
        match command {
            Some(Command::KeyHelp) => {
                event.prevent_default();
                help_open.set(true);
            }
            Some(Command::Instructions) => {
                event.prevent_default();
                full_instructions_open.set(true);
            }
            Some(Command::CopyPrevious) if allow_carry => {
                event.prevent_default();
                carry_forward();
            }
            // Labels and deleting do not apply when boxes are only judged.
            _ if verify => {}
            Some(Command::DeleteSelected) if has_selection.get_untracked() => {
                event.prevent_default();
                delete_selected();
            }
            Some(Command::Label(index)) => {
                if let Some(id) = hotkey_categories.get(index).map(|c| c.id) {
                    event.prevent_default();
                    choose_category(id);
                }
            }
            _ => {}
        }
    });
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
    crate::canvas::prefetch(upcoming.iter().map(String::as_str));
    let has_previous = Signal::derive(move || previous_boxes.with(|b| !b.is_empty()));
    view! {
        <main class="canvas-area">
            <BoxCanvas editor image_url tiles image_filter />
        </main>
        <aside class="sidebar" aria-label="Labels and boxes">
            <Instructions
                text=instructions
                open=instructions_open
                full_open=full_instructions_open
                examples
            />
            <ShortcutHelp open=help_open editor />
            {(!verify).then(|| view! { <LabelPicker categories active on_choose=choose_category /> })}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    id="submit-task"
                    on:click=submit
                    aria-describedby="submit-hint"
                >
                    {t("submit")}
                </button>
                <p id="submit-hint" class="hint">
                    {if verify { t("submit_hint_verify") } else { t("submit_hint") }}
                </p>
                <p class="field-error" role="alert" id="send-error">
                    {move || send_error.get()}
                </p>
                <ErrorAlert session />
            </div>
            {allow_carry
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="secondary"
                            id="carry-forward"
                            aria-keyshortcuts="C"
                            disabled=move || !has_previous.get()
                            on:click=move |_| carry_forward()
                        >
                            {t("copy_previous")}
                        </button>
                    }
                })}
            {if verify {
                view! {
                    <VerifyPanel
                        rows=judged_rows
                        on_select=select_box
                        on_verdict=set_verdict
                        on_reason=set_reason
                    />
                }
                    .into_any()
            } else {
                view! {
                    <BoxList rows on_select=select_box on_delete=delete_box on_edit=edit_box />
                    <div class="edit-buttons">
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| delete_selected()
                            disabled=move || !has_selection.get()
                        >
                            {t("delete_selected")}
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            on:click=undo
                            disabled=move || !can_undo.get()
                            title="Undo (Ctrl+Z)"
                        >
                            {t("undo")}
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            on:click=redo
                            disabled=move || !can_redo.get()
                            title="Redo (Ctrl+Shift+Z)"
                        >
                            {t("redo")}
                        </button>
                    </div>
                }
                    .into_any()
            }}
            <OutcomeControls has_boxes unsure note on_outcome=send verify />
            <ViewControls editor display />
            <button
                type="button"
                class="secondary"
                aria-keyshortcuts="?"
                on:click=move |_| help_open.set(true)
            >
                {t("keys_button")}
            </button>
        </aside>
    }
}
