//! Uploads: images, or a dataset file with its format, sent as `multipart/form-data` to
//! `POST /api/jobs/{job}/images` with `XMLHttpRequest`, whose upload progress drives the bar; the answer's
//! summary (added, already there, boxes stored, left out) is shown after.

use crowdbox_core::console::thousands;
use crowdbox_core::owner::UploadReport;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::job_page::JobState;
use super::{api, Owner};

#[derive(Clone, Debug, PartialEq)]
enum UploadState {
    Idle,
    Sending {
        sent: f64,
        total: f64,
    },
    /// Every byte is sent; the server imports.
    Importing,
    Done(UploadReport),
    Failed(String),
}

#[component]
pub(crate) fn UploadSection() -> impl IntoView {
    let owner = Owner::from_context();
    let state = use_context::<JobState>().expect("the job page provides its state");
    let kind = RwSignal::new("images".to_owned());
    let format = RwSignal::new("coco".to_owned());
    let boxes_as = RwSignal::new("pre".to_owned());
    let upload = RwSignal::new(UploadState::Idle);
    let files_ref = NodeRef::<html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(files) = files_ref.get_untracked().and_then(|i| i.files()) else {
            return;
        };
        if files.length() == 0 {
            upload.set(UploadState::Failed(
                "Choose the files to upload first.".to_owned(),
            ));
            return;
        }
        let Ok(form) = web_sys::FormData::new() else {
            return;
        };
        let dataset = kind.get_untracked() == "dataset";
        let mut total = 0.0;
        for index in 0..files.length() {
            let Some(file) = files.get(index) else {
                continue;
            };
            total += file.size();
            let part = if dataset {
                "dataset".to_owned()
            } else {
                format!("image{index}")
            };
            let _ = form.append_with_blob_and_filename(&part, &file, &file.name());
        }
        if dataset {
            let _ = form.append_with_str("format", &format.get_untracked());
            let _ = form.append_with_str("as", &boxes_as.get_untracked());
        }
        upload.set(UploadState::Sending { sent: 0.0, total });
        let path = format!("{}/images", api::job_path(&state.name.get_value()));
        let started = api::upload(
            &owner.token(),
            &path,
            &form,
            move |sent, total| {
                let next = if sent >= total {
                    UploadState::Importing
                } else {
                    UploadState::Sending { sent, total }
                };
                let _ = upload.try_set(next);
            },
            move |status, text| {
                let next = match status {
                    200..=299 => match serde_json::from_str::<UploadReport>(&text) {
                        Ok(report) => UploadState::Done(report),
                        Err(e) => UploadState::Failed(format!(
                            "The server's answer was not understood ({e})."
                        )),
                    },
                    0 => UploadState::Failed(
                        "The upload broke off: the server could not be reached.".to_owned(),
                    ),
                    status => {
                        let error = api::error_from(status, &text);
                        owner.check(&error);
                        UploadState::Failed(error.message)
                    }
                };
                let _ = upload.try_set(next);
                state.reload_job();
                state.reload_stats();
            },
        );
        if let Err(e) = started {
            upload.set(UploadState::Failed(e.message));
        }
        // A new choice starts empty, so the same files are not sent twice by mistake.
        if let Some(input) = files_ref.get_untracked() {
            input.set_value("");
        }
    };
    let busy = move || {
        matches!(
            upload.get(),
            UploadState::Sending { .. } | UploadState::Importing
        )
    };
    let status = move || {
        match upload.get() {
        UploadState::Idle => None,
        UploadState::Sending { sent, total } => {
            let percent = if total > 0.0 { sent * 100.0 / total } else { 0.0 };
            Some(
                view! {
                    <label for="upload-progress">{format!("Uploading… {percent:.0}%")}</label>
                    <progress id="upload-progress" max=total.to_string() value=sent.to_string()>
                        {format!("{percent:.0}%")}
                    </progress>
                }
                .into_any(),
            )
        }
        UploadState::Importing => Some(
            view! {
                <label for="upload-progress">"Uploaded; the server is importing…"</label>
                <progress id="upload-progress" max="1" value="1">"100%"</progress>
            }
            .into_any(),
        ),
        UploadState::Done(report) => Some(
            view! {
                <p class="note upload-summary" role="status">
                    {format!(
                        "Upload done: {} images added, {} already there, {} boxes stored, {} left out.",
                        thousands(report.added),
                        thousands(report.already_present),
                        thousands(report.boxes_stored),
                        thousands(report.left_out)
                    )}
                </p>
            }
            .into_any(),
        ),
        UploadState::Failed(e) => Some(view! { <p class="error" role="alert">{e}</p> }.into_any()),
    }
    };
    let choose_kind = move |ev: leptos::ev::Event| {
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = target {
            kind.set(input.value());
        }
    };
    view! {
        <section class="card" aria-labelledby="upload-heading">
            <h3 id="upload-heading">"Upload"</h3>
            <form class="upload-form" on:submit=submit>
                <fieldset class="inline-form">
                    <legend>"What to upload"</legend>
                    <label class="check">
                        <input type="radio" name="upload-kind" value="images" checked on:change=choose_kind />
                        "Images"
                    </label>
                    <label class="check">
                        <input type="radio" name="upload-kind" value="dataset" on:change=choose_kind />
                        "A dataset (with its boxes)"
                    </label>
                </fieldset>
                <Show when=move || kind.get() == "dataset">
                    <div class="inline-form">
                        <label for="upload-format">"Format"</label>
                        <select id="upload-format" on:change=move |ev| format.set(event_target_value(&ev))>
                            <option value="coco">"COCO JSON (image URLs or with images)"</option>
                            <option value="groundtruth">"Ground Truth manifest"</option>
                            <option value="voc">"Pascal VOC (zip)"</option>
                            <option value="yolo">"YOLO (zip)"</option>
                            <option value="openimages">"Open Images CSV"</option>
                        </select>
                        <label for="upload-as">"Its boxes are"</label>
                        <select id="upload-as" on:change=move |ev| boxes_as.set(event_target_value(&ev))>
                            <option value="pre">"pre-annotations for volunteers to correct"</option>
                            <option value="final">"final boxes"</option>
                        </select>
                    </div>
                </Show>
                <label for="upload-files">"Files"</label>
                <input
                    id="upload-files"
                    node_ref=files_ref
                    type="file"
                    multiple=move || kind.get() == "images"
                    accept=move || if kind.get() == "images" { "image/*" } else { "" }
                />
                <button type="submit" disabled=busy>"Upload"</button>
            </form>
            <div class="upload-status" aria-live="polite">{status}</div>
        </section>
    }
}
