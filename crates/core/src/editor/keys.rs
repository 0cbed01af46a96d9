//! The keyboard half of the state machine: runs the [`Command`] a key is bound to.

use super::gesture::translated_within;
use super::history::Edit;
use super::{Annotation, Command, Editor, Gesture, Modifiers, Outcome, MIN_BOX_IMAGE_PX};
use crate::geometry::{ImageRect, ScreenPoint};

/// How far (CSS pixels) a duplicate lands from its original, so it is visibly a second box.
const DUPLICATE_OFFSET_PX: f64 = 12.0;
/// How far (CSS pixels) an arrow key pans when nothing is selected (Shift: 4 times as far).
const ARROW_PAN_PX: f64 = 40.0;

impl Editor {
    pub(crate) fn key_down(&mut self, key: &str, mods: Modifiers) -> Outcome {
        // The app answers its own keys (help, instructions, copying the previous boxes) outside the editor.
        let Some(command) = self
            .keymap
            .command_for(key, mods)
            .filter(|command| !command.is_app_command())
        else {
            return Outcome::ignored();
        };
        if !matches!(command, Command::Move { .. } | Command::MoveEdge { .. }) {
            self.history.close_merge();
        }
        match command {
            Command::PanMode => {
                self.space_held = true;
                return Outcome::consumed();
            }
            Command::Escape => {
                if self.cancel_gesture() {
                    return Outcome::consumed().say("Cancelled");
                }
                if self.selected.is_some() {
                    self.select(None);
                    return Outcome::consumed().say("Selection cleared");
                }
                return Outcome::ignored();
            }
            // Keys other than Space and Escape wait until the drag is over.
            _ if self.gesture != Gesture::Idle => return Outcome::ignored(),
            _ => {}
        }
        self.run(command)
    }

    pub(crate) fn key_up(&mut self, key: &str) -> Outcome {
        if matches!(key, " " | "Spacebar") {
            self.space_held = false;
            Outcome::consumed()
        } else {
            Outcome::ignored()
        }
    }

    /// Runs `command` (from a key, or from a button in the app that calls [`Editor::run_command`]).
    fn run(&mut self, command: Command) -> Outcome {
        if self.read_only && command.changes_boxes(self.selected.is_some()) {
            return Outcome::consumed()
                .say("In this job boxes are accepted or rejected (A or R), not changed");
        }
        match command {
            Command::Accept => self.judge_selected(true),
            Command::Reject => self.judge_selected(false),
            Command::DeleteSelected => match self.selected {
                Some(id) => {
                    let description = self.describe_box(id);
                    self.delete_selected();
                    Outcome::consumed().say(format!("Deleted {description}"))
                }
                None => Outcome::ignored(),
            },
            Command::SelectNext => self.cycle_selection(true),
            Command::SelectPrevious => self.cycle_selection(false),
            Command::Label(index) => match self.categories.get(index).map(|c| c.id) {
                Some(id) => {
                    let relabels = self.relabel_target().is_some_and(|a| a.category_id != id);
                    self.set_active_category(id);
                    let name = self.category_name(id);
                    let text = if relabels {
                        format!("Box relabelled {name}")
                    } else {
                        format!("Label {name}")
                    };
                    Outcome::consumed().say(text)
                }
                None => Outcome::ignored(),
            },
            Command::Duplicate => self.duplicate_selected(),
            Command::NewBox => self.new_box_in_view(),
            Command::Move { dx, dy } => match self.selected_annotation() {
                Some(before) => {
                    let rect = translated_within(&before.rect, dx, dy, &self.image.bounds());
                    self.change_selected(before, rect);
                    Outcome::consumed()
                }
                None => {
                    let step = if dx.abs() > 1.0 || dy.abs() > 1.0 {
                        4.0
                    } else {
                        1.0
                    };
                    self.pan_by(
                        -dx.signum() * ARROW_PAN_PX * step,
                        -dy.signum() * ARROW_PAN_PX * step,
                    );
                    Outcome::consumed()
                }
            },
            Command::MoveEdge { dx, dy } => match self.selected_annotation() {
                Some(before) => {
                    let r = before.rect;
                    let w = (r.w + dx).clamp(MIN_BOX_IMAGE_PX.min(r.w), self.image.width - r.x);
                    let h = (r.h + dy).clamp(MIN_BOX_IMAGE_PX.min(r.h), self.image.height - r.y);
                    self.change_selected(before, ImageRect::new(r.x, r.y, w, h));
                    Outcome::consumed()
                }
                None => Outcome::ignored(),
            },
            Command::Undo => match self.undo() {
                Some(what) => Outcome::consumed().say(format!("Undid {what}")),
                None => Outcome::consumed().say("Nothing to undo"),
            },
            Command::Redo => match self.redo() {
                Some(what) => Outcome::consumed().say(format!("Redid {what}")),
                None => Outcome::consumed().say("Nothing to redo"),
            },
            Command::ZoomIn => self.zoom_step(true),
            Command::ZoomOut => self.zoom_step(false),
            Command::Fit => {
                self.fit();
                Outcome::consumed().say(self.zoom_announcement())
            }
            Command::ToggleBoxes => {
                self.boxes_hidden = !self.boxes_hidden;
                if self.boxes_hidden {
                    self.select(None);
                    Outcome::consumed().say("Boxes hidden; press H to show them")
                } else {
                    Outcome::consumed().say("Boxes shown")
                }
            }
            Command::Escape
            | Command::PanMode
            | Command::KeyHelp
            | Command::Instructions
            | Command::CopyPrevious => Outcome::ignored(),
        }
    }

