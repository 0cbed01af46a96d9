//! Which key does what: [`KEY_BINDINGS`] is the one table. Each line of the key help names the rows that make
//! it true, so the editor's key handling ([`command_for`]), the keys the app answers outside the canvas, the
//! remappable actions' default keys and their conflict checks ([`super::Keymap`]) and the help panel all read the
//! same rows.

use super::{Command, Modifiers};

/// Which modifiers a row asks for. Ctrl and ⌘ are the same ("Ctrl" in the help).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mods {
    /// None, or Shift alone (for the arrows' larger step and for keys typed with Shift, such as `?`).
    Plain,
    /// Shift alone.
    Shift,
    /// Ctrl, with or without Shift, without Alt.
    Ctrl,
    /// Ctrl and Shift, without Alt.
    CtrlShift,
    /// Alt, with or without Shift, without Ctrl.
    Alt,
}

impl Mods {
    fn accept(self, mods: Modifiers) -> bool {
        match self {
            Mods::Plain => mods.plain_or_shift(),
            Mods::Shift => mods.plain_or_shift() && mods.shift,
            Mods::Ctrl => mods.command() && !mods.alt,
            Mods::CtrlShift => mods.command() && !mods.alt && mods.shift,
            Mods::Alt => mods.alt && !mods.command(),
        }
    }
}

/// What a row runs. Moves take their step from Shift; a digit picks the label at its place.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Bound {
    Run(Command),
    Move(f64, f64),
    MoveEdge(f64, f64),
    Label,
}

impl Bound {
    fn command(self, key: &str, mods: Modifiers) -> Option<Command> {
        let step = if mods.shift { 10.0 } else { 1.0 };
        Some(match self {
            Bound::Run(command) => command,
            Bound::Move(x, y) => Command::Move {
                dx: x * step,
                dy: y * step,
            },
            Bound::MoveEdge(x, y) => Command::MoveEdge {
                dx: x * step,
                dy: y * step,
            },
            Bound::Label => Command::Label(key.parse::<usize>().ok()?.checked_sub(1)?),
        })
    }
}

/// Keys (as `KeyboardEvent.key`; one-character keys compare without case), the modifiers they need, and what
/// they run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeyRow {
    keys: &'static [&'static str],
    mods: Mods,
    bound: Bound,
}

const fn row(keys: &'static [&'static str], mods: Mods, bound: Bound) -> KeyRow {
    KeyRow { keys, mods, bound }
}

const fn run(keys: &'static [&'static str], command: Command) -> KeyRow {
    row(keys, Mods::Plain, Bound::Run(command))
}

pub(crate) use super::key_case::normalise;

/// One line of the key help (which keys, what they do) and the rows that make it so; pointer gestures have no
/// rows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeyBinding {
    pub keys: &'static str,
    pub action: &'static str,
    rows: &'static [KeyRow],
}

impl KeyBinding {
    /// Whether the app answers these keys outside the canvas (anywhere but in a text field).
    pub fn anywhere(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.bound, Bound::Run(c) if c.is_app_command()))
    }
}

const fn line(keys: &'static str, action: &'static str, rows: &'static [KeyRow]) -> KeyBinding {
    KeyBinding { keys, action, rows }
}

