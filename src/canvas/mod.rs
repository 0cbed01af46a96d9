//! The drawing surface: a `<canvas>` that shows the task's image and its boxes and feeds pointer, key and wheel
//! events to the core [`Editor`].
//!
//! # How the rest of the app reads and changes the editor
//! The caller owns the `RwSignal<Editor>` and passes it in. Reading it with `editor.with(..)` in a view or memo
//! is how the box list, the label picker and the buttons follow the boxes: the canvas notifies the signal only
//! when the boxes, the selection or the active label changed (`Response::changed_shared_state`). Everything
//! transient (hover, the crosshair, a box being drawn, moved or resized, zoom and pan) is written with
//! `update_untracked` and only repaints the canvas, so a drag does not re-run any view. Changing the editor from
//! outside with `editor.update(..)` (select, delete, relabel) repaints the canvas through the same signal.
//!
//! Painting happens at most once per animation frame however many events arrive.

mod bench;
mod input;
mod loading;
mod painter;
mod prefetch;
mod surface;
mod tiles;

pub use prefetch::Prefetch;
pub use tiles::overview_url;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crowdbox_core::editor::{Editor, Input, TouchPhase};
use crowdbox_core::tiles::TilePyramid;
use leptos::html;
use leptos::prelude::*;
use web_sys::{HtmlCanvasElement, HtmlImageElement};

use surface::{ImageLoad, Surface};
use tiles::TileLayer;

/// Short help read by screen readers with the canvas's name.
const CANVAS_HELP: &str = "Drag to draw a box with the chosen label. Click a box to select it; drag \
     inside it to move it or drag its handles to resize it. N draws a box in the middle of the view. Tab \
     selects the next box, number keys choose the label, arrow keys move the selected box and Alt with arrow \
     keys sizes it, Delete deletes it, Control Z undoes.";

