//! The canvas's non-reactive side: the painter, the image, sizing the backing store, and repainting at most once
//! per animation frame.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use crowdbox_core::editor::{Editor, Input, Response};
use crowdbox_core::scene::scene;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlDivElement, HtmlImageElement, ResizeObserver};

use super::bench;
use super::painter::{Painter, Picture};
use super::prefetch::Prefetch;
use super::tiles::TileLayer;

/// Where the task's image is in loading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ImageLoad {
    Loading,
    Ready,
    Failed,
}

/// What the browser calls when the container's size changes.
type ResizeCallback = Closure<dyn FnMut(js_sys::Array, ResizeObserver)>;

/// The canvas's non-reactive state: the painter, the image, and the animation-frame bookkeeping.
pub(super) struct Surface {
    pub(super) editor: RwSignal<Editor>,
    /// The whole image, for images without a pyramid (never loaded when `tiles` is there).
    pub(super) image: HtmlImageElement,
    /// A huge image's tiles, drawn instead of the whole image.
    pub(super) tiles: Option<TileLayer>,
    /// The images asked for ahead (a huge image's overview tile among them), on a worker's page.
    pub(super) prefetched: Option<Prefetch>,
    pub(super) load: RwSignal<ImageLoad>,
    pub(super) cursor: RwSignal<&'static str>,
    pub(super) announcement: RwSignal<String>,
    /// The CSS filter for the image alone (brightness and contrast), `none` for the image as it is.
    pub(super) image_filter: Signal<String>,
    pub(super) painter: RefCell<Option<Painter>>,
    pub(super) container: RefCell<Option<HtmlDivElement>>,
    pub(super) frame_pending: Cell<bool>,
    pub(super) resize_observer: RefCell<Option<(ResizeObserver, ResizeCallback)>>,
    pub(super) image_callbacks: RefCell<Vec<Closure<dyn FnMut()>>>,
    /// The hooks of a `?bench` page.
    pub(super) bench: Option<bench::Probe>,
}

impl Surface {
    /// Feeds one input to the editor, and tells whoever needs to know about what changed.
    pub(super) fn handle(self: &Rc<Self>, input: Input) -> Option<Response> {
        let response = self.editor.try_update_untracked(|e| e.handle(input))?;
        if response.changed_shared_state() {
            // Views that read the editor re-run; the repaint effect below is one of them.
            self.editor.notify();
        } else if response.repaint {
            self.request_paint();
        }
        if self.cursor.get_untracked() != response.cursor.css() {
            self.cursor.set(response.cursor.css());
        }
        if let Some(text) = &response.announcement {
            // The same sentence twice in a row would not be read again: make it differ invisibly.
            let text = if self.announcement.get_untracked() == *text {
                format!("{text}\u{a0}")
            } else {
                text.clone()
            };
            self.announcement.set(text);
        }
        Some(response)
    }

    /// Asks for a paint at the next animation frame, unless one is already asked for.
    pub(super) fn request_paint(self: &Rc<Self>) {
        if self.frame_pending.replace(true) {
            return;
        }
        let surface = Rc::clone(self);
        request_animation_frame(move || {
            surface.frame_pending.set(false);
            surface.paint_now();
        });
    }

    pub(super) fn paint_now(self: &Rc<Self>) {
        let painter = self.painter.borrow();
        let Some(painter) = painter.as_ref() else {
            return;
        };
        let Some((cmds, view, viewport)) = self
            .editor
            .try_with_untracked(|e| (scene(e), e.view(), e.viewport()))
        else {
            return;
        };
        let filter = self.image_filter.get_untracked();
        let Some(layer) = self.tiles.as_ref() else {
            let image = (self.load.get_untracked() == ImageLoad::Ready).then_some(&self.image);
            painter.paint(&cmds, Picture::Whole(image), &filter);
            if let Some(probe) = self.bench.as_ref().filter(|_| image.is_some()) {
                probe.image_drawn(&self.image.src());
            }
            return;
        };
        let (draws, missing) = layer.frame(&view, viewport, painter.ratio());
        painter.paint(&cmds, Picture::Tiles(&draws), &filter);
        self.fetch_tiles(&missing);
        if let Some(probe) = &self.bench {
            if !draws.is_empty() {
                probe.image_drawn(layer.image_url());
            }
            let (in_flight, bytes) = layer.stats();
            probe.tiles(missing.len(), in_flight, bytes, draws.len());
        }
    }

    /// The container changed size (or the page zoom did): size the backing store and refit the view.
    pub(super) fn resized(self: &Rc<Self>) {
        let Some((width, height)) = self
            .container
            .borrow()
            .as_ref()
            .map(|c| (f64::from(c.client_width()), f64::from(c.client_height())))
        else {
            return;
        };
        let ratio = window().device_pixel_ratio();
        if let Some(painter) = self.painter.borrow_mut().as_mut() {
            painter.resize(width, height, ratio);
        }
        self.editor
            .try_update_untracked(|e| e.set_viewport(width, height));
        // A resized backing store is blank: paint now rather than show an empty frame.
        self.paint_now();
    }

    pub(super) fn attach(self: &Rc<Self>, canvas: HtmlCanvasElement, container: HtmlDivElement) {
        if self.painter.borrow().is_some() {
            return;
        }
        *self.painter.borrow_mut() = Painter::new(canvas);
        let weak: Weak<Surface> = Rc::downgrade(self);
        let on_resize = ResizeCallback::new(move |_, _| {
            if let Some(surface) = weak.upgrade() {
                surface.resized();
            }
        });
        if let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&container);
            *self.resize_observer.borrow_mut() = Some((observer, on_resize));
        }
        *self.container.borrow_mut() = Some(container);
        self.resized();
        if let Some(probe) = &self.bench {
            let weak = Rc::downgrade(self);
            probe.install(move || {
                weak.upgrade().and_then(|s| {
                    let painter = s.painter.borrow();
                    let painter = painter.as_ref()?;
                    s.paint_now();
                    painter.flush();
                    Some(())
                })
            });
        }
    }

    /// Unhooks everything the browser could still call.
    pub(super) fn detach(&self) {
        if let Some((observer, _)) = self.resize_observer.borrow_mut().take() {
            observer.disconnect();
        }
        self.image.set_onload(None);
        self.image.set_onerror(None);
        self.image_callbacks.borrow_mut().clear();
        if let Some(layer) = &self.tiles {
            layer.clear();
        }
        if let Some(probe) = &self.bench {
            probe.uninstall();
        }
    }
}
