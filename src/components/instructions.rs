//! The job's instructions, shown as plain text (never interpreted as HTML), in a panel that can be folded away.

use leptos::prelude::*;

#[component]
pub fn Instructions(
    text: String,
    /// Whether the panel is unfolded; kept by the caller so it survives moving to the next task.
    open: RwSignal<bool>,
) -> impl IntoView {
    (!text.trim().is_empty()).then(|| {
        view! {
            <details
                class="instructions"
                prop:open=move || open.get()
                on:toggle=move |ev| {
                    let now_open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                    if now_open != open.get_untracked() {
                        open.set(now_open);
                    }
                }
            >
                <summary>"Instructions"</summary>
                <p class="instructions-text">{text}</p>
            </details>
        }
    })
}