/// Every key and gesture, in the order the help shows them (Ctrl means Ctrl or ⌘). The first row that takes a
/// key with its modifiers wins.
pub const KEY_BINDINGS: &[KeyBinding] = &[
    line("Drag", "Draw a box with the active label (also inside another box)", &[]),
    line(
        "Click",
        "Select the smallest box under the pointer; on empty space, select nothing",
        &[],
    ),
    line("Drag inside the selected box", "Move it", &[]),
    line("Drag a handle of the selected box", "Resize it", &[]),
    line(
        "Tab / Shift+Tab",
        "Select the next / previous box (past the last, focus leaves the canvas)",
        &[
            row(&["Tab"], Mods::Shift, Bound::Run(Command::SelectPrevious)),
            run(&["Tab"], Command::SelectNext),
        ],
    ),
    line(
        "1–9",
        "Choose the label for new boxes; also relabels a box you selected (click, Tab, box list) or \
         edited. The box you just drew keeps its label: click it first to relabel it",
        &[row(
            &["1", "2", "3", "4", "5", "6", "7", "8", "9"],
            Mods::Plain,
            Bound::Label,
        )],
    ),
    line(
        "Arrow keys",
        "Move the selected box 1 pixel (Shift: 10); with nothing selected, pan",
        &[
            row(&["ArrowLeft"], Mods::Plain, Bound::Move(-1.0, 0.0)),
            row(&["ArrowRight"], Mods::Plain, Bound::Move(1.0, 0.0)),
            row(&["ArrowUp"], Mods::Plain, Bound::Move(0.0, -1.0)),
            row(&["ArrowDown"], Mods::Plain, Bound::Move(0.0, 1.0)),
        ],
    ),
    line(
        "Alt+← / Alt+→",
        "Move the selected box's right edge (Shift: 10 pixels)",
        &[
            row(&["ArrowLeft"], Mods::Alt, Bound::MoveEdge(-1.0, 0.0)),
            row(&["ArrowRight"], Mods::Alt, Bound::MoveEdge(1.0, 0.0)),
        ],
    ),
    line(
        "Alt+↑ / Alt+↓",
        "Move the selected box's bottom edge (Shift: 10 pixels)",
        &[
            row(&["ArrowUp"], Mods::Alt, Bound::MoveEdge(0.0, -1.0)),
            row(&["ArrowDown"], Mods::Alt, Bound::MoveEdge(0.0, 1.0)),
        ],
    ),
    line(
        "N",
        "New box in the middle of the view (move it with the arrow keys, size it with Alt+arrows)",
        &[run(&["n"], Command::NewBox)],
    ),
    line(
        "Delete / Backspace",
        "Delete the selected box",
        &[run(&["Delete", "Backspace"], Command::DeleteSelected)],
    ),
    line(
        "A / R",
        "In a verify job: accept / reject the selected box (then the next box is selected)",
        &[run(&["a"], Command::Accept), run(&["r"], Command::Reject)],
    ),
    line(
        "Ctrl+D",
        "Duplicate the selected box",
        &[row(&["d"], Mods::Ctrl, Bound::Run(Command::Duplicate))],
    ),
    line(
        "Ctrl+Z",
        "Undo",
        &[
            row(&["z"], Mods::CtrlShift, Bound::Run(Command::Redo)),
            row(&["z"], Mods::Ctrl, Bound::Run(Command::Undo)),
        ],
    ),
    line(
        "Ctrl+Shift+Z / Ctrl+Y",
        "Redo",
        &[row(&["y"], Mods::Ctrl, Bound::Run(Command::Redo))],
    ),
    line(
        "Escape",
        "Cancel the drag, or clear the selection",
        &[run(&["Escape"], Command::Escape)],
    ),
    line(
        "Wheel / + / -",
        "Zoom in or out about the pointer",
        &[
            run(&["+", "="], Command::ZoomIn),
            run(&["-", "_"], Command::ZoomOut),
        ],
    ),
    line(
        "Space+drag / middle drag",
        "Pan",
        &[run(&[" ", "Spacebar"], Command::PanMode)],
    ),
    line("0", "Fit the image to the canvas", &[run(&["0"], Command::Fit)]),
    line("H", "Hide or show all boxes", &[run(&["h"], Command::ToggleBoxes)]),
    line("?", "opens the key help", &[run(&["?"], Command::KeyHelp)]),
    line("I", "opens the full instructions", &[run(&["i"], Command::Instructions)]),
    line(
        "C",
        "copies the previous image's boxes (in jobs that allow it)",
        &[run(&["c"], Command::CopyPrevious)],
    ),
];

fn rows() -> impl Iterator<Item = &'static KeyRow> {
    KEY_BINDINGS.iter().flat_map(|line| line.rows.iter())
}

/// The command bound to `key` (a `KeyboardEvent.key`) with `mods`, if any.
pub fn command_for(key: &str, mods: Modifiers) -> Option<Command> {
    let key = normalise(key);
    rows()
        .find(|r| r.mods.accept(mods) && r.keys.iter().any(|k| normalise(k) == key))
        .and_then(|r| r.bound.command(&key, mods))
}

