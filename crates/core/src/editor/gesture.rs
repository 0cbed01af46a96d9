//! The pointer half of the state machine: press, drag and release draw, move, resize and pan; a press that
//! hardly moves is a click that selects.
//!
//! ```text
//! Idle ──primary down──▶ Pressed ──moves ≥ threshold──▶ Drawing | Moving | Resizing ──up──▶ Idle (box kept)
//!   │                      └──up──▶ Idle (click: select the smallest box under the point, or nothing)
//!   └──middle down, or primary down with Space held──▶ Panning ──up──▶ Idle
//! Escape or PointerCancel from any state ▶ Idle, with nothing changed.
//! ```

use super::{
    Editor, Outcome, CLICK_TOLERANCE_PX, DRAG_THRESHOLD_PX, HANDLE_TOLERANCE_PX, MIN_BOX_IMAGE_PX,
    MIN_BOX_SCREEN_PX,
};
use crate::editor::history::Edit;
use crate::editor::{Cursor, Modifiers, PointerButton};
use crate::geometry::{ImagePoint, ImageRect, ScreenPoint};
use crate::hit::{box_at, handle_at, Handle};

/// What the pointer is doing.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Gesture {
    Idle,
    /// The primary button is down but has not moved far enough to be a drag; `target` is what a drag would do.
    Pressed {
        press: ScreenPoint,
        target: PressTarget,
    },
    /// Drawing a new box from `anchor` to `current` (image pixels, not yet clipped to the image).
    Drawing {
        press: ScreenPoint,
        anchor: ImagePoint,
        current: ImagePoint,
    },
    /// Moving box `id`; `current` is where it is shown, committed on release.
    Moving {
        id: u64,
        press: ImagePoint,
        start: ImageRect,
        current: ImageRect,
    },
    Resizing {
        id: u64,
        handle: Handle,
        press: ImagePoint,
        start: ImageRect,
        current: ImageRect,
    },
    Panning {
        button: PointerButton,
        last: ScreenPoint,
    },
}

/// What a drag from the pressed point would do.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PressTarget {
    Draw,
    /// In a read-only editor (verify jobs): a click selects, a drag pans.
    Inspect,
    Move {
        id: u64,
        start: ImageRect,
    },
    Resize {
        id: u64,
        handle: Handle,
        start: ImageRect,
    },
}

impl Editor {
    pub(crate) fn pointer_down(
        &mut self,
        at: ScreenPoint,
        button: PointerButton,
        _mods: Modifiers,
    ) -> Outcome {
        self.hover = Some(at);
        if self.gesture != Gesture::Idle {
            // A second button during a drag: swallow it so it cannot open a menu or start anything else.
            return Outcome::consumed();
        }
        self.history.close_merge();
        match button {
            PointerButton::Middle => {
                self.gesture = Gesture::Panning { button, last: at };
                Outcome::consumed()
            }
            PointerButton::Primary if self.space_held => {
                self.gesture = Gesture::Panning { button, last: at };
                Outcome::consumed()
            }
            PointerButton::Primary => {
                self.gesture = Gesture::Pressed {
                    press: at,
                    target: self.press_target(at),
                };
                Outcome::consumed()
            }
            PointerButton::Secondary => Outcome::ignored(),
        }
    }

    /// A press on a handle of the selected box resizes it, inside the selected box moves it, anywhere else
    /// (also inside other boxes: boxes may nest) draws a new box.
    fn press_target(&self, at: ScreenPoint) -> PressTarget {
        if self.read_only {
            return PressTarget::Inspect;
        }
        if self.boxes_hidden {
            return PressTarget::Draw;
        }
        let Some(selected) = self.selected.and_then(|id| self.annotation(id)) else {
            return PressTarget::Draw;
        };
        let (id, start) = (selected.id, selected.rect);
        if let Some(handle) = handle_at(&start, &self.view, at, HANDLE_TOLERANCE_PX) {
            PressTarget::Resize { id, handle, start }
        } else if start.contains(self.view.to_image(at)) {
            PressTarget::Move { id, start }
        } else {
            PressTarget::Draw
        }
    }

    pub(crate) fn pointer_move(&mut self, at: ScreenPoint) -> Outcome {
        self.hover = Some(at);
        let p = self.view.to_image(at);
        let bounds = self.image.bounds();
        match &mut self.gesture {
            Gesture::Idle => return Outcome::ignored(),
            Gesture::Pressed { press, target } => {
                if (at.x - press.x).abs() < DRAG_THRESHOLD_PX
                    && (at.y - press.y).abs() < DRAG_THRESHOLD_PX
                {
                    return Outcome::consumed();
                }
                let press_image = self.view.to_image(*press);
                self.gesture = match target.clone() {
                    PressTarget::Inspect => Gesture::Panning {
                        button: PointerButton::Primary,
                        last: *press,
                    },
                    PressTarget::Draw => Gesture::Drawing {
                        press: *press,
                        anchor: press_image,
                        current: p,
                    },
                    PressTarget::Move { id, start } => Gesture::Moving {
                        id,
                        press: press_image,
                        start,
                        current: start,
                    },
                    PressTarget::Resize { id, handle, start } => Gesture::Resizing {
                        id,
                        handle,
                        press: press_image,
                        start,
                        current: start,
                    },
                };
                return self.pointer_move(at);
            }
            Gesture::Drawing { current, .. } => *current = p,
            Gesture::Moving {
                press,
                start,
                current,
                ..
            } => {
                *current = translated_within(start, p.x - press.x, p.y - press.y, &bounds);
            }
            Gesture::Resizing {
                handle,
                press,
                start,
                current,
                ..
            } => {
                *current = handle.drag(
                    start,
                    p.x - press.x,
                    p.y - press.y,
                    &bounds,
                    MIN_BOX_IMAGE_PX,
                );
            }
            Gesture::Panning { last, .. } => {
                let (dx, dy) = (at.x - last.x, at.y - last.y);
                *last = at;
                self.pan_by(dx, dy);
            }
        }
        Outcome::consumed()
    }

