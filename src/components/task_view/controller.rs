//! The task on screen's logic, in one small struct (Leptos todomvc's style: state in signals, logic in `impl`):
//! the editor set up for the task, what each button and key does, and sending the answer. The views around it
//! only show its signals and call its methods.

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::coco::CocoImage;
use crowdbox_core::editor::{BoxField, Command, Editor, Modifiers};
use crowdbox_core::geometry::{ImageRect, ImageSize};
use crowdbox_core::wire::{Outcome, Task};
use crowdbox_core::worker::{answer, not_ready, Event, Session};
use leptos::prelude::*;

use super::PreviousBoxes;
use crate::components::keys::typed_into_text_field;
use crate::components::shortcut_help::load_keymap;
use crate::outbox_driver::Driver;
use crate::strings::Wording;
use crate::work_source::WorkSource;

/// One task's controller. Cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub struct TaskController {
    pub editor: RwSignal<Editor>,
    session: RwSignal<Session>,
    source: WorkSource,
    driver: Option<Driver>,
    /// The page's words, for what the controller announces.
    pub words: Wording,
    previous_boxes: PreviousBoxes,
    /// The task's image and the job's labels (one stored value: each stored type adds to the wasm).
    task: StoredValue<(CocoImage, Vec<CocoCategory>)>,
    /// A verify job: boxes are judged, not drawn.
    pub verify: bool,
    /// Whether the previous image's boxes may be copied (C).
    pub allow_carry: bool,
    pub unsure: RwSignal<bool>,
    pub note: RwSignal<String>,
    /// Why the last send did not go (a verify job's boxes without a verdict).
    pub send_error: RwSignal<Option<String>>,
    pub help_open: RwSignal<bool>,
    pub full_instructions_open: RwSignal<bool>,
}

impl TaskController {
    /// The editor for `task`: its given boxes, the label last used, its draft (restored and kept), the host
    /// watching it when embedded, and the volunteer's keys.
    pub fn new(
        session: RwSignal<Session>,
        task: &Task,
        preferred_category: RwSignal<Option<u64>>,
        previous_boxes: PreviousBoxes,
    ) -> Self {
        let source = WorkSource::current();
        let (categories, verify, allow_carry) = session.with_untracked(|s| {
            let verify = s.mode() == crowdbox_core::wire::TaskMode::Verify;
            (
                s.categories().to_vec(),
                verify,
                s.allow_carry_forward() && !verify,
            )
        });
        let mut initial = Editor::new(
            ImageSize::new(f64::from(task.image.width), f64::from(task.image.height)),
            categories.clone(),
        );
        // Boxes proposed in advance (imported pre-annotations) are the starting point, to correct rather than
        // redraw. They are remembered by their ids, so the editor can tell what became of each
        // (`Editor::changes`).
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
        // A saved draft of this task (after a reload or a crash) replaces the starting boxes; every change is
        // saved.
        crate::drafts::keep_draft(session, task, editor);
        // Embedded: the host page hears about every change of the boxes.
        #[cfg(feature = "embed")]
        if let WorkSource::Embedded(embed) = source {
            embed.watch_editor(task, editor);
        }
        // After the draft: a restored draft is a fresh editor, and the volunteer's keys apply to it too.
        editor.update_untracked(|e| e.set_keymap(load_keymap()));
        // The next task starts with the label in use now, however it was chosen (radio, number key, canvas).
        Effect::new(move |_| preferred_category.set(Some(editor.with(Editor::active_category))));
        Self {
            editor,
            session,
            source,
            driver: use_context::<Driver>(),
            words: Wording::current(),
            previous_boxes,
            task: StoredValue::new((task.image.clone(), categories)),
            verify,
            allow_carry,
            unsure: RwSignal::new(false),
            note: RwSignal::new(String::new()),
            send_error: RwSignal::new(None),
            help_open: RwSignal::new(false),
            full_instructions_open: RwSignal::new(false),
        }
    }

    /// The boxes of the image submitted last.
    pub fn previous_boxes(self) -> PreviousBoxes {
        self.previous_boxes
    }

    pub fn categories(self) -> Vec<CocoCategory> {
        self.task.with_value(|(_, categories)| categories.clone())
    }

    fn announce(self, text: String) {
        self.session.update(|s| {
            s.apply(Event::Announced(text));
        });
    }

    /// The editor decides whether choosing a label also relabels the selected box (not one just drawn).
    pub fn choose_category(self, id: u64) {
        self.editor.update(|e| e.set_active_category(id));
    }

