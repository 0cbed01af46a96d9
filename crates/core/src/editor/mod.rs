//! The box editor: a state machine driven by pointer, key and wheel [`Input`]s, with no knowledge of the DOM.
//!
//! The app feeds it inputs (see `src/canvas/input.rs`) and paints [`crate::scene::scene`] of it; everything the
//! volunteer can do to boxes happens here and is tested natively with scripted inputs (`tests/`).
//!
//! All boxes are kept in natural image pixels. Screen points are converted with the one [`ViewTransform`] the
//! editor owns, which follows the canvas size ([`Editor::set_viewport`]) until the volunteer zooms or pans.

mod changes;
mod command;
mod exchange;
mod fields;
mod gesture;
mod history;
mod input;
mod key_case;
mod keymap;
mod keys;
mod labels;
mod remap;
#[cfg(test)]
mod tests;
mod touch;
mod verify;
mod view;

use serde::{Deserialize, Serialize};

use crate::coco::CocoCategory;
use crate::geometry::{ImageRect, ImageSize, ScreenPoint, ViewTransform};

pub use changes::{BoxChange, BoxWithOrigin, ChangeKind, SavedVerdict};
pub use command::Command;
pub use fields::BoxField;
pub(crate) use gesture::Gesture;
use history::{Edit, History};
pub use input::{Cursor, Input, Modifiers, PointerButton, Response};
pub use key_case::key_name;
pub use keymap::{command_for, KeyBinding, KEY_BINDINGS};
pub use remap::{Action, Keymap};
pub use touch::{Touch, TouchPhase};

/// A press that moves less than this many CSS pixels (in both axes) before release is a click, not a drag.
pub const DRAG_THRESHOLD_PX: f64 = 4.0;
/// A drawn box narrower or lower than this many CSS pixels is not kept: the drag counts as a click.
pub const MIN_BOX_SCREEN_PX: f64 = 4.0;
/// The smallest width and height, in image pixels, that resizing leaves a box with.
pub const MIN_BOX_IMAGE_PX: f64 = 1.0;
/// How near (CSS pixels, in each axis) the pointer must be to a resize handle to grab it.
pub const HANDLE_TOLERANCE_PX: f64 = 7.0;
/// How far outside a box's border (CSS pixels) a click still selects it, so thin boxes can be clicked.
pub const CLICK_TOLERANCE_PX: f64 = 3.0;
/// Free space around the image when it is fitted to the canvas.
pub const FIT_MARGIN_PX: f64 = 12.0;

/// One drawn box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// Local id, ≥ 1, stable while the editor lives and never reused (not the COCO id sent to the server).
    pub id: u64,
    pub rect: ImageRect,
    pub category_id: u64,
}

/// The editor of one image's boxes. See the module documentation.
#[derive(Clone, Debug)]
pub struct Editor {
    image: ImageSize,
    categories: Vec<CocoCategory>,
    active_category: u64,
    annotations: Vec<Annotation>,
    next_id: u64,
    selected: Option<u64>,
    /// The box that is selected only because it was just drawn (or duplicated): choosing a label then means "the
    /// next box gets this label", so it does not relabel this one. Cleared by selecting on purpose or editing it.
    fresh: Option<u64>,
    history: History,
    /// Bumped on every change to `annotations`, so [`Editor::handle`] can tell whether one happened.
    revision: u64,
    viewport: (f64, f64),
    view: ViewTransform,
    /// True until the volunteer zooms or pans: until then a viewport change refits the image.
    view_follows_viewport: bool,
    gesture: Gesture,
    hover: Option<ScreenPoint>,
    space_held: bool,
    boxes_hidden: bool,
    /// The volunteer's changes to the default keys.
    keymap: Keymap,
    /// The boxes the task came with, to tell what became of them ([`Editor::changes`]).
    given: Vec<changes::GivenBox>,
    /// A verify job's editor: boxes can be looked at, selected and judged, not changed ([`Editor::set_read_only`]).
    read_only: bool,
    /// The fingers on the canvas ([`Input::Touch`]).
    touch: touch::TouchTracker,
}

