//! A modal dialog on the browser's own `<dialog>`: `showModal()` makes the rest of the page inert and Escape
//! closes it. Tab and Shift+Tab wrap around inside it (the browser would let focus leave for its own controls),
//! and focus goes back to where it was when the dialog opened.

use crate::strings::Wording;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What Tab can reach inside the dialog.
const FOCUSABLE: &str =
    "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), \
     textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

#[component]
pub fn Dialog(
    /// Whether the dialog is shown; set to false when the volunteer closes it.
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    /// The id of the heading, for `aria-labelledby`.
    #[prop(into)]
    id: String,
    children: Children,
) -> impl IntoView {
    let w = Wording::current();
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let return_focus = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        let want = open.get();
        let Some(dialog) = dialog_ref.get() else {
            return;
        };
        if want && !dialog.open() {
            let previous = document()
                .active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            return_focus.set_value(previous);
            let _ = dialog.show_modal();
        } else if !want && dialog.open() {
            dialog.close();
        }
    });
    let on_close = move |_| {
        open.set(false);
        if let Some(element) = return_focus.get_value() {
            let _ = element.focus();
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(dialog) = dialog_ref.get_untracked() else {
            return;
        };
        let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
            return;
        };
        let (Some(first), Some(last)) = (list.item(0), list.item(list.length().saturating_sub(1)))
        else {
            return;
        };
        let active: Option<web_sys::Node> = document().active_element().map(Into::into);
        let target = if ev.shift_key() && active.as_ref() == Some(&first) {
            last
        } else if !ev.shift_key() && active.as_ref() == Some(&last) {
            first
        } else {
            return;
        };
        if let Ok(element) = target.dyn_into::<web_sys::HtmlElement>() {
            ev.prevent_default();
            let _ = element.focus();
        }
    };
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <dialog class="dialog" id=id node_ref=dialog_ref aria-labelledby=labelled_by on:close=on_close on:keydown=on_keydown>
            <div class="dialog-head">
                <h2 id=heading>{title}</h2>
                <button type="button" class="secondary" on:click=move |_| open.set(false)>
                    {w.text("close")}
                </button>
            </div>
            {children()}
        </dialog>
    }
}
