//! Loading the task's image into the canvas: at once when it was fetched and decoded ahead, else from the
//! network, with the result reported through the surface's load state.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::{ImageLoad, Surface};

impl Surface {
    pub(super) fn load_image(self: &Rc<Self>, url: &str) {
        let fetched_ahead = self.image.src() == url;
        let on_load = {
            let weak = Rc::downgrade(self);
            Closure::<dyn FnMut()>::new(move || {
                if let Some(surface) = weak.upgrade() {
                    surface.load.set(ImageLoad::Ready);
                    surface.request_paint();
                }
            })
        };
        let on_error = {
            let load = self.load;
            Closure::<dyn FnMut()>::new(move || load.set(ImageLoad::Failed))
        };
        self.image
            .set_onload(Some(on_load.as_ref().unchecked_ref()));
        self.image
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.image_callbacks
            .borrow_mut()
            .extend([on_load, on_error]);
        if fetched_ahead && self.image.complete() && self.image.natural_width() > 0 {
            // Fetched and decoded ahead: draw it at once.
            self.load.set(ImageLoad::Ready);
        } else if !fetched_ahead || self.image.complete() {
            // Not asked for ahead, or asked for and failed (then try once more): load it now. An image still on
            // its way from the prefetch reports through the handlers above.
            self.image.set_src(url);
        }
    }
}