    /// Runs a command as if its key had been pressed (for buttons and menus outside the canvas).
    pub fn run_command(&mut self, command: Command) -> super::Response {
        let before_selected = self.selected;
        let before_revision = self.revision;
        let before_active = self.active_category;
        let before_hidden = self.boxes_hidden;
        let outcome = self.run(command);
        super::Response {
            repaint: true,
            annotations_changed: before_revision != self.revision,
            selection_changed: before_selected != self.selected,
            active_category_changed: before_active != self.active_category,
            boxes_hidden_changed: before_hidden != self.boxes_hidden,
            consumed: outcome.consumed,
            cursor: self.cursor(),
            announcement: outcome.announcement,
        }
    }

    fn selected_annotation(&self) -> Option<Annotation> {
        self.selected.and_then(|id| self.annotation(id)).cloned()
    }

    /// Gives the selected box a new rectangle as one step of a keyboard run (one undo step per run).
    fn change_selected(&mut self, before: Annotation, rect: ImageRect) {
        if rect != before.rect {
            let after = Annotation {
                rect,
                ..before.clone()
            };
            self.commit_merging(Edit::Change { before, after });
        }
    }

    /// Tab walks through the boxes in drawing order. Past the last box (or before the first, with Shift) the
    /// selection clears and the key is left to the browser, so focus moves on: the canvas is no keyboard trap.
    fn cycle_selection(&mut self, forward: bool) -> Outcome {
        if self.boxes_hidden || self.annotations.is_empty() {
            return Outcome::ignored();
        }
        let count = self.annotations.len();
        let current = self
            .selected
            .and_then(|id| self.annotations.iter().position(|a| a.id == id));
        let next = match (current, forward) {
            (None, true) => Some(0),
            (None, false) => Some(count - 1),
            (Some(i), true) => (i + 1 < count).then_some(i + 1),
            (Some(i), false) => i.checked_sub(1),
        };
        match next {
            Some(index) => {
                let id = self.annotations[index].id;
                self.select(Some(id));
                let description = self.describe_box(id);
                Outcome::consumed().say(format!("Selected {description}"))
            }
            None => {
                self.select(None);
                Outcome::ignored()
            }
        }
    }

    /// A box a quarter the size of the visible part of the image, in its middle, with the active label: the way
    /// to draw with the keyboard alone (arrow keys then move it, Alt+arrow keys size it).
    fn new_box_in_view(&mut self) -> Outcome {
        if self.categories.is_empty() {
            return Outcome::consumed().say("This job has no labels, so no box can be drawn");
        }
        let bounds = self.image.bounds();
        let (w, h) = self.viewport;
        let visible = ImageRect::from_corners(
            self.view.to_image(ScreenPoint::new(0.0, 0.0)),
            self.view.to_image(ScreenPoint::new(w, h)),
        )
        .clip_to(&bounds);
        let area = if visible.w > 0.0 && visible.h > 0.0 {
            visible
        } else {
            bounds
        };
        let size_w = (area.w / 4.0).max(MIN_BOX_IMAGE_PX).min(bounds.w);
        let size_h = (area.h / 4.0).max(MIN_BOX_IMAGE_PX).min(bounds.h);
        let centre = area.center();
        let rect = translated_within(
            &ImageRect::new(
                centre.x - size_w / 2.0,
                centre.y - size_h / 2.0,
                size_w,
                size_h,
            ),
            0.0,
            0.0,
            &bounds,
        );
        let id = self.add_box(rect, self.active_category);
        let description = self.describe_box(id);
        Outcome::consumed().say(format!(
            "Drew {description}. Arrow keys move it, Alt with arrow keys changes its size."
        ))
    }

    fn duplicate_selected(&mut self) -> Outcome {
        let Some(original) = self.selected_annotation() else {
            return Outcome::ignored();
        };
        let bounds = self.image.bounds();
        let offset = self.view.screen_len_to_image(DUPLICATE_OFFSET_PX).max(1.0);
        let mut rect = translated_within(&original.rect, offset, offset, &bounds);
        if rect == original.rect {
            rect = translated_within(&original.rect, -offset, -offset, &bounds);
        }
        let id = self.add_box(rect, original.category_id);
        let description = self.describe_box(id);
        Outcome::consumed().say(format!("Duplicated as {description}"))
    }
}
