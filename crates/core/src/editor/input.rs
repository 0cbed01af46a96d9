//! What the editor is told (pointer, key and wheel inputs, already in CSS pixels) and what it answers.
//!
//! The app's `src/canvas/input.rs` is the only place that turns browser events into these values, so every
//! behaviour of the editor can be driven and tested natively from a script of [`Input`]s.

use super::Touch;
use crate::geometry::ScreenPoint;

/// Which modifier keys were held when an input happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    pub shift: bool,
    pub ctrl: bool,
    pub alt: bool,
    pub meta: bool,
}

impl Modifiers {
    pub const NONE: Modifiers = Modifiers {
        shift: false,
        ctrl: false,
        alt: false,
        meta: false,
    };
    pub const SHIFT: Modifiers = Modifiers {
        shift: true,
        ..Modifiers::NONE
    };
    pub const CTRL: Modifiers = Modifiers {
        ctrl: true,
        ..Modifiers::NONE
    };
    pub const ALT: Modifiers = Modifiers {
        alt: true,
        ..Modifiers::NONE
    };

    /// The platform's command modifier: Ctrl on Windows and Linux, ⌘ (meta) on macOS. Shortcuts accept either.
    pub fn command(&self) -> bool {
        self.ctrl || self.meta
    }

    /// Whether no modifier other than Shift is held (Shift changes step sizes but not what a key means).
    pub fn plain_or_shift(&self) -> bool {
        !self.ctrl && !self.alt && !self.meta
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerButton {
    Primary,
    Middle,
    Secondary,
}

/// One input event. Points are CSS pixels relative to the canvas's top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    PointerDown {
        at: ScreenPoint,
        button: PointerButton,
        mods: Modifiers,
    },
    PointerMove {
        at: ScreenPoint,
        mods: Modifiers,
    },
    PointerUp {
        at: ScreenPoint,
        button: PointerButton,
        mods: Modifiers,
    },
    /// The browser took the pointer away (`pointercancel`, lost capture): whatever the drag was doing is undone.
    PointerCancel,
    /// The pointer left the canvas without a drag in progress: hide the crosshair and the readout.
    PointerLeave,
    KeyDown {
        /// `KeyboardEvent.key`, e.g. `"Delete"`, `"z"`, `"ArrowLeft"`, `" "`.
        key: String,
        mods: Modifiers,
    },
    KeyUp {
        key: String,
        mods: Modifiers,
    },
    /// A wheel turn; `delta_y` in CSS pixels (positive = away from the user = zoom out).
    Wheel {
        at: ScreenPoint,
        delta_y: f64,
        mods: Modifiers,
    },
    /// One finger on a touch screen (see `touch.rs`): one finger is the pointer, two pinch and pan.
    Touch(Touch),
}

/// The mouse cursor the canvas should show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cursor {
    #[default]
    Default,
    /// Over the image: a press starts a new box.
    Crosshair,
    /// Inside the selected box: a drag moves it.
    Move,
    /// Space is held: a drag pans.
    Grab,
    Grabbing,
    /// Over a top or bottom edge handle.
    ResizeNorthSouth,
    /// Over a left or right edge handle.
    ResizeEastWest,
    /// Over the top-left or bottom-right handle.
    ResizeNorthWestSouthEast,
    /// Over the top-right or bottom-left handle.
    ResizeNorthEastSouthWest,
}

impl Cursor {
    /// The CSS `cursor` value.
    pub fn css(self) -> &'static str {
        match self {
            Cursor::Default => "default",
            Cursor::Crosshair => "crosshair",
            Cursor::Move => "move",
            Cursor::Grab => "grab",
            Cursor::Grabbing => "grabbing",
            Cursor::ResizeNorthSouth => "ns-resize",
            Cursor::ResizeEastWest => "ew-resize",
            Cursor::ResizeNorthWestSouthEast => "nwse-resize",
            Cursor::ResizeNorthEastSouthWest => "nesw-resize",
        }
    }
}

/// What handling one input did, so the caller knows what to redo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    /// The picture changed: paint again (at the next animation frame).
    pub repaint: bool,
    /// Boxes were added, removed, moved, resized or relabelled.
    pub annotations_changed: bool,
    pub selection_changed: bool,
    /// The label that new boxes get changed.
    pub active_category_changed: bool,
    /// All boxes were hidden or shown again (H).
    pub boxes_hidden_changed: bool,
    /// The editor acted on the input: the caller should `preventDefault()` it.
    pub consumed: bool,
    pub cursor: Cursor,
    /// A sentence for an ARIA live region, when something happened that is not otherwise visible to a screen
    /// reader (a box drawn, selected, deleted, an undo, a zoom).
    pub announcement: Option<String>,
}

impl Response {
    /// Whether state that views outside the canvas show (the box list, the label picker, the hide button)
    /// changed.
    pub fn changed_shared_state(&self) -> bool {
        self.annotations_changed
            || self.selection_changed
            || self.active_category_changed
            || self.boxes_hidden_changed
    }
}