    pub fn select_box(self, id: u64) {
        self.editor.update(|e| e.select(Some(id)));
    }

    /// A number typed into the selected box's fields: its new rectangle, or why not.
    pub fn edit_box(self, id: u64, field: BoxField, text: &str) -> Result<ImageRect, String> {
        self.editor
            .try_update(|e| e.set_box_field(id, field, text))
            .unwrap_or_else(|| Err("The editor is gone.".to_owned()))
    }

    pub fn delete_box(self, id: u64) {
        self.editor.update(|e| {
            e.select(Some(id));
            e.delete_selected();
        });
    }

    pub fn delete_selected(self) {
        self.editor.update(|e| {
            e.delete_selected();
        });
    }

    pub fn undo(self) {
        if let Some(what) = self.editor.try_update(Editor::undo).flatten() {
            self.announce(self.words.fill("undid", &[("what", what)]));
        }
    }

    pub fn redo(self) {
        if let Some(what) = self.editor.try_update(Editor::redo).flatten() {
            self.announce(self.words.fill("redid", &[("what", what)]));
        }
    }

    pub fn set_verdict(self, id: u64, accepted: bool) {
        self.editor.update(|e| {
            e.select(Some(id));
            e.set_verdict(id, accepted);
        });
    }

    pub fn set_reason(self, id: u64, reason: &str) {
        self.editor.update(|e| e.set_verdict_reason(id, reason));
    }

    /// Sends the answer with `outcome` (unless it is not ready: then says why), remembers its boxes for the next
    /// image, and submits it through the work source.
    pub fn send(self, outcome: Outcome) {
        if let Some(why) = self.editor.with_untracked(|e| not_ready(e, outcome)) {
            self.send_error.set(Some(why));
            return;
        }
        let task_answer = self.task.with_value(|(image, _)| {
            self.editor
                .with_untracked(|e| answer(e, image, outcome, &self.note.get_untracked()))
        });
        self.previous_boxes.set(
            task_answer
                .result
                .annotations
                .iter()
                .map(|a| (ImageRect::from_coco(a.bbox), a.category_id))
                .collect(),
        );
        if let Some(driver) = self.driver {
            self.source.submit(self.session, driver, task_answer);
        }
    }

    /// "Submit and next": the boxes as they are, or marked unsure.
    pub fn submit(self) {
        self.send(if self.unsure.get_untracked() {
            Outcome::Unsure
        } else {
            Outcome::Boxed
        });
    }

    /// Copies the previous image's boxes onto this one, and says how many.
    pub fn carry_forward(self) {
        let boxes = self.previous_boxes.get_untracked();
        let copied = self
            .editor
            .try_update(|e| e.carry_forward(&boxes))
            .unwrap_or(0);
        self.announce(match copied {
            0 => self.words.text("copied_none"),
            1 => self.words.text("copied_one"),
            n => self.words.fill("copied_many", &[("n", &n.to_string())]),
        });
    }

    /// Number keys pick labels, Delete deletes the selected box, ? opens the key help, I the instructions and C
    /// copies the previous image's boxes, wherever focus is, except while typing into a field or in a dialog.
    /// When the canvas has focus its own key handling comes first and marks the event as handled.
    pub fn on_key(self, event: &web_sys::KeyboardEvent) {
        if event.ctrl_key() || event.alt_key() || event.meta_key() || event.default_prevented() {
            return;
        }
        if typed_into_text_field(event)
            || self.help_open.get_untracked()
            || self.full_instructions_open.get_untracked()
        {
            return;
        }
        let key = event.key();
        let command = self
            .editor
            .with_untracked(|e| e.keymap().command_for(&key, Modifiers::NONE));
        match command {
            Some(Command::KeyHelp) => {
                event.prevent_default();
                self.help_open.set(true);
            }
            Some(Command::Instructions) => {
                event.prevent_default();
                self.full_instructions_open.set(true);
            }
            Some(Command::CopyPrevious) if self.allow_carry => {
                event.prevent_default();
                self.carry_forward();
            }
            // Labels and deleting do not apply when boxes are only judged.
            _ if self.verify => {}
            Some(Command::DeleteSelected)
                if self.editor.with_untracked(|e| e.selected().is_some()) =>
            {
                event.prevent_default();
                self.delete_selected();
            }
            Some(Command::Label(index)) => {
                let id = self.task.with_value(|(_, c)| c.get(index).map(|c| c.id));
                if let Some(id) = id {
                    event.prevent_default();
                    self.choose_category(id);
                }
            }
            _ => {}
        }
    }
}