    pub(crate) fn pointer_up(&mut self, at: ScreenPoint, button: PointerButton) -> Outcome {
        let ends_gesture = match &self.gesture {
            Gesture::Idle => return Outcome::ignored(),
            Gesture::Panning {
                button: pan_button, ..
            } => *pan_button == button,
            _ => button == PointerButton::Primary,
        };
        if !ends_gesture {
            return Outcome::consumed();
        }
        self.pointer_move(at);
        let gesture = std::mem::replace(&mut self.gesture, Gesture::Idle);
        let outcome = Outcome::consumed();
        match gesture {
            Gesture::Idle | Gesture::Panning { .. } => outcome,
            Gesture::Pressed { press, .. } => self.click(press),
            Gesture::Drawing {
                press,
                anchor,
                current,
            } => self.finish_drawing(press, anchor, current),
            Gesture::Moving {
                id, start, current, ..
            }
            | Gesture::Resizing {
                id, start, current, ..
            } => match self.annotation(id).cloned() {
                Some(before) if current != start => {
                    let after = super::Annotation {
                        rect: current,
                        ..before.clone()
                    };
                    self.commit(Edit::Change { before, after });
                    let description = self.describe_box(id);
                    outcome.say(format!("Changed {description}"))
                }
                _ => outcome,
            },
        }
    }

    fn finish_drawing(
        &mut self,
        press: ScreenPoint,
        anchor: ImagePoint,
        current: ImagePoint,
    ) -> Outcome {
        let rect = ImageRect::from_corners(anchor, current).clip_to(&self.image.bounds());
        let (_, _, w, h) = self.view.rect_to_screen(&rect);
        if w < MIN_BOX_SCREEN_PX || h < MIN_BOX_SCREEN_PX {
            return self.click(press);
        }
        if self.categories.is_empty() {
            return Outcome::consumed().say("This job has no labels, so no box can be drawn");
        }
        let reshown = self.boxes_hidden;
        let id = self.add_box(rect, self.active_category);
        let description = self.describe_box(id);
        let shown = if reshown {
            " All boxes are shown again."
        } else {
            ""
        };
        Outcome::consumed().say(format!("Drew {description}.{shown}"))
    }

    /// A click selects the smallest box under the point; on empty space it clears the selection.
    fn click(&mut self, at: ScreenPoint) -> Outcome {
        let hit = if self.boxes_hidden {
            None
        } else {
            let tolerance = self.view.screen_len_to_image(CLICK_TOLERANCE_PX);
            box_at(&self.annotations, self.view.to_image(at), tolerance)
        };
        let was = self.selected;
        self.select(hit);
        match hit {
            Some(id) if was != Some(id) => {
                let description = self.describe_box(id);
                Outcome::consumed().say(format!("Selected {description}"))
            }
            None if was.is_some() => Outcome::consumed().say("Selection cleared"),
            _ => Outcome::consumed(),
        }
    }

    /// Ends any drag with nothing changed; true when there was one.
    pub(crate) fn cancel_gesture(&mut self) -> bool {
        std::mem::replace(&mut self.gesture, Gesture::Idle) != Gesture::Idle
    }

    /// The browser took the pointer away mid-drag: undo the drag. (Sent after every capture ends, too, when it
    /// finds no drag and changes nothing.)
    pub(crate) fn pointer_cancel(&mut self) -> Outcome {
        if self.cancel_gesture() {
            self.hover = None;
        }
        Outcome::ignored()
    }

    pub(crate) fn pointer_leave(&mut self) -> Outcome {
        if self.gesture == Gesture::Idle {
            self.hover = None;
        }
        Outcome::ignored()
    }

    /// The cursor for the current gesture, or for what a press at the hover point would do.
    pub fn cursor(&self) -> Cursor {
        match &self.gesture {
            Gesture::Panning { .. } => Cursor::Grabbing,
            _ if self.space_held => Cursor::Grab,
            Gesture::Drawing { .. }
            | Gesture::Pressed {
                target: PressTarget::Draw,
                ..
            } => Cursor::Crosshair,
            Gesture::Pressed {
                target: PressTarget::Inspect,
                ..
            } => Cursor::Grabbing,
            Gesture::Moving { .. }
            | Gesture::Pressed {
                target: PressTarget::Move { .. },
                ..
            } => Cursor::Move,
            Gesture::Resizing { handle, .. }
            | Gesture::Pressed {
                target: PressTarget::Resize { handle, .. },
                ..
            } => handle.cursor(),
            Gesture::Idle => match self.hover {
                None => Cursor::Default,
                Some(at) => match self.press_target(at) {
                    PressTarget::Draw => Cursor::Crosshair,
                    PressTarget::Inspect => Cursor::Default,
                    PressTarget::Move { .. } => Cursor::Move,
                    PressTarget::Resize { handle, .. } => handle.cursor(),
                },
            },
        }
    }
}

/// `start` shifted by (`dx`, `dy`) but kept inside `bounds` (its size never changes).
pub(crate) fn translated_within(
    start: &ImageRect,
    dx: f64,
    dy: f64,
    bounds: &ImageRect,
) -> ImageRect {
    let x = (start.x + dx).clamp(bounds.x, (bounds.right() - start.w).max(bounds.x));
    let y = (start.y + dy).clamp(bounds.y, (bounds.bottom() - start.h).max(bounds.y));
    ImageRect::new(x, y, start.w, start.h)
}
