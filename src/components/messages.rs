//! What the page shows when no task is on screen: no job given, loading, failure, nothing free, all done.

use leptos::prelude::*;

use crate::components::status::ErrorAlert;
use crate::strings::Wording;
use crate::work_source::WorkSource;
use crowdbox_core::worker::{Phase, Session};

#[component]
pub fn SessionMessage(
    session: RwSignal<Session>,
    /// Asks the server again (after a failure, or when nothing was free).
    #[prop(into)]
    on_retry: Callback<()>,
) -> impl IntoView {
    let w = Wording::current();
    let phase = Memo::new(move |_| session.with(Session::phase));
    let is_static = WorkSource::current().is_static_site();
    move || {
        match phase.get() {
        Phase::NoJob => view! {
            <section class="message" aria-labelledby="message-heading">
                <h2 id="message-heading">{w.text("no_job")}</h2>
                <p>
                    "This page needs the name of a job in its address, like "
                    <code>"?job=demo"</code>
                    ". Ask whoever sent you here for the full link."
                </p>
            </section>
        }
        .into_any(),
        Phase::Leasing | Phase::Working => view! {
            <section class="message" aria-busy="true">
                <p>{w.text("loading_images")}</p>
            </section>
        }
        .into_any(),
        Phase::Syncing => view! {
            <section class="message" aria-busy="true">
                <p id="saving-message">{w.text("saving")}</p>
                <p>{w.text("next_after_sync")}</p>
            </section>
        }
        .into_any(),
        Phase::LeaseFailed => view! {
            <section class="message" aria-labelledby="message-heading">
                <h2 id="message-heading">{w.text("lease_failed")}</h2>
                <ErrorAlert session />
                <button type="button" class="primary" on:click=move |_| on_retry.run(())>
                    {w.text("try_again")}
                </button>
            </section>
        }
        .into_any(),
        Phase::NothingFreeNow => view! {
            <section class="message" aria-labelledby="message-heading">
                <h2 id="message-heading">{w.text("nothing_free")}</h2>
                <p>
                    {w.text("nothing_free_text")}
                </p>
                <button type="button" class="primary" on:click=move |_| on_retry.run(())>
                    {w.text("check_again")}
                </button>
            </section>
        }
        .into_any(),
        Phase::Done if is_static => view! {
            <section class="message" aria-labelledby="message-heading">
                <h2 id="message-heading">{w.text("static_done_heading")}</h2>
                <p id="done-message">
                    "Your boxes are kept in this browser. Download them above as COCO or as a Ground Truth \
                     manifest, open more images to box, or start over."
                </p>
            </section>
        }
        .into_any(),
        Phase::Done => view! {
            <section class="message" aria-labelledby="message-heading">
                <h2 id="message-heading">{w.text("thank_you")}</h2>
                <p id="done-message">
                    {w.text("done_message")}
                </p>
            </section>
        }
        .into_any(),
    }
    }
}
