//! A verify job's list of given boxes: accept or reject each (buttons, or A and R on the canvas), with an
//! optional reason for a rejection. Mirrors the canvas selection like the box list does.

use leptos::prelude::*;

use crate::strings::Wording;

pub use crowdbox_core::worker::VerifyRow;

#[component]
pub fn VerifyPanel(
    #[prop(into)] rows: Signal<Vec<VerifyRow>>,
    #[prop(into)] on_select: Callback<u64>,
    /// (box id, accepted)
    #[prop(into)]
    on_verdict: Callback<(u64, bool)>,
    /// (box id, reason)
    #[prop(into)]
    on_reason: Callback<(u64, String)>,
) -> impl IntoView {
    let w = Wording::current();
    let ids = move || rows.with(|rows| rows.iter().map(|r| r.row.id).collect::<Vec<_>>());
    let left = move || rows.with(|rows| rows.iter().filter(|r| r.verdict.is_none()).count());
    view! {
        <section class="verify-list" aria-labelledby="verify-heading">
            <h2 id="verify-heading">{w.text("verify_heading")}</h2>
            <p class="hint" id="verify-help">
                {w.text("verify_help")}
                " "
                <span id="verify-left" aria-live="polite">
                    {move || match left() {
                        0 => w.text("verify_all_judged"),
                        1 => w.text("verify_one_left"),
                        n => w.fill("verify_left", &[("n", &n.to_string())]),
                    }}
                </span>
            </p>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="hint">{w.text("verify_no_boxes")}</p>
            </Show>
            <ol class="boxes verify-boxes">
                <For each=ids key=|id| *id let:id>
                    <VerifyListRow id rows on_select on_verdict on_reason w />
                </For>
            </ol>
        </section>
    }
}

#[component]
fn VerifyListRow(
    id: u64,
    rows: Signal<Vec<VerifyRow>>,
    on_select: Callback<u64>,
    on_verdict: Callback<(u64, bool)>,
    on_reason: Callback<(u64, String)>,
    /// The page's words (given by the list: a row is made per box).
    w: Wording,
) -> impl IntoView {
    let entry = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .enumerate()
                .find(|(_, r)| r.row.id == id)
                .map(|(i, r)| (i + 1, r.clone()))
        })
    });
    let number = move || entry.with(|e| e.as_ref().map_or(0, |(n, _)| *n));
    let label = move || {
        entry.with(|e| {
            e.as_ref()
                .map(|(_, r)| r.row.label.clone())
                .unwrap_or_default()
        })
    };
    let verdict = move || entry.with(|e| e.as_ref().and_then(|(_, r)| r.verdict));
    let selected = move || entry.with(|e| e.as_ref().is_some_and(|(_, r)| r.row.selected));
    let reason = move || {
        entry.with(|e| {
            e.as_ref()
                .map(|(_, r)| r.reason.clone())
                .unwrap_or_default()
        })
    };
    let coordinates = move || {
        entry.with(|e| {
            e.as_ref()
                .map(|(_, r)| r.row.coordinates())
                .unwrap_or_default()
        })
    };
    view! {
        <li
            class="box-row verify-row"
            class:selected=selected
            class:accepted=move || verdict() == Some(true)
            class:rejected=move || verdict() == Some(false)
        >
            <button
                type="button"
                class="box-select"
                data-box=id.to_string()
                aria-pressed=move || selected().to_string()
                on:click=move |_| on_select.run(id)
            >
                <span class="box-number">{number}</span>
                <span class="box-label">{label}</span>
                <span class="box-coords">{coordinates}</span>
            </button>
            <div class="verdict-buttons" role="group" aria-label=move || format!("Box {} ({})", number(), label())>
                <button
                    type="button"
                    class="verdict accept"
                    aria-pressed=move || (verdict() == Some(true)).to_string()
                    on:click=move |_| on_verdict.run((id, true))
                >
                    {w.text("accept")}
                </button>
                <button
                    type="button"
                    class="verdict reject"
                    aria-pressed=move || (verdict() == Some(false)).to_string()
                    on:click=move |_| on_verdict.run((id, false))
                >
                    {w.text("reject")}
                </button>
            </div>
            <Show when=move || verdict() == Some(false)>
                <input
                    type="text"
                    class="verdict-reason"
                    maxlength="1000"
                    placeholder="Why? (optional)"
                    aria-label=move || {
                        w.fill("reject_reason", &[("n", &number().to_string()), ("label", &label())])
                    }
                    prop:value=reason
                    on:change=move |ev| on_reason.run((id, event_target_value(&ev)))
                />
            </Show>
        </li>
    }
}
