//! The list of drawn boxes beside the canvas, mirroring it: the selected box is marked in both, a click or Enter
//! on a row selects its box, arrow keys (and Home, End) move through the rows, Delete deletes the focused row's
//! box. The rows are one Tab stop (roving tabindex), so a long list does not make keyboard users Tab through it.
//! Below the list, the selected box's x, y, w and h can be typed.

use crate::strings::Wording;

/// "Delete box 2 (hammer)": the name of a row's delete button.
fn delete_name(w: Wording, number: usize, label: &str) -> String {
    w.fill(
        "delete_box",
        &[("n", &number.to_string()), ("label", label)],
    )
}
use crowdbox_core::editor::BoxField;
use crowdbox_core::geometry::ImageRect;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use crowdbox_core::worker::BoxRow;

/// A number of image pixels as the list shows it: whole pixels without decimals, else one decimal.
pub fn pixels(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// What typing a number asks: (box id, which number, the text typed); answers the box's new rectangle or why not.
pub type EditField = Callback<(u64, BoxField, String), Result<ImageRect, String>>;

/// Moves focus to the select button of row `index`, or of the last row when there are fewer.
fn focus_row(list: &web_sys::Element, index: usize) {
    let mut row = list.first_element_child();
    let mut target = None;
    for _ in 0..=index {
        let Some(current) = row else { break };
        row = current.next_element_sibling();
        target = Some(current);
    }
    if let Some(button) = target
        .and_then(|li| li.first_element_child())
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = button.focus();
    }
}

/// The boxes in drawing order. Rows are keyed by annotation id, so selecting or moving a box updates its row in
/// place and keyboard focus stays where it was.
#[component]
pub fn BoxList(
    #[prop(into)] rows: Signal<Vec<BoxRow>>,
    #[prop(into)] on_select: Callback<u64>,
    #[prop(into)] on_delete: Callback<u64>,
    on_edit: EditField,
) -> impl IntoView {
    let w = Wording::current();
    let ids = move || rows.with(|rows| rows.iter().map(|r| r.id).collect::<Vec<_>>());
    // The row that takes Tab focus: the selected one, else the first.
    let tab_stop = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .find(|r| r.selected)
                .or(rows.first())
                .map(|r| r.id)
        })
    });
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|t| t.class_list().contains("box-select"))
        else {
            return;
        };
        let id: Option<u64> = target
            .get_attribute("data-box")
            .and_then(|v| v.parse().ok());
        let Some((index, count)) = id.and_then(|id| {
            rows.with_untracked(|rows| {
                rows.iter()
                    .position(|r| r.id == id)
                    .map(|i| (i, rows.len()))
            })
        }) else {
            return;
        };
        let next = match ev.key().as_str() {
            "ArrowDown" => index + 1,
            "ArrowUp" => index.saturating_sub(1),
            "Home" => 0,
            "End" => count.saturating_sub(1),
            "Delete" | "Backspace" => {
                ev.prevent_default();
                if let Some(id) = id {
                    on_delete.run(id);
                }
                focus_row(&list, index);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        focus_row(&list, next);
    };
    view! {
        <section class="box-list" aria-labelledby="box-list-heading">
            <h2 id="box-list-heading">
                {w.text("boxes_heading")} " " <span class="count">{move || format!("({})", rows.with(Vec::len))}</span>
            </h2>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="hint">"No boxes yet. Drag on the image to draw one, or press N."</p>
            </Show>
            <Show when=move || !rows.with(Vec::is_empty)>
                <p class="hint" id="box-list-help">
                    {w.text("box_list_help")}
                </p>
            </Show>
            <ol class="boxes" node_ref=list_ref on:keydown=on_key>
                <For each=ids key=|id| *id let:id>
                    <BoxListRow id rows tab_stop on_select on_delete w />
                </For>
            </ol>
            <SelectedBoxFields rows on_edit />
        </section>
    }
}

#[component]
fn BoxListRow(
    id: u64,
    rows: Signal<Vec<BoxRow>>,
    tab_stop: Memo<Option<u64>>,
    on_select: Callback<u64>,
    on_delete: Callback<u64>,
    /// The page's words (given by the list: a row is made per box).
    w: Wording,
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
                data-box=id.to_string()
                tabindex=move || if tab_stop.get() == Some(id) { "0" } else { "-1" }
                aria-pressed=move || selected().to_string()
                aria-describedby="box-list-help"
                on:click=move |_| on_select.run(id)
            >
                <span class="box-number">{number}</span>
                <span class="box-label">{label}</span>
                <span class="box-coords">{coordinates}</span>
            </button>
            <button
                type="button"
                class="box-delete"
                tabindex="-1"
                aria-label=move || delete_name(w, number(), &label())
                title=move || delete_name(w, number(), &label())
                on:click=move |_| on_delete.run(id)
            >
                <span aria-hidden="true">"×"</span>
            </button>
        </li>
    }
}

/// The selected box's four numbers as text fields. A change is applied when the field is left or Enter is
/// pressed; text that is not a number shows why next to the field and changes nothing.
#[component]
fn SelectedBoxFields(rows: Signal<Vec<BoxRow>>, on_edit: EditField) -> impl IntoView {
    let w = Wording::current();
    let selected = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .enumerate()
                .find(|(_, r)| r.selected)
                .map(|(i, r)| (i + 1, r.id, r.label.clone()))
        })
    });
    move || {
        selected.get().map(|(number, id, label)| {
            let fields = BoxField::ALL
                .into_iter()
                .map(|field| view! { <BoxNumber id number label=label.clone() field rows on_edit /> })
                .collect_view();
            view! {
                <fieldset class="box-fields">
                    <legend>
                        {w.fill("box_fields_legend", &[("n", &number.to_string()), ("label", &label)])}
                    </legend>
                    {fields}
                </fieldset>
            }
        })
    }
}

#[component]
fn BoxNumber(
    id: u64,
    number: usize,
    label: String,
    field: BoxField,
    rows: Signal<Vec<BoxRow>>,
    on_edit: EditField,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let value = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .find(|r| r.id == id)
                .map(|r| pixels(field.of(&r.rect)))
                .unwrap_or_default()
        })
    });
    let input_id = format!("box-field-{}", field.short());
    let error_id = format!("{input_id}-error");
    let apply =
        move |input: web_sys::HtmlInputElement| match on_edit.run((id, field, input.value())) {
            Ok(rect) => {
                error.set(None);
                // The box may have been clamped to the same numbers it had: show what it has now either way.
                input.set_value(&pixels(field.of(&rect)));
            }
            Err(message) => error.set(Some(message)),
        };
    view! {
        <label class="box-field-label" for=input_id.clone()>
            {field.short()}
        </label>
        <input
            id=input_id
            class="box-field"
            type="text"
            inputmode="decimal"
            autocomplete="off"
            aria-label=format!("{} of box {number} ({label})", field.short())
            aria-invalid=move || error.with(Option::is_some).to_string()
            aria-describedby=error_id.clone()
            prop:value=value
            on:change=move |ev| apply(event_target::<web_sys::HtmlInputElement>(&ev))
        />
        <span id=error_id class="field-error" role="alert">
            {move || error.get()}
        </span>
    }
}
