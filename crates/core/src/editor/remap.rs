//! Shortcuts the volunteer can move to other keys. A [`Keymap`] holds only the changes from the defaults in
//! [`command_for`]; the app keeps it in the browser and hands it to [`Editor::set_keymap`].

use serde::{Deserialize, Serialize};

use super::keymap::{binding_of, normalise, plain_keys};
use super::{command_for, Command, Editor, Modifiers};

/// An editor action that can be moved to another key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NewBox,
    DeleteSelected,
    ToggleBoxes,
    ZoomIn,
    ZoomOut,
    Fit,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::NewBox,
        Action::DeleteSelected,
        Action::ToggleBoxes,
        Action::ZoomIn,
        Action::ZoomOut,
        Action::Fit,
    ];

    pub fn command(self) -> Command {
        match self {
            Action::NewBox => Command::NewBox,
            Action::DeleteSelected => Command::DeleteSelected,
            Action::ToggleBoxes => Command::ToggleBoxes,
            Action::ZoomIn => Command::ZoomIn,
            Action::ZoomOut => Command::ZoomOut,
            Action::Fit => Command::Fit,
        }
    }

    /// What it does, for the settings panel.
    pub fn describe(self) -> &'static str {
        match self {
            Action::NewBox => "New box in the middle of the view",
            Action::DeleteSelected => "Delete the selected box",
            Action::ToggleBoxes => "Hide or show all boxes",
            Action::ZoomIn => "Zoom in",
            Action::ZoomOut => "Zoom out",
            Action::Fit => "Fit the image to the canvas",
        }
    }

    /// The keys it has by default, from the key table (the first is the one shown).
    pub fn default_keys(self) -> &'static [&'static str] {
        plain_keys(self.command())
    }
}

/// Keys no action may take: they move focus or end things, and a volunteer would be stuck without them.
const UNBINDABLE: &[&str] = &[
    "Tab", "Escape", "Enter", " ", "Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock",
];

/// The volunteer's changes to the default keys.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Keymap {
    overrides: Vec<(Action, String)>,
}

impl Keymap {
    /// The key shown for `action`: the volunteer's choice, or its first default key.
    pub fn key_for(&self, action: Action) -> String {
        self.overrides
            .iter()
            .find(|(a, _)| *a == action)
            .map_or_else(|| action.default_keys()[0].to_owned(), |(_, k)| k.clone())
    }

    /// The command bound to `key` with `mods`: a moved action's new key runs it, its old default keys do nothing,
    /// and every other key does what [`command_for`] says.
    pub fn command_for(&self, key: &str, mods: Modifiers) -> Option<Command> {
        if mods.plain_or_shift() {
            let key = normalise(key);
            if let Some((action, _)) = self.overrides.iter().find(|(_, k)| *k == key) {
                return Some(action.command());
            }
            let freed = self
                .overrides
                .iter()
                .any(|(a, _)| a.default_keys().iter().any(|d| normalise(d) == key));
            if freed {
                return None;
            }
        }
        command_for(key, mods)
    }

    /// Moves `action` to `key`. Refused, with a sentence saying why, when the key already does something else
    /// (then nothing changes).
    pub fn bind(&mut self, action: Action, key: &str) -> Result<(), String> {
        if key.is_empty() || UNBINDABLE.contains(&key) {
            return Err(format!(
                "{} cannot be used: it is needed to move around the page.",
                if key == " " { "Space" } else { key }
            ));
        }
        let key = normalise(key);
        match self.command_for(&key, Modifiers::NONE) {
            Some(command) if command.is_app_command() => {
                let does = binding_of(&key).map_or("does something else", |b| b.action);
                return Err(format!("{key} already {does}."));
            }
            Some(command) if command != action.command() => {
                let other = Action::ALL
                    .iter()
                    .find(|a| a.command() == command)
                    .map_or("is already used by another shortcut", |a| a.describe());
                return Err(format!("{key} is already taken: {other}."));
            }
            _ => {}
        }
        self.overrides.retain(|(a, _)| *a != action);
        if !action.default_keys().iter().any(|d| normalise(d) == key) {
            self.overrides.push((action, key));
        }
        Ok(())
    }

    /// Back to the default keys.
    pub fn reset(&mut self) {
        self.overrides.clear();
    }

    pub fn is_default(&self) -> bool {
        self.overrides.is_empty()
    }
}

impl Editor {
    /// Uses the volunteer's keys from now on.
    pub fn set_keymap(&mut self, keymap: Keymap) {
        self.keymap = keymap;
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }
}