/// The canvas for one task. Re-create it (with a new editor) for each task; see the module documentation for how
/// to read the boxes.
#[component]
pub fn BoxCanvas(
    editor: RwSignal<Editor>,
    #[prop(into)] image_url: String,
    /// The image's tile pyramid when it has one: then only its tiles are fetched and drawn (see
    /// [`crowdbox_core::tiles::tile_url`] for where they are), never the whole image.
    tiles: Option<TilePyramid>,
    /// A CSS filter applied to the image only (not the boxes), e.g. `brightness(120%)`.
    #[prop(into, optional)]
    image_filter: Signal<String>,
    /// Called once, when the image (or its first tiles) is first drawn.
    #[prop(optional)]
    on_shown: Option<Callback<()>>,
) -> impl IntoView {
    let container_ref = NodeRef::<html::Div>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let load = RwSignal::new(ImageLoad::Loading);
    let cursor = RwSignal::new("default");
    let announcement = RwSignal::new(String::new());
    let prefetched = Prefetch::current();
    let image = match tiles {
        Some(_) => None,
        None => prefetched.and_then(|p| p.take(&image_url)),
    }
    .unwrap_or_else(|| HtmlImageElement::new().expect("a document can always create an <img>"));
    let surface = Rc::new(Surface {
        editor,
        image,
        tiles: tiles.map(|pyramid| TileLayer::new(pyramid, &image_url)),
        prefetched,
        load,
        cursor,
        announcement,
        image_filter,
        painter: RefCell::new(None),
        container: RefCell::new(None),
        frame_pending: Cell::new(false),
        resize_observer: RefCell::new(None),
        image_callbacks: RefCell::new(Vec::new()),
        bench: bench::Probe::for_page(),
    });
    if surface.tiles.is_some() {
        surface.load_tiles();
    } else {
        surface.load_image(&image_url);
    }

    {
        let surface = Rc::clone(&surface);
        Effect::new(move |_| {
            if let (Some(canvas), Some(container)) = (canvas_ref.get(), container_ref.get()) {
                surface.attach(canvas, container);
            }
        });
    }
    if let Some(on_shown) = on_shown {
        Effect::new(move |shown: Option<bool>| {
            let ready = load.get() == ImageLoad::Ready;
            if ready && shown != Some(true) {
                on_shown.run(());
            }
            ready || shown == Some(true)
        });
    }
    {
        // Repaint whenever the boxes, selection or label change, whoever changed them.
        let surface = Rc::clone(&surface);
        Effect::new(move |_| {
            editor.track();
            image_filter.track();
            surface.request_paint();
        });
    }
    {
        // Cleanups run before the owner's stored values are dropped, so the surface is still there.
        let stored = StoredValue::new_local(Rc::clone(&surface));
        on_cleanup(move || {
            stored.try_with_value(|surface| surface.detach());
        });
    }

    let on_pointer_down = handler(
        &surface,
        canvas_ref,
        |canvas, ev: &web_sys::PointerEvent| {
            // preventDefault also prevents the focus a press would give: focus explicitly, so keys work.
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = canvas.focus_with_options(&options);
            input::touch(canvas, ev, TouchPhase::Start).or_else(|| input::pointer_down(canvas, ev))
        },
        // Keep receiving the drag when it leaves the canvas, so its release always arrives.
        |canvas, ev| {
            let _ = canvas.set_pointer_capture(ev.pointer_id());
        },
    );
    let on_pointer_move = handler(
        &surface,
        canvas_ref,
        |canvas, ev: &web_sys::PointerEvent| {
            input::touch(canvas, ev, TouchPhase::Move).or_else(|| input::pointer_move(canvas, ev))
        },
        |_, _| {},
    );
    let on_pointer_up = handler(
        &surface,
        canvas_ref,
        |canvas, ev: &web_sys::PointerEvent| {
            input::touch(canvas, ev, TouchPhase::End).or_else(|| input::pointer_up(canvas, ev))
        },
        |_, _| {},
    );
    // A finger that is still known (not lifted) is cancelled alone; a lifted one is ignored.
    let on_pointer_cancel = handler(
        &surface,
        canvas_ref,
        |canvas, ev: &web_sys::PointerEvent| {
            Some(input::touch(canvas, ev, TouchPhase::Cancel).unwrap_or_else(input::pointer_cancel))
        },
        |_, _| {},
    );
    let on_pointer_leave = handler(
        &surface,
        canvas_ref,
        |_, ev: &web_sys::PointerEvent| input::pointer_leave(ev),
        |_, _| {},
    );
    let on_key_down = handler(
        &surface,
        canvas_ref,
        |_, ev: &web_sys::KeyboardEvent| input::key_down(ev),
        |_, _| {},
    );
    let on_key_up = handler(
        &surface,
        canvas_ref,
        |_, ev: &web_sys::KeyboardEvent| input::key_up(ev),
        |_, _| {},
    );
    let on_blur = handler(
        &surface,
        canvas_ref,
        |_, _: &web_sys::FocusEvent| Some(input::focus_lost()),
        |_, _| {},
    );
    let on_wheel = handler(
        &surface,
        canvas_ref,
        |canvas, ev: &web_sys::WheelEvent| Some(input::wheel(canvas, ev)),
        |_, _| {},
    );

    view! {
        <div
            class="box-canvas"
            node_ref=container_ref
            style="position: relative; overflow: hidden; padding: 0; min-height: 240px; height: 100%;"
        >
            <canvas
                node_ref=canvas_ref
                aria-label="Image to annotate: draw boxes here"
                aria-describedby="box-canvas-help"
                tabindex="0"
                style="position: absolute; inset: 0; width: 100%; height: 100%; touch-action: none; display: block;"
                style:cursor=move || cursor.get()
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_cancel.clone()
                on:lostpointercapture=on_pointer_cancel
                on:pointerleave=on_pointer_leave
                on:keydown=on_key_down
                on:keyup=on_key_up
                on:blur=on_blur
                on:wheel=on_wheel
            ></canvas>
            <p id="box-canvas-help" hidden>{CANVAS_HELP}</p>
            <div role="status" aria-live="polite" class="visually-hidden" style=VISUALLY_HIDDEN>
                {move || announcement.get()}
            </div>
            {move || match load.get() {
                ImageLoad::Loading => Some(view! { <p class="canvas-message" style=MESSAGE>"Loading the image…"</p> }.into_any()),
                ImageLoad::Failed => Some(
                    view! {
                        <p class="canvas-message" role="alert" style=MESSAGE>
                            "The image could not be loaded. Check your connection and reload the page."
                        </p>
                    }
                    .into_any(),
                ),
                ImageLoad::Ready => None,
            }}
        </div>
    }
}

/// One canvas event handler: `read` turns the event into the editor's input (`None`: not the editor's), the
/// surface feeds it to the editor, and when the editor consumed it the event's default action is prevented and
/// `consumed` runs. (Events that cannot be cancelled, such as `pointercancel` or `blur`, ignore the prevention.)
fn handler<E: AsRef<web_sys::Event> + 'static>(
    surface: &Rc<Surface>,
    canvas_ref: NodeRef<html::Canvas>,
    read: impl Fn(&HtmlCanvasElement, &E) -> Option<Input> + Clone + 'static,
    consumed: impl Fn(&HtmlCanvasElement, &E) + Clone + 'static,
) -> impl Fn(E) + Clone + 'static {
    let surface = Rc::clone(surface);
    move |ev: E| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        if feed(&surface, read(&canvas, &ev), ev.as_ref()) {
            consumed(&canvas, &ev);
        }
    }
}

/// Feeds `input` to the editor; when it consumed it, prevents `event`'s default action and says so. (Not
/// generic, so the handlers share it.)
#[inline(never)]
fn feed(surface: &Rc<Surface>, input: Option<Input>, event: &web_sys::Event) -> bool {
    let consumed = input
        .and_then(|input| surface.handle(input))
        .is_some_and(|r| r.consumed);
    if consumed {
        event.prevent_default();
    }
    consumed
}

/// Present for screen readers, invisible on screen (the usual clip pattern; `display: none` would silence it).
const VISUALLY_HIDDEN: &str =
    "position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; \
     overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;";
const MESSAGE: &str = "position: absolute; left: 12px; top: 12px; margin: 0; padding: 6px 10px; \
     background: rgba(0,0,0,0.75); color: #fff; border-radius: 4px; pointer-events: none;";
