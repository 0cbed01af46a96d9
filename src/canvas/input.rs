//! The only place that turns browser events into editor [`Input`]s: pointer coordinates become CSS pixels
//! relative to the canvas's top-left corner, buttons and modifier keys become the core's types.

use crowdbox_core::editor::{Input, Modifiers, PointerButton, Touch, TouchPhase};
use crowdbox_core::geometry::ScreenPoint;
use web_sys::{Element, KeyboardEvent, MouseEvent, PointerEvent, WheelEvent};

/// CSS pixels one wheel "line" scrolls when the device reports lines (Firefox with a mouse wheel).
const WHEEL_LINE_PX: f64 = 16.0;

fn mouse_modifiers(ev: &MouseEvent) -> Modifiers {
    Modifiers {
        shift: ev.shift_key(),
        ctrl: ev.ctrl_key(),
        alt: ev.alt_key(),
        meta: ev.meta_key(),
    }
}

fn key_modifiers(ev: &KeyboardEvent) -> Modifiers {
    Modifiers {
        shift: ev.shift_key(),
        ctrl: ev.ctrl_key(),
        alt: ev.alt_key(),
        meta: ev.meta_key(),
    }
}

/// The event's position relative to `canvas`, in CSS pixels.
fn canvas_point(canvas: &Element, ev: &MouseEvent) -> ScreenPoint {
    let bounds = canvas.get_bounding_client_rect();
    ScreenPoint::new(
        f64::from(ev.client_x()) - bounds.left(),
        f64::from(ev.client_y()) - bounds.top(),
    )
}

/// `MouseEvent.button`: 0 primary, 1 middle (wheel), 2 secondary; others (back, forward) are not ours.
fn pointer_button(ev: &MouseEvent) -> Option<PointerButton> {
    match ev.button() {
        0 => Some(PointerButton::Primary),
        1 => Some(PointerButton::Middle),
        2 => Some(PointerButton::Secondary),
        _ => None,
    }
}

/// Only the primary pointer draws: a second finger on a touch screen is ignored rather than starting a box.
pub fn pointer_down(canvas: &Element, ev: &PointerEvent) -> Option<Input> {
    if !ev.is_primary() {
        return None;
    }
    let button = pointer_button(ev)?;
    Some(Input::PointerDown {
        at: canvas_point(canvas, ev),
        button,
        mods: mouse_modifiers(ev),
    })
}

pub fn pointer_move(canvas: &Element, ev: &PointerEvent) -> Option<Input> {
    ev.is_primary().then(|| Input::PointerMove {
        at: canvas_point(canvas, ev),
        mods: mouse_modifiers(ev),
    })
}

pub fn pointer_up(canvas: &Element, ev: &PointerEvent) -> Option<Input> {
    if !ev.is_primary() {
        return None;
    }
    let button = pointer_button(ev)?;
    Some(Input::PointerUp {
        at: canvas_point(canvas, ev),
        button,
        mods: mouse_modifiers(ev),
    })
}

/// A finger's pointer event (`pointerType` touch) as the editor's touch input, every finger told apart by its
/// pointer id: the editor decides what one finger (draw) or two (pinch and pan) do. `None` for a mouse or pen.
pub fn touch(canvas: &Element, ev: &PointerEvent, phase: TouchPhase) -> Option<Input> {
    (ev.pointer_type() == "touch").then(|| {
        Input::Touch(Touch {
            id: ev.pointer_id(),
            phase,
            at: canvas_point(canvas, ev),
        })
    })
}

pub fn pointer_cancel() -> Input {
    Input::PointerCancel
}

/// The pointer left the canvas; `None` for a finger, which never hovers (the editor ends its touch when it is
/// lifted).
pub fn pointer_leave(ev: &PointerEvent) -> Option<Input> {
    (ev.pointer_type() != "touch").then_some(Input::PointerLeave)
}

/// `None` while an input method is composing text (the keys belong to it).
pub fn key_down(ev: &KeyboardEvent) -> Option<Input> {
    (!ev.is_composing()).then(|| Input::KeyDown {
        key: ev.key(),
        mods: key_modifiers(ev),
    })
}

pub fn key_up(ev: &KeyboardEvent) -> Option<Input> {
    (!ev.is_composing()).then(|| Input::KeyUp {
        key: ev.key(),
        mods: key_modifiers(ev),
    })
}

/// The wheel's vertical turn in CSS pixels, whatever unit the device reported (`deltaMode` 0 pixels, 1 lines,
/// 2 pages).
pub fn wheel(canvas: &Element, ev: &WheelEvent) -> Input {
    let delta_y = match ev.delta_mode() {
        WheelEvent::DOM_DELTA_LINE => ev.delta_y() * WHEEL_LINE_PX,
        WheelEvent::DOM_DELTA_PAGE => ev.delta_y() * f64::from(canvas.client_height()),
        _ => ev.delta_y(),
    };
    Input::Wheel {
        at: canvas_point(canvas, ev),
        delta_y,
        mods: mouse_modifiers(ev),
    }
}

/// Focus left the canvas: keys released elsewhere never reach it, and the one whose release matters is Space
/// (held, it turns drags into panning), so its release is assumed.
pub fn focus_lost() -> Input {
    Input::KeyUp {
        key: " ".to_owned(),
        mods: Modifiers::NONE,
    }
}
