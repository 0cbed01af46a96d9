//! Which key does what. [`KEY_BINDINGS`] is the same table in words, for a help panel.

use super::Modifiers;

/// What a key press asks the editor to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    DeleteSelected,
    /// Escape: cancel the drag in progress, else clear the selection.
    Escape,
    SelectNext,
    SelectPrevious,
    /// Number key 1–9: the label at this 0-based place in the job's list.
    Label(usize),
    Duplicate,
    /// A new box in the middle of the view, for drawing without a pointer.
    NewBox,
    /// Move the selected box by this many image pixels (with nothing selected: pan the view).
    Move {
        dx: f64,
        dy: f64,
    },
    /// Move the selected box's right edge by `dx` and its bottom edge by `dy` image pixels.
    MoveEdge {
        dx: f64,
        dy: f64,
    },
    Undo,
    Redo,
    ZoomIn,
    ZoomOut,
    Fit,
    ToggleBoxes,
    /// Space held: a primary drag pans.
    PanMode,
    /// In a verify job: accept the selected given box.
    Accept,
    /// In a verify job: reject the selected given box.
    Reject,
}

impl Command {
    /// Whether running it changes the boxes (with `selection` telling whether a box is selected: the arrow keys
    /// then move it, else they pan).
    pub fn changes_boxes(self, selection: bool) -> bool {
        match self {
            Command::DeleteSelected
            | Command::Label(_)
            | Command::Duplicate
            | Command::NewBox
            | Command::MoveEdge { .. }
            | Command::Undo
            | Command::Redo => true,
            Command::Move { .. } => selection,
            Command::Escape
            | Command::SelectNext
            | Command::SelectPrevious
            | Command::ZoomIn
            | Command::ZoomOut
            | Command::Fit
            | Command::ToggleBoxes
            | Command::PanMode
            | Command::Accept
            | Command::Reject => false,
        }
    }
}

/// The command bound to `key` (a `KeyboardEvent.key`) with `mods`, if any.
pub fn command_for(key: &str, mods: Modifiers) -> Option<Command> {
    let step = if mods.shift { 10.0 } else { 1.0 };
    let lower = key.to_ascii_lowercase();
    if mods.command() && !mods.alt {
        return match lower.as_str() {
            "z" if mods.shift => Some(Command::Redo),
            "z" => Some(Command::Undo),
            "y" => Some(Command::Redo),
            "d" => Some(Command::Duplicate),
            _ => None,
        };
    }
    if mods.alt && !mods.command() {
        return match key {
            "ArrowLeft" => Some(Command::MoveEdge { dx: -step, dy: 0.0 }),
            "ArrowRight" => Some(Command::MoveEdge { dx: step, dy: 0.0 }),
            "ArrowUp" => Some(Command::MoveEdge { dx: 0.0, dy: -step }),
            "ArrowDown" => Some(Command::MoveEdge { dx: 0.0, dy: step }),
            _ => None,
        };
    }
    if !mods.plain_or_shift() {
        return None;
    }
    match key {
        "Delete" | "Backspace" => Some(Command::DeleteSelected),
        "Escape" => Some(Command::Escape),
        "Tab" if mods.shift => Some(Command::SelectPrevious),
        "Tab" => Some(Command::SelectNext),
        "ArrowLeft" => Some(Command::Move { dx: -step, dy: 0.0 }),
        "ArrowRight" => Some(Command::Move { dx: step, dy: 0.0 }),
        "ArrowUp" => Some(Command::Move { dx: 0.0, dy: -step }),
        "ArrowDown" => Some(Command::Move { dx: 0.0, dy: step }),
        "+" | "=" => Some(Command::ZoomIn),
        "-" | "_" => Some(Command::ZoomOut),
        "0" => Some(Command::Fit),
        " " | "Spacebar" => Some(Command::PanMode),
        "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" => {
            key.parse::<usize>().ok().map(|n| Command::Label(n - 1))
        }
        _ => match lower.as_str() {
            "h" => Some(Command::ToggleBoxes),
            "n" => Some(Command::NewBox),
            "a" => Some(Command::Accept),
            "r" => Some(Command::Reject),
            _ => None,
        },
    }
}

/// One line of the key help: which keys, and what they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyBinding {
    pub keys: &'static str,
    pub action: &'static str,
}

/// Every binding of the canvas, in words (Ctrl means Ctrl or ⌘).
pub const KEY_BINDINGS: &[KeyBinding] = &[
    KeyBinding {
        keys: "Drag",
        action: "Draw a box with the active label (also inside another box)",
    },
    KeyBinding {
        keys: "Click",
        action: "Select the smallest box under the pointer; on empty space, select nothing",
    },
    KeyBinding {
        keys: "Drag inside the selected box",
        action: "Move it",
    },
    KeyBinding {
        keys: "Drag a handle of the selected box",
        action: "Resize it",
    },
    KeyBinding {
        keys: "Tab / Shift+Tab",
        action: "Select the next / previous box (past the last, focus leaves the canvas)",
    },
    KeyBinding {
        keys: "1–9",
        action: "Choose the label for new boxes; also relabels a box you selected (click, Tab, box list) or \
                 edited. The box you just drew keeps its label: click it first to relabel it",
    },
    KeyBinding {
        keys: "Arrow keys",
        action: "Move the selected box 1 pixel (Shift: 10); with nothing selected, pan",
    },
    KeyBinding {
        keys: "Alt+← / Alt+→",
        action: "Move the selected box's right edge (Shift: 10 pixels)",
    },
    KeyBinding {
        keys: "Alt+↑ / Alt+↓",
        action: "Move the selected box's bottom edge (Shift: 10 pixels)",
    },
    KeyBinding {
        keys: "N",
        action: "New box in the middle of the view (move it with the arrow keys, size it with Alt+arrows)",
    },
    KeyBinding {
        keys: "Delete / Backspace",
        action: "Delete the selected box",
    },
    KeyBinding {
        keys: "A / R",
        action: "In a verify job: accept / reject the selected box (then the next box is selected)",
    },
    KeyBinding {
        keys: "Ctrl+D",
        action: "Duplicate the selected box",
    },
    KeyBinding {
        keys: "Ctrl+Z",
        action: "Undo",
    },
    KeyBinding {
        keys: "Ctrl+Shift+Z / Ctrl+Y",
        action: "Redo",
    },
    KeyBinding {
        keys: "Escape",
        action: "Cancel the drag, or clear the selection",
    },
    KeyBinding {
        keys: "Wheel / + / -",
        action: "Zoom in or out about the pointer",
    },
    KeyBinding {
        keys: "Space+drag / middle drag",
        action: "Pan",
    },
    KeyBinding {
        keys: "0",
        action: "Fit the image to the canvas",
    },
    KeyBinding {
        keys: "H",
        action: "Hide or show all boxes",
    },
];
