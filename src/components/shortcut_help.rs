//! The key help (opened with ?): every binding in words, and a small panel to move some shortcuts to other keys.
//! The volunteer's keys are kept in the browser (localStorage) and handed to each task's editor.

use crowdbox_core::editor::{key_name, Action, Editor, Keymap, KEY_BINDINGS};
use leptos::prelude::*;

use crate::components::dialog::Dialog;
use crate::strings::Wording;

const STORAGE_KEY: &str = "crowdbox.keymap";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The volunteer's keys, or the defaults when none are stored (or what is stored cannot be read).
pub fn load_keymap() -> Keymap {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_keymap(keymap: &Keymap) {
    let Some(s) = storage() else { return };
    let _ = if keymap.is_default() {
        s.remove_item(STORAGE_KEY)
    } else {
        match serde_json::to_string(keymap) {
            Ok(text) => s.set_item(STORAGE_KEY, &text),
            Err(_) => return,
        }
    };
}

/// Keys pressed alone that only modify other keys: waiting for the real key.
fn is_modifier(key: &str) -> bool {
    matches!(
        key,
        "Shift" | "Control" | "Alt" | "Meta" | "AltGraph" | "CapsLock" | "Dead" | "Unidentified"
    )
}

#[component]
pub fn ShortcutHelp(open: RwSignal<bool>, editor: RwSignal<Editor>) -> impl IntoView {
    let w = Wording::current();
    let keymap = Signal::derive(move || editor.with(|e| e.keymap().clone()));
    let listening = RwSignal::new(None::<Action>);
    let message = RwSignal::new(None::<(bool, String)>);
    let apply = move |next: Keymap, text: String| {
        save_keymap(&next);
        editor.update(|e| e.set_keymap(next));
        message.set(Some((false, text)));
    };
    let on_key = move |action: Action, ev: web_sys::KeyboardEvent| {
        if listening.get_untracked() != Some(action) {
            return;
        }
        let key = ev.key();
        if is_modifier(&key) || ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
            return;
        }
        // Whatever it is, the key is ours now: not a click on the button, not closing the dialog.
        ev.prevent_default();
        listening.set(None);
        if key == "Escape" {
            message.set(Some((false, "Nothing changed.".to_owned())));
            return;
        }
        let mut next = keymap.get_untracked();
        match next.bind(action, &key) {
            Ok(()) => apply(
                next,
                format!("{}: now {}.", action.describe(), key_name(&key)),
            ),
            Err(why) => message.set(Some((true, why))),
        }
    };
    let rows = KEY_BINDINGS
        .iter()
        .map(|b| {
            let action = if b.anywhere() {
                format!("Anywhere but a text field: {}", b.action)
            } else {
                b.action.to_owned()
            };
            view! { <tr><th scope="row">{b.keys}</th><td>{action}</td></tr> }
        })
        .collect_view();
    let remap_rows = Action::ALL
        .into_iter()
        .map(|action| {
            let current = move || key_name(&keymap.with(|k| k.key_for(action)));
            view! {
                <li class="remap-row">
                    <span>{action.describe()}</span>
                    <kbd>{current}</kbd>
                    <button
                        type="button"
                        class="secondary"
                        aria-label=move || format!("Change the key for {} (now {})", action.describe(), current())
                        on:click=move |_| {
                            listening.set(Some(action));
                            message.set(None);
                        }
                        on:keydown=move |ev| on_key(action, ev)
                        on:blur=move |_| if listening.get_untracked() == Some(action) { listening.set(None) }
                    >
                        {move || if listening.get() == Some(action) { "Press a key… (Escape: cancel)" } else { "Change" }}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <Dialog open title="Keys" id="key-help">
            <table class="key-table">
                <caption class="visually-hidden">"What each key does"</caption>
                <tbody>{rows}</tbody>
            </table>
            <section class="remap" aria-labelledby="remap-heading">
                <h3 id="remap-heading">{w.text("change_keys")}</h3>
                <p class="hint">"Choose Change, then press the new key. Your keys are kept in this browser."</p>
                <ul class="remap-list">{remap_rows}</ul>
                <p class="remap-message" role="status" class:error=move || message.with(|m| m.as_ref().is_some_and(|(e, _)| *e))>
                    {move || message.get().map(|(_, text)| text)}
                </p>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || keymap.with(Keymap::is_default)
                    on:click=move |_| apply(Keymap::default(), "All keys are back to the defaults.".to_owned())
                >
                    {w.text("reset_keys")}
                </button>
            </section>
        </Dialog>
    }
}
