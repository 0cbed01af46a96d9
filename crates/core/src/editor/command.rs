//! The editor's commands: what a key press asks for, whichever key it was (`keymap.rs` says which key runs which).

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
    /// Open the key help (the app answers it, anywhere but in a text field).
    KeyHelp,
    /// Open the full instructions (the app answers it).
    Instructions,
    /// Copy the previous image's boxes, in jobs that allow it (the app answers it).
    CopyPrevious,
}

impl Command {
    /// Whether the app answers it rather than the editor (it works wherever focus is, but in a text field).
    pub fn is_app_command(self) -> bool {
        matches!(
            self,
            Command::KeyHelp | Command::Instructions | Command::CopyPrevious
        )
    }

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
            | Command::Reject
            | Command::KeyHelp
            | Command::Instructions
            | Command::CopyPrevious => false,
        }
    }
}
