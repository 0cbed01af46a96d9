//! The label choice: a radio group, one radio per category, named by the category's name.

use crowdbox_core::coco::CocoCategory;
use leptos::prelude::*;

/// The number key that picks the category at `index` (0-based): 1–9 for the first nine, none after.
pub fn hotkey_for_index(index: usize) -> Option<u32> {
    u32::try_from(index + 1).ok().filter(|n| *n <= 9)
}

/// The category a number key picks: the inverse of [`hotkey_for_index`].
pub fn category_for_hotkey(categories: &[CocoCategory], key: &str) -> Option<u64> {
    let digit = key.parse::<usize>().ok().filter(|d| (1..=9).contains(d))?;
    categories.get(digit - 1).map(|c| c.id)
}

/// A `<fieldset>` radio group. Each radio's accessible name is exactly the label's name: the hotkey number is
/// shown beside it but hidden from assistive technology (it is announced by the group's description instead).
#[component]
pub fn LabelPicker(
    categories: Vec<CocoCategory>,
    /// The category new boxes get (and the selected box has).
    #[prop(into)]
    active: Signal<u64>,
    #[prop(into)] on_choose: Callback<u64>,
) -> impl IntoView {
    let choices = categories
        .into_iter()
        .enumerate()
        .map(|(index, category)| {
            let id = category.id;
            let input_id = format!("label-choice-{id}");
            let hotkey = hotkey_for_index(index).map(|n| {
                view! { <kbd class="hotkey" aria-hidden="true">{n}</kbd> }
            });
            view! {
                <label class="label-choice">
                    <input
                        type="radio"
                        name="label"
                        id=input_id
                        value=id.to_string()
                        prop:checked=move || active.get() == id
                        on:change=move |_| on_choose.run(id)
                    />
                    {hotkey}
                    <span class="label-name">{category.name}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="label-picker" aria-describedby="label-hotkeys">
            <legend>"Label"</legend>
            <div class="label-choices">{choices}</div>
            <p id="label-hotkeys" class="hint">
                "Keys 1–9 choose a label."
            </p>
        </fieldset>
    }
}
