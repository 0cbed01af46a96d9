//! An existing job's example images in its settings form: each shown with a button to remove it, and new ones
//! added by address or as an image file (stored at once with `POST /api/jobs/{job}/example-files`, shown from a
//! local preview). What the form holds is saved with the other settings (`PATCH`, all or nothing).

use crowdbox_core::console::form::{example_title, examples_field, FormError, JobForm};
use crowdbox_core::owner::ExampleFile;
use crowdbox_core::wire::ExampleKind;
use leptos::html;
use leptos::prelude::*;

use super::{api, Owner};

#[component]
pub(crate) fn ExamplesEditor(
    form: RwSignal<JobForm>,
    error: RwSignal<Option<FormError>>,
) -> impl IntoView {
    let owner = Owner::from_context();
    let kind = RwSignal::new(ExampleKind::Good);
    let address = RwSignal::new(String::new());
    let uploading = RwSignal::new(None::<String>);
    let file_ref = NodeRef::<html::Input>::new();
    // The local previews of uploaded files, given back to the browser when the form goes away.
    let previews = StoredValue::new(Vec::<String>::new());
    on_cleanup(move || {
        for url in previews.try_get_value().unwrap_or_default() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let add_address = move || {
        let text = address.get_untracked();
        let mut added = Ok(());
        form.update(|f| added = f.add_example_url(kind.get_untracked(), &text));
        match added {
            Ok(()) => {
                address.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let upload_file = move || {
        let Some(input) = file_ref.get_untracked() else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let Ok(data) = web_sys::FormData::new() else {
            return;
        };
        let _ = data.append_with_blob_and_filename("file", &file, &file.name());
        let chosen = kind.get_untracked();
        let field = examples_field(chosen);
        let name = file.name();
        uploading.set(Some(format!("Uploading {name}…")));
        let preview = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
        previews.update_value(|p| p.push(preview.clone()));
        let path = format!(
            "{}/example-files",
            api::job_path(&form.with_untracked(|f| f.name.clone()))
        );
        let started = api::upload(
            &owner.token(),
            &path,
            &data,
            |_, _| {},
            move |status, text| {
                let _ = uploading.try_set(None);
                let failed = |message: String| {
                    let _ = error.try_set(Some(FormError::from_server(Some(field), message)));
                };
                match status {
                    200..=299 => match serde_json::from_str::<ExampleFile>(&text) {
                        Ok(stored) => {
                            let _ =
                                form.try_update(|f| f.add_example_file(chosen, &stored, preview));
                            let _ = error.try_set(None);
                        }
                        Err(e) => failed(format!("The server's answer was not understood ({e}).")),
                    },
                    0 => {
                        failed("The upload broke off: the server could not be reached.".to_owned())
                    }
                    status => {
                        let e = api::error_from(status, &text);
                        owner.check(&e);
                        failed(format!("{name}: {}", e.message));
                    }
                }
            },
        );
        if let Err(e) = started {
            uploading.set(None);
            error.set(Some(FormError::from_server(Some(field), e.message)));
        }
        input.set_value("");
    };
    let field_error = move |field: &'static str| {
        move || {
            error.get().filter(|e| e.field == field).map(|e| {
                view! { <p class="field-error" id=format!("edit-{field}-error") role="alert">{e.message}</p> }
            })
        }
    };
    let list = move || {
        let examples = form.with(|f| f.examples.clone());
        if examples.is_empty() {
            return view! { <p class="note">"No example images yet."</p> }.into_any();
        }
        let items = examples
            .iter()
            .enumerate()
            .map(|(index, example)| {
                let title = example_title(&examples, index);
                let remove = move |_| form.update(|f| f.remove_example(index));
                view! {
                    <li class="example-edit">
                        <img class="example-thumb" src=example.url.clone() alt=title.clone() />
                        <span>{title.clone()}</span>
                        <button type="button" class="secondary" aria-label=format!("Remove {title}") on:click=remove>
                            "Remove"
                        </button>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul class="example-edit-list" aria-label="Example images">{items}</ul> }.into_any()
    };
    let set_kind = move |ev: leptos::ev::Event| {
        kind.set(if event_target_value(&ev) == "bad" {
            ExampleKind::Bad
        } else {
            ExampleKind::Good
        });
    };
    view! {
        <fieldset class="examples-editor">
            <legend>"Example images volunteers see"</legend>
            {list}
            <div class="field-row">
                <div class="field">
                    <label for="edit-example-kind">"Add as"</label>
                    <select id="edit-example-kind" on:change=set_kind>
                        <option value="good" selected>"A good example"</option>
                        <option value="bad">"A bad example"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="edit-example-address">"Image address (http or https)"</label>
                    <input
                        id="edit-example-address"
                        prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            // Enter adds the address instead of saving the whole form.
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                add_address();
                            }
                        }
                    />
                    <button type="button" class="secondary" on:click=move |_| add_address()>"Add the address"</button>
                </div>
                <div class="field">
                    <label for="edit-example-file">"Or an image file (JPEG, PNG, WebP)"</label>
                    <input
                        id="edit-example-file"
                        type="file"
                        accept="image/jpeg,image/png,image/webp"
                        node_ref=file_ref
                        on:change=move |_| upload_file()
                    />
                </div>
            </div>
            {move || uploading.get().map(|s| view! { <p class="note" role="status">{s}</p> })}
            {field_error("good_examples")}
            {field_error("bad_examples")}
            <p class="note">"Added and removed examples take effect when you save the settings."</p>
        </fieldset>
    }
}
