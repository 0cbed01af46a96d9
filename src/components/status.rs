//! The live regions: a polite status line for progress news and an alert for failures.

use leptos::prelude::*;

use crowdbox_core::worker::Session;

/// Always in the page (a live region must exist before its text changes to be announced).
#[component]
pub fn StatusLine(session: RwSignal<Session>) -> impl IntoView {
    view! {
        <p id="status" class="status" role="status" aria-live="polite">
            {move || session.with(|s| s.status().to_owned())}
        </p>
    }
}

/// The server's (or the network's) message for the last failure, as text; absent when nothing failed.
#[component]
pub fn ErrorAlert(session: RwSignal<Session>) -> impl IntoView {
    let message = move || session.with(|s| s.error().map(str::to_owned));
    view! {
        <Show when=move || message().is_some()>
            <div id="error" class="error" role="alert">
                {move || message().unwrap_or_default()}
            </div>
        </Show>
    }
}
