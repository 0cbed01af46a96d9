//! The list of drawn boxes beside the canvas: select one by clicking it, delete any of them.

use leptos::prelude::*;

/// One box as the list shows it: its label and its rectangle rounded to whole image pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoxRow {
    /// The editor's annotation id (stable while the task is open).
    pub id: u64,
    pub label: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub selected: bool,
}

impl BoxRow {
    pub fn coordinates(&self) -> String {
        format!("x {}, y {}, w {}, h {}", self.x, self.y, self.w, self.h)
    }
}

/// The boxes in drawing order. Rows are keyed by annotation id, so selecting or moving a box updates its row in
/// place and keyboard focus stays where it was.
#[component]
pub fn BoxList(
    #[prop(into)] rows: Signal<Vec<BoxRow>>,
    #[prop(into)] on_select: Callback<u64>,
    #[prop(into)] on_delete: Callback<u64>,
) -> impl IntoView {
    let ids = move || rows.with(|rows| rows.iter().map(|r| r.id).collect::<Vec<_>>());
    view! {
        <section class="box-list" aria-labelledby="box-list-heading">
            <h2 id="box-list-heading">
                "Boxes " <span class="count">{move || format!("({})", rows.with(Vec::len))}</span>
            </h2>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="hint">"No boxes yet. Drag on the image to draw one."</p>
            </Show>
            <ol class="boxes">
                <For each=ids key=|id| *id let:id>
                    <BoxListRow id rows on_select on_delete />
                </For>
            </ol>
        </section>
    }
}

#[component]
fn BoxListRow(
    id: u64,
    rows: Signal<Vec<BoxRow>>,
    on_select: Callback<u64>,
    on_delete: Callback<u64>,
) -> impl IntoView {
    // (1-based number, row): the number follows the row's place, which changes when an earlier box is deleted.
    let entry = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .enumerate()
                .find(|(_, r)| r.id == id)
                .map(|(i, r)| (i + 1, r.clone()))
        })
    });
    let number = move || entry.with(|e| e.as_ref().map_or(0, |(n, _)| *n));
    let label =
        move || entry.with(|e| e.as_ref().map(|(_, r)| r.label.clone()).unwrap_or_default());
    let coordinates =
        move || entry.with(|e| e.as_ref().map(|(_, r)| r.coordinates()).unwrap_or_default());
    let selected = move || entry.with(|e| e.as_ref().is_some_and(|(_, r)| r.selected));
    view! {
        <li class="box-row" class:selected=selected>
            <button
                type="button"
                class="box-select"
                aria-pressed=move || selected().to_string()
                on:click=move |_| on_select.run(id)
            >
                <span class="box-number">{number}</span>
                <span class="box-label">{label}</span>
                <span class="box-coords">{coordinates}</span>
            </button>
            <button
                type="button"
                class="box-delete"
                aria-label=move || format!("Delete box {} ({})", number(), label())
                title=move || format!("Delete box {} ({})", number(), label())
                on:click=move |_| on_delete.run(id)
            >
                <span aria-hidden="true">"×"</span>
            </button>
        </li>
    }
}
