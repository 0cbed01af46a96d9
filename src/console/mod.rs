//! The owner console (`/owner/`, its own bundle: `src/bin/crowdbox-console.rs`): views and browser calls only;
//! what it computes lives in `crowdbox_core::console`.

use leptos::prelude::*;

#[component]
pub fn Console() -> impl IntoView {
    view! { <main class="console"><h1>"crowdbox owner console"</h1></main> }
}