/// What [`Editor::handle`] compares before and after an input to fill in the [`Response`].
#[derive(PartialEq)]
struct Snapshot {
    revision: u64,
    selected: Option<u64>,
    active_category: u64,
    view: ViewTransform,
    hover: Option<ScreenPoint>,
    gesture: Gesture,
    boxes_hidden: bool,
    space_held: bool,
}

/// What one input handler reports beyond what the snapshot comparison finds.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) consumed: bool,
    pub(crate) announcement: Option<String>,
}

impl Outcome {
    pub(crate) fn consumed() -> Self {
        Outcome {
            consumed: true,
            announcement: None,
        }
    }

    pub(crate) fn ignored() -> Self {
        Outcome::default()
    }

    pub(crate) fn say(mut self, text: impl Into<String>) -> Self {
        self.announcement = Some(text.into());
        self
    }
}

impl Editor {
    /// An editor for an image of `image` natural pixels with the job's labels; new boxes get the first label.
    pub fn new(image: ImageSize, categories: Vec<CocoCategory>) -> Self {
        let active_category = categories.first().map_or(0, |c| c.id);
        Editor {
            image,
            categories,
            active_category,
            annotations: Vec::new(),
            next_id: 1,
            selected: None,
            fresh: None,
            history: History::default(),
            revision: 0,
            viewport: (0.0, 0.0),
            view: ViewTransform::default(),
            view_follows_viewport: true,
            gesture: Gesture::Idle,
            hover: None,
            space_held: false,
            boxes_hidden: false,
            keymap: Keymap::default(),
            given: Vec::new(),
            read_only: false,
            touch: touch::TouchTracker::default(),
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            revision: self.revision,
            selected: self.selected,
            active_category: self.active_category,
            view: self.view,
            hover: self.hover,
            gesture: self.gesture.clone(),
            boxes_hidden: self.boxes_hidden,
            space_held: self.space_held,
        }
    }

    /// Handles one input and says what changed.
    pub fn handle(&mut self, input: Input) -> Response {
        let before = self.snapshot();
        let outcome = match input {
            Input::PointerDown { at, button, mods } => self.pointer_down(at, button, mods),
            Input::PointerMove { at, .. } => self.pointer_move(at),
            Input::PointerUp { at, button, .. } => self.pointer_up(at, button),
            Input::PointerCancel => self.pointer_cancel(),
            Input::PointerLeave => self.pointer_leave(),
            Input::KeyDown { key, mods } => self.key_down(&key, mods),
            Input::KeyUp { key, .. } => self.key_up(&key),
            Input::Wheel { at, delta_y, .. } => self.wheel(at, delta_y),
            Input::Touch(touch) => self.touch(touch),
        };
        let after = self.snapshot();
        Response {
            repaint: before != after,
            annotations_changed: before.revision != after.revision,
            selection_changed: before.selected != after.selected,
            active_category_changed: before.active_category != after.active_category,
            boxes_hidden_changed: before.boxes_hidden != after.boxes_hidden,
            consumed: outcome.consumed,
            cursor: self.cursor(),
            announcement: outcome.announcement,
        }
    }

