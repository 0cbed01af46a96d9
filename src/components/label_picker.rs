//! The label choice: a radio group, one radio per category, named by the category's name.

use crate::strings::Wording;
use crowdbox_core::coco::CocoCategory;
use leptos::prelude::*;

/// The number key that picks the category at `index` (0-based): 1–9 for the first nine, none after (the key
/// table's `Command::Label`).
pub fn hotkey_for_index(index: usize) -> Option<u32> {
    u32::try_from(index + 1).ok().filter(|n| *n <= 9)
}

/// The sentence that tells which number keys pick labels.
pub fn hotkey_hint(label_count: usize) -> String {
    let w = Wording::current();
    match label_count.min(9) {
        0 => String::new(),
        1 => w.text("label_key_one"),
        n => w.fill("label_keys", &[("n", &n.to_string())]),
    }
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
    let w = Wording::current();
    let hint = hotkey_hint(categories.len());
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
            <legend>{w.text("label_legend")}</legend>
            <div class="label-choices">{choices}</div>
            <p id="label-hotkeys" class="hint">{hint}</p>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn number_keys_pick_the_first_nine_labels_in_order() {
        assert_eq!(hotkey_for_index(0), Some(1));
        assert_eq!(hotkey_for_index(8), Some(9));
        assert_eq!(hotkey_for_index(9), None);
    }

    #[test]
    fn the_hint_names_the_keys_that_exist() {
        assert_eq!(hotkey_hint(5), "Keys 1–5 choose a label.");
        assert_eq!(hotkey_hint(14), "Keys 1–9 choose a label.");
        assert_eq!(hotkey_hint(1), "Key 1 chooses the label.");
    }
}
