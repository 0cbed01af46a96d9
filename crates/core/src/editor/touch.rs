//! Touch: one finger draws (it is the pointer), two fingers pinch to zoom about their midpoint and pan.
//!
//! ```text
//! Idle ──finger down──▶ OneFinger (pointer down/move/up: draws, moves, resizes, selects as with a mouse) ──up──▶ Idle
//!                           └──second finger down──▶ Pinch (the half-made drag is cancelled)
//! Pinch ──a finger up──▶ Lifting ──last finger up──▶ Idle
//!   ▲                       └──a second finger down again──▶ Pinch
//! ```
//!
//! After a pinch, the finger still down does nothing until it is lifted too: lifting one finger of a pinch a
//! moment before the other must not draw a box. Fingers beyond the second are ignored.

use super::{Editor, Outcome, PointerButton};
use crate::editor::Modifiers;
use crate::geometry::ScreenPoint;

/// What one finger did (`pointerdown`/`pointermove`/`pointerup`/`pointercancel` with `pointerType` touch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TouchPhase {
    Start,
    Move,
    End,
    /// The browser took the touch away (a system gesture, a scroll): whatever it was doing is undone.
    Cancel,
}

/// One finger's event: `id` tells fingers apart (`PointerEvent.pointerId`); `at` is in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Touch {
    pub id: i32,
    pub phase: TouchPhase,
    pub at: ScreenPoint,
}

/// What the fingers on the canvas are doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TouchTracker {
    /// Every finger down, in the order they came, with where each is now.
    fingers: Vec<(i32, ScreenPoint)>,
    mode: TouchMode,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum TouchMode {
    #[default]
    Idle,
    /// This finger is the pointer.
    OneFinger(i32),
    /// These two fingers zoom and pan.
    Pinch(i32, i32),
    /// A pinch ended; the fingers still down do nothing until a second one comes down again.
    Lifting,
}

impl TouchTracker {
    fn position(&self, id: i32) -> Option<ScreenPoint> {
        self.fingers.iter().find(|f| f.0 == id).map(|f| f.1)
    }

    fn set_position(&mut self, id: i32, at: ScreenPoint) {
        if let Some(f) = self.fingers.iter_mut().find(|f| f.0 == id) {
            f.1 = at;
        }
    }
}

/// Touches are always the canvas's: the browser must not scroll or zoom the page with them.
fn as_consumed(outcome: Outcome) -> Outcome {
    Outcome {
        consumed: true,
        ..outcome
    }
}

fn midpoint(a: ScreenPoint, b: ScreenPoint) -> ScreenPoint {
    ScreenPoint::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0)
}

fn distance(a: ScreenPoint, b: ScreenPoint) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

impl Editor {
    pub(crate) fn touch(&mut self, touch: Touch) -> Outcome {
        let Touch { id, phase, at } = touch;
        if !(at.x.is_finite() && at.y.is_finite()) {
            return Outcome::consumed();
        }
        let known = self.touch.position(id).is_some();
        match phase {
            TouchPhase::Start if !known => self.finger_down(id, at),
            TouchPhase::Move if known => self.finger_move(id, at),
            TouchPhase::End | TouchPhase::Cancel if known => {
                self.finger_up(id, at, phase == TouchPhase::Cancel)
            }
            _ => Outcome::consumed(),
        }
    }

    fn finger_down(&mut self, id: i32, at: ScreenPoint) -> Outcome {
        self.touch.fingers.push((id, at));
        match self.touch.mode {
            TouchMode::Idle => {
                self.touch.mode = TouchMode::OneFinger(id);
                return as_consumed(self.pointer_down(at, PointerButton::Primary, Modifiers::NONE));
            }
            TouchMode::OneFinger(first) => {
                // A second finger: this is a pinch, not a drag. Undo whatever the first finger started.
                self.pointer_cancel();
                self.hover = None;
                self.touch.mode = TouchMode::Pinch(first, id);
            }
            TouchMode::Lifting if self.touch.fingers.len() == 2 => {
                self.touch.mode = TouchMode::Pinch(self.touch.fingers[0].0, id);
            }
            TouchMode::Pinch(..) | TouchMode::Lifting => {}
        }
        Outcome::consumed()
    }

    fn finger_move(&mut self, id: i32, at: ScreenPoint) -> Outcome {
        match self.touch.mode {
            TouchMode::OneFinger(finger) if finger == id => {
                self.touch.set_position(id, at);
                return as_consumed(self.pointer_move(at));
            }
            TouchMode::Pinch(a, b) if id == a || id == b => {
                let (Some(pa), Some(pb)) = (self.touch.position(a), self.touch.position(b)) else {
                    return Outcome::consumed();
                };
                self.touch.set_position(id, at);
                let (na, nb) = if id == a { (at, pb) } else { (pa, at) };
                self.pinch((pa, pb), (na, nb));
            }
            _ => self.touch.set_position(id, at),
        }
        Outcome::consumed()
    }

    /// The fingers moved from `before` to `after`: pan by the midpoint's move, then zoom about the new midpoint by
    /// the change in their distance, so the image point that was between the fingers stays between them.
    fn pinch(&mut self, before: (ScreenPoint, ScreenPoint), after: (ScreenPoint, ScreenPoint)) {
        let (m0, m1) = (midpoint(before.0, before.1), midpoint(after.0, after.1));
        self.pan_by(m1.x - m0.x, m1.y - m0.y);
        let (d0, d1) = (distance(before.0, before.1), distance(after.0, after.1));
        if d0 > 0.0 && d1 > 0.0 {
            self.zoom_about(m1, d1 / d0);
        }
    }

    fn finger_up(&mut self, id: i32, at: ScreenPoint, cancelled: bool) -> Outcome {
        self.touch.fingers.retain(|f| f.0 != id);
        match self.touch.mode {
            TouchMode::OneFinger(finger) if finger == id => {
                let outcome = if cancelled {
                    self.pointer_cancel()
                } else {
                    self.pointer_up(at, PointerButton::Primary)
                };
                // A finger does not hover: no crosshair or readout stays where it was lifted.
                self.pointer_leave();
                self.touch.mode = TouchMode::Idle;
                return as_consumed(outcome);
            }
            TouchMode::Pinch(a, b) if id == a || id == b => {
                self.touch.mode = TouchMode::Lifting;
            }
            _ => {}
        }
        if self.touch.fingers.is_empty() {
            self.touch.mode = TouchMode::Idle;
        }
        Outcome::consumed()
    }
}