    /// The boxes in drawing order (later boxes are painted on top).
    pub fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    pub fn annotation(&self, id: u64) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.id == id)
    }

    pub fn image_size(&self) -> ImageSize {
        self.image
    }

    pub fn selected(&self) -> Option<u64> {
        self.selected
    }

    /// Selects the box `id` (or nothing). An id that is not a box selects nothing.
    /// Selecting a box while boxes are hidden shows them again: what is selected can be seen.
    pub fn select(&mut self, id: Option<u64>) {
        self.selected = id.filter(|id| self.annotation(*id).is_some());
        self.fresh = None;
        if self.selected.is_some() {
            self.boxes_hidden = false;
        }
        self.history.close_merge();
    }

    /// Deletes the selected box (undoably); false when nothing was selected.
    pub fn delete_selected(&mut self) -> bool {
        if self.read_only {
            return false;
        }
        let Some(id) = self.selected else {
            return false;
        };
        let Some(index) = self.annotations.iter().position(|a| a.id == id) else {
            return false;
        };
        let annotation = self.annotations[index].clone();
        self.commit(Edit::Remove { index, annotation });
        self.selected = None;
        true
    }

    /// Whether the boxes are hidden (H) to look at the image underneath.
    pub fn boxes_hidden(&self) -> bool {
        self.boxes_hidden
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Undoes the last change to the boxes; returns what was undone ("delete box"), if anything.
    pub fn undo(&mut self) -> Option<&'static str> {
        if self.read_only {
            return None;
        }
        let edit = self.history.take_undo()?;
        let inverse = edit.inverse();
        self.selected = inverse.apply(&mut self.annotations);
        self.fresh = None;
        self.boxes_changed();
        Some(edit.describe())
    }

    /// Redoes the last undone change; returns what was redone, if anything.
    pub fn redo(&mut self) -> Option<&'static str> {
        if self.read_only {
            return None;
        }
        let edit = self.history.take_redo()?;
        self.selected = edit.apply(&mut self.annotations);
        self.fresh = None;
        self.boxes_changed();
        Some(edit.describe())
    }

    /// Where the pointer is over the canvas, when it is.
    pub fn hover(&self) -> Option<ScreenPoint> {
        self.hover
    }

    /// The rectangle to show for box `a`: its stored one, or the live one while it is being moved or resized.
    pub fn displayed_rect(&self, a: &Annotation) -> ImageRect {
        match &self.gesture {
            Gesture::Moving { id, current, .. } | Gesture::Resizing { id, current, .. }
                if *id == a.id =>
            {
                *current
            }
            _ => a.rect,
        }
    }

    /// The box being drawn (already clipped to the image), while a draw drag is in progress.
    pub fn rubber_band(&self) -> Option<ImageRect> {
        match &self.gesture {
            Gesture::Drawing {
                anchor, current, ..
            } => Some(ImageRect::from_corners(*anchor, *current).clip_to(&self.image.bounds())),
            _ => None,
        }
    }

    /// Applies a change to the boxes and records it for undo.
    fn commit(&mut self, edit: Edit) {
        self.fresh = None;
        edit.apply(&mut self.annotations);
        self.history.record(edit);
        self.boxes_changed();
    }

    /// After any change to the boxes: note it, and show the boxes if they were hidden, so no change is unseen.
    fn boxes_changed(&mut self) {
        self.revision += 1;
        self.boxes_hidden = false;
    }

    /// Like [`Editor::commit`], but a run of such changes to one box is one undo step (arrow-key nudges).
    fn commit_merging(&mut self, edit: Edit) {
        self.fresh = None;
        edit.apply(&mut self.annotations);
        self.history.record_merging(edit);
        self.boxes_changed();
    }

    /// Adds a box with a fresh id and selects it; returns the id.
    fn add_box(&mut self, rect: ImageRect, category_id: u64) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let annotation = Annotation {
            id,
            rect,
            category_id,
        };
        self.commit(Edit::Add {
            index: self.annotations.len(),
            annotation,
        });
        self.selected = Some(id);
        self.fresh = Some(id);
        id
    }

    /// "box 2 of 5, cat" — how a box is named to a screen reader (the number is its place in the box list).
    fn describe_box(&self, id: u64) -> String {
        match self.annotations.iter().position(|a| a.id == id) {
            Some(index) => {
                let a = &self.annotations[index];
                let r = a.rect;
                format!(
                    "box {} of {}, {}, x {:.0} y {:.0}, {:.0} by {:.0} pixels",
                    index + 1,
                    self.annotations.len(),
                    self.category_name(a.category_id),
                    r.x,
                    r.y,
                    r.w,
                    r.h
                )
            }
            None => "no box".to_owned(),
        }
    }
}
