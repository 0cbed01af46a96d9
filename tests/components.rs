//! The app's components mounted in a real browser: the label radio group and the box list.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use crowdbox_app::components::box_list::{BoxList, BoxRow};
use crowdbox_app::components::label_picker::LabelPicker;
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::editor::BoxField;
use crowdbox_core::geometry::ImageRect;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn category(id: u64, name: &str) -> CocoCategory {
    CocoCategory {
        id,
        name: name.into(),
        supercategory: "tool".into(),
    }
}

/// A fresh element in the page to mount into, so tests do not see each other's DOM.
fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// The accessible name a `<label>` gives its control: its text without the parts hidden from assistive tech.
fn label_name(label: &Element) -> String {
    let copy: Element = label.clone_node_with_deep(true).unwrap().unchecked_into();
    for hidden in all(&copy, "[aria-hidden='true']") {
        hidden.remove();
    }
    copy.text_content().unwrap_or_default().trim().to_owned()
}

#[wasm_bindgen_test]
async fn label_picker_is_a_radio_group_named_by_label_and_follows_the_active_label() {
    let root = container();
    let active = RwSignal::new(2_u64);
    let chosen = Arc::new(Mutex::new(Vec::new()));
    let record = chosen.clone();
    let categories = vec![
        category(1, "driller"),
        category(2, "hammer"),
        category(7, "saw"),
    ];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <LabelPicker
                categories
                active
                on_choose=move |id| {
                    record.lock().unwrap().push(id);
                    active.set(id);
                }
            />
        }
    });
    tick().await;

    let fieldset = root
        .query_selector("fieldset")
        .unwrap()
        .expect("a fieldset");
    let legend = fieldset
        .query_selector("legend")
        .unwrap()
        .expect("a legend");
    assert_eq!(legend.text_content().unwrap(), "Label");

    let radios: Vec<HtmlInputElement> = all(&fieldset, "input[type=radio][name=label]")
        .into_iter()
        .map(JsCast::unchecked_into)
        .collect();
    assert_eq!(radios.len(), 3, "one radio per label");
    let names: Vec<String> = all(&fieldset, "label").iter().map(label_name).collect();
    assert_eq!(
        names,
        ["driller", "hammer", "saw"],
        "each radio is named by its label only"
    );
    let hotkeys: Vec<String> = all(&fieldset, "label [aria-hidden='true']")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(
        hotkeys,
        ["1", "2", "3"],
        "hotkeys are shown but hidden from the name"
    );

    let checked =
        |radios: &[HtmlInputElement]| radios.iter().map(|r| r.checked()).collect::<Vec<_>>();
    assert_eq!(checked(&radios), [false, true, false]);

    radios[2].click();
    tick().await;
    assert_eq!(
        *chosen.lock().unwrap(),
        [7],
        "choosing a radio reports its category id"
    );
    assert_eq!(checked(&radios), [false, false, true]);

    // A change from elsewhere (a hotkey, the canvas) moves the checked radio too.
    active.set(1);
    tick().await;
    assert_eq!(checked(&radios), [true, false, false]);
}

fn row(id: u64, label: &str, selected: bool) -> BoxRow {
    BoxRow {
        id,
        label: label.into(),
        rect: ImageRect::new(10.0, 20.0, 30.0, 40.0),
        selected,
    }
}

#[wasm_bindgen_test]
async fn box_list_names_each_delete_button_by_box_number_and_label() {
    let root = container();
    let rows = RwSignal::new(vec![
        row(5, "hammer", false),
        row(9, "saw", true),
        row(11, "hammer", false),
    ]);
    let deleted = Arc::new(Mutex::new(Vec::new()));
    let selected = Arc::new(Mutex::new(Vec::new()));
    let (record_delete, record_select) = (deleted.clone(), selected.clone());
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <BoxList
                rows
                on_select=move |id| record_select.lock().unwrap().push(id)
                on_delete=move |id| {
                    record_delete.lock().unwrap().push(id);
                    rows.update(|r| r.retain(|b| b.id != id));
                }
                on_edit=Callback::new(|(_, _, text): (u64, BoxField, String)| {
                    Err(format!("not here: {text}"))
                })
            />
        }
    });
    tick().await;

    let delete_names = |root: &Element| {
        all(root, "button.box-delete")
            .iter()
            .map(|b| b.get_attribute("aria-label").unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        delete_names(&root),
        [
            "Delete box 1 (hammer)",
            "Delete box 2 (saw)",
            "Delete box 3 (hammer)"
        ]
    );
    let pressed: Vec<String> = all(&root, "button.box-select")
        .iter()
        .map(|b| b.get_attribute("aria-pressed").unwrap())
        .collect();
    assert_eq!(
        pressed,
        ["false", "true", "false"],
        "the selected box is marked"
    );
    assert!(root
        .text_content()
        .unwrap()
        .contains("x 10, y 20, w 30, h 40"));

    all(&root, "button.box-select")[2]
        .unchecked_ref::<HtmlElement>()
        .click();
    tick().await;
    assert_eq!(*selected.lock().unwrap(), [11]);

    all(&root, "button.box-delete")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    tick().await;
    assert_eq!(*deleted.lock().unwrap(), [5]);
    assert_eq!(
        delete_names(&root),
        ["Delete box 1 (saw)", "Delete box 2 (hammer)"],
        "boxes are renumbered after a delete"
    );
}
