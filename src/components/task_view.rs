//! One task on screen: the canvas in the main area, and beside it the labels, the box list and the buttons
//! that act on them. Created afresh for every task, so each image gets a new editor.

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::editor::{Command, Editor, Modifiers};
use crowdbox_core::geometry::{ImageRect, ImageSize};
use crowdbox_core::wire::Task;
use leptos::ev;
use leptos::prelude::*;

use crate::api::api_url;
use crate::app::submit_current_task;
use crate::canvas::BoxCanvas;
use crate::components::box_list::{BoxList, BoxRow, EditField};
use crate::components::instructions::Instructions;
use crate::components::label_picker::{category_for_hotkey, LabelPicker};
use crate::components::shortcut_help::{load_keymap, ShortcutHelp};
use crate::components::status::ErrorAlert;
use crate::components::view_controls::{load_display, ViewControls};
use crate::session::Session;

/// The list rows for the editor's boxes, in drawing order.
fn box_rows(editor: &Editor, categories: &[CocoCategory]) -> Vec<BoxRow> {
    let selected = editor.selected();
    editor
        .annotations()
        .iter()
        .map(|a| BoxRow {
            id: a.id,
            label: categories
                .iter()
                .find(|c| c.id == a.category_id)
                .map_or_else(|| format!("label {}", a.category_id), |c| c.name.clone()),
            rect: a.rect,
            selected: selected == Some(a.id),
        })
        .collect()
}

/// Whether a key press belongs to a text field rather than to the app's shortcuts.
fn typed_into_text_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "TEXTAREA" | "SELECT")
                || (el.tag_name() == "INPUT"
                    && !matches!(
                        el.get_attribute("type").as_deref(),
                        Some("radio" | "checkbox" | "button" | "submit")
                    ))
                || el.has_attribute("contenteditable")
        })
}

#[component]
pub fn TaskView(
    session: RwSignal<Session>,
    task: Task,
    /// The label the volunteer last chose; new tasks start with it.
    preferred_category: RwSignal<Option<u64>>,
    instructions_open: RwSignal<bool>,
) -> impl IntoView {
    let (categories, instructions) =
        session.with_untracked(|s| (s.categories().to_vec(), s.instructions().to_owned()));
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
    if let Some(preferred) = preferred_category
        .get_untracked()
        .filter(|p| categories.iter().any(|c| c.id == *p))
    {
        initial.set_active_category(preferred);
    }
    let editor = RwSignal::new(initial);
    // A saved draft of this task (after a reload or a crash) replaces the starting boxes; every change is saved.
    crate::drafts::keep_draft(session, &task, editor);
    // After the draft: a restored draft is a fresh editor, and the volunteer's keys apply to it too.
    editor.update_untracked(|e| e.set_keymap(load_keymap()));

    let row_categories = categories.clone();
    let rows = Memo::new(move |_| editor.with(|e| box_rows(e, &row_categories)));
    let active = Signal::derive(move || editor.with(Editor::active_category));
    let has_selection = Signal::derive(move || editor.with(|e| e.selected().is_some()));

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
            session.update(|s| s.announce(format!("Undid: {what}.")));
        }
    };
    let redo = move |_| {
        if let Some(what) = editor.try_update(Editor::redo).flatten() {
            session.update(|s| s.announce(format!("Redid: {what}.")));
        }
    };
    let image = task.image.clone();
    let submit = move |_| {
        let answer = editor.with_untracked(|e| {
            if e.is_read_only() {
                e.verify_answer(&image)
            } else {
                e.draw_answer(&image)
            }
        });
        submit_current_task(session, answer);
    };

    let help_open = RwSignal::new(false);
    let full_instructions_open = RwSignal::new(false);

    // Number keys pick labels, Delete deletes the selected box, ? opens the key help and I the instructions,
    // wherever focus is, except while typing into a field or in a dialog. When the canvas has focus its own key
    // handling comes first and marks the event as handled.
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
        if key == "?" {
            event.prevent_default();
            help_open.set(true);
        } else if key.eq_ignore_ascii_case("i") {
            event.prevent_default();
            full_instructions_open.set(true);
        } else if command == Some(Command::DeleteSelected) && has_selection.get_untracked() {
            event.prevent_default();
            delete_selected();
        } else if let Some(id) = category_for_hotkey(&hotkey_categories, &key) {
            event.prevent_default();
            choose_category(id);
        }
    });
    on_cleanup(move || hotkeys.remove());

    let image_url = api_url(&task.image_url);
    let upcoming: Vec<String> = session.with_untracked(|s| {
        s.upcoming_tasks()
            .iter()
            .map(|t| api_url(&t.image_url))
            .collect()
    });
    crate::canvas::prefetch(upcoming.iter().map(String::as_str));
    view! {
        <main class="canvas-area">
            <BoxCanvas editor image_url image_filter />
        </main>
        <aside class="sidebar" aria-label="Labels and boxes">
            <Instructions text=instructions open=instructions_open full_open=full_instructions_open />
            <ShortcutHelp open=help_open editor />
            <LabelPicker categories active on_choose=choose_category />
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    on:click=submit
                    aria-describedby="submit-hint"
                >
                    "Submit and next"
                </button>
                <p id="submit-hint" class="hint">
                    "Sends this image's boxes (or none, if it shows nothing to box)."
                </p>
                <ErrorAlert session />
            </div>
            <BoxList rows on_select=select_box on_delete=delete_box on_edit=edit_box />
            <div class="edit-buttons">
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| delete_selected()
                    disabled=move || !has_selection.get()
                >
                    "Delete selected box"
                </button>
                <button
                    type="button"
                    class="secondary"
                    on:click=undo
                    disabled=move || !can_undo.get()
                    title="Undo (Ctrl+Z)"
                >
                    "Undo"
                </button>
                <button
                    type="button"
                    class="secondary"
                    on:click=redo
                    disabled=move || !can_redo.get()
                    title="Redo (Ctrl+Shift+Z)"
                >
                    "Redo"
                </button>
            </div>
            <ViewControls editor display />
            <button
                type="button"
                class="secondary"
                aria-keyshortcuts="?"
                on:click=move |_| help_open.set(true)
            >
                "Keys and shortcuts (?)"
            </button>
        </aside>
    }
}