/// The keys that run `command` without modifiers (Shift aside), the first being the one to show; empty when no
/// plain key runs it.
pub fn plain_keys(command: Command) -> &'static [&'static str] {
    rows()
        .find(|r| r.mods == Mods::Plain && r.bound == Bound::Run(command))
        .map_or(&[], |r| r.keys)
}

/// The help line a plain key belongs to, if it does anything.
pub fn binding_of(key: &str) -> Option<&'static KeyBinding> {
    let key = normalise(key);
    KEY_BINDINGS.iter().find(|line| {
        line.rows
            .iter()
            .any(|r| r.mods == Mods::Plain && r.keys.iter().any(|k| normalise(k) == key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_MODS: [Modifiers; 6] = [
        Modifiers::NONE,
        Modifiers::SHIFT,
        Modifiers::CTRL,
        Modifiers::ALT,
        Modifiers {
            shift: true,
            ctrl: true,
            alt: false,
            meta: false,
        },
        Modifiers {
            shift: true,
            ctrl: false,
            alt: true,
            meta: false,
        },
    ];

    #[test]
    fn no_key_is_taken_by_two_rows_so_the_order_of_the_table_hides_nothing() {
        for mods in ALL_MODS {
            let mut seen: Vec<String> = Vec::new();
            for row in rows().filter(|r| r.mods.accept(mods)) {
                for key in row.keys {
                    let key = normalise(key);
                    // Tab and Ctrl+Z are written as their Shift row first, then the row without Shift.
                    let shift_pair = mods.shift && matches!(key.as_str(), "tab" | "Tab" | "z");
                    assert!(
                        !seen.contains(&key) || shift_pair,
                        "{key:?} with {mods:?} is in two rows"
                    );
                    seen.push(key);
                }
            }
        }
    }

    #[test]
    fn every_key_row_runs_something_and_sits_on_a_line_the_help_shows() {
        for line in KEY_BINDINGS {
            assert!(!line.keys.is_empty() && !line.action.is_empty());
            for row in line.rows {
                let key = row.keys[0];
                let mods = ALL_MODS.into_iter().find(|m| row.mods.accept(*m)).unwrap();
                assert!(
                    command_for(key, mods).is_some(),
                    "{key:?} on the line {:?} runs nothing",
                    line.keys
                );
            }
        }
    }

    #[test]
    fn the_apps_own_keys_come_from_the_table_and_are_marked_as_working_anywhere() {
        assert_eq!(command_for("?", Modifiers::SHIFT), Some(Command::KeyHelp));
        assert_eq!(
            command_for("I", Modifiers::SHIFT),
            Some(Command::Instructions)
        );
        assert_eq!(
            command_for("c", Modifiers::NONE),
            Some(Command::CopyPrevious)
        );
        assert_eq!(command_for("c", Modifiers::CTRL), None);
        let anywhere: Vec<&str> = KEY_BINDINGS
            .iter()
            .filter(|l| l.anywhere())
            .map(|l| l.keys)
            .collect();
        assert_eq!(anywhere, ["?", "I", "C"]);
    }

    #[test]
    fn steps_and_labels_come_from_the_key_and_shift() {
        assert_eq!(
            command_for("ArrowLeft", Modifiers::SHIFT),
            Some(Command::Move { dx: -10.0, dy: 0.0 })
        );
        assert_eq!(
            command_for("ArrowDown", Modifiers::ALT),
            Some(Command::MoveEdge { dx: 0.0, dy: 1.0 })
        );
        assert_eq!(command_for("3", Modifiers::NONE), Some(Command::Label(2)));
        assert_eq!(command_for("Z", Modifiers::CTRL), Some(Command::Undo));
        assert_eq!(
            command_for("Z", ALL_MODS[4]),
            Some(Command::Redo),
            "Ctrl+Shift+Z"
        );
        assert_eq!(plain_keys(Command::ZoomIn), ["+", "="]);
        assert_eq!(plain_keys(Command::Undo), [] as [&str; 0]);
    }
}
