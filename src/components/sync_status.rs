//! What is waiting to be sent and what the server stored, the submissions it refused (with its message and a
//! choice to try again or discard), and the invite prompt when the server asks for credentials again.

use leptos::prelude::*;

use crate::outbox_driver::Driver;
use crate::strings::Wording;
use crowdbox_core::worker::{Refused, SyncState};

/// The invite from what the volunteer pasted: the token itself, or a whole invite link.
fn invite_from_input(text: &str) -> String {
    let text = text.trim();
    text.split(['?', '&'])
        .find_map(|part| part.strip_prefix("invite="))
        .unwrap_or(text)
        .to_owned()
}

#[component]
pub fn SyncStatus(driver: Driver) -> impl IntoView {
    let counts = Memo::new(move |_| driver.sync.with(SyncState::counts));
    let refused = Memo::new(move |_| driver.sync.with(SyncState::refused));
    let token = RwSignal::new(String::new());
    let on_reauth = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        driver.reauthenticate(&invite_from_input(&token.get_untracked()));
        token.set(String::new());
    };
    view! {
        <div class="sync">
            <p id="sync-status" role="status" aria-live="polite">
                {move || counts.get().summary()}
            </p>
            <Show when=move || { counts.get().needs_auth > 0 }>
                <form id="reauth" class="reauth" on:submit=on_reauth>
                    <label for="invite-input">
                        "The server asks for your invite again. Paste the invite (or the link you were \
                         given) to send your work; nothing is lost meanwhile."
                    </label>
                    <input
                        id="invite-input"
                        type="text"
                        autocomplete="off"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))
                    />
                    <button type="submit" class="primary">"Send again"</button>
                </form>
            </Show>
            <Show when=move || !refused.get().is_empty()>
                <div id="rejected-submissions" class="error" role="alert">
                    <p>"The server did not accept these images. They are kept here:"</p>
                    <ul>{move || refused.get().into_iter().map(|r| refused_row(driver, r)).collect_view()}</ul>
                </div>
            </Show>
        </div>
    }
}

fn refused_row(driver: Driver, refused: Refused) -> impl IntoView {
    let w = Wording::current();
    let what = refused
        .task_id
        .map_or_else(|| "An image".to_owned(), |t| format!("Image {t}"));
    let (retry_id, discard_id) = (refused.submission_id.clone(), refused.submission_id);
    view! {
        <li class="rejected">
            <span>{format!("{what}: {} ({})", refused.message, refused.status)}</span>
            " "
            <button type="button" class="secondary" on:click=move |_| driver.retry(&retry_id)>
                {w.text("try_again")}
            </button>
            " "
            <button type="button" class="secondary" on:click=move |_| driver.discard(&discard_id)>
                {w.text("discard")}
            </button>
        </li>
    }
}
