//! The review screen's image: the picture with the consolidated boxes and every worker's boxes as overlays in
//! SVG (natural image pixels as the view box, so boxes sit exactly on the image at any size), one colour per
//! worker, the label written on every box, each layer shown or hidden with its checkbox; and each submission's
//! note and change record.

use crowdbox_core::console::submission::{change_record, note};
use crowdbox_core::owner::{ImageDetail, LabelledBox};
use leptos::prelude::*;

/// One colour per worker (and one for the consolidated boxes), distinct on light and dark images.
const WORKER_COLOURS: [&str; 8] = [
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
];
pub(crate) const CONSOLIDATED_COLOUR: &str = "#ffe119";

pub(crate) fn worker_colour(index: usize) -> &'static str {
    WORKER_COLOURS[index % WORKER_COLOURS.len()]
}

/// A layer of boxes: who drew them, in which colour, and whether it is shown.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layer {
    pub name: String,
    pub colour: &'static str,
    pub boxes: Vec<LabelledBox>,
    pub dashed: bool,
}

/// The layers of an image: the consolidated boxes first, then each submission's.
pub(crate) fn layers(detail: &ImageDetail) -> Vec<Layer> {
    let mut layers = vec![Layer {
        name: "Consolidated".to_owned(),
        colour: CONSOLIDATED_COLOUR,
        boxes: detail.consolidated.clone(),
        dashed: false,
    }];
    layers.extend(
        detail
            .submissions
            .iter()
            .enumerate()
            .map(|(index, s)| Layer {
                name: layers_name(s),
                colour: worker_colour(index),
                boxes: s.boxes.clone(),
                dashed: true,
            }),
    );
    layers
}

#[component]
pub(crate) fn ReviewImage(
    detail: ImageDetail,
    /// Which of [`layers`] are shown, by index.
    shown: RwSignal<Vec<bool>>,
) -> impl IntoView {
    let (w, h) = (f64::from(detail.width), f64::from(detail.height));
    // Strokes and text scale with the image so they read the same on small and huge images.
    let unit = (w.max(h) / 400.0).max(1.0);
    let groups = layers(&detail)
        .into_iter()
        .enumerate()
        .map(|(index, layer)| {
            let boxes = layer
                .boxes
                .iter()
                .map(|b| {
                    let [x, y, bw, bh] = b.bbox;
                    let text_y = if y > 14.0 * unit { y - 3.0 * unit } else { y + 12.0 * unit };
                    view! {
                        <rect
                            x=x y=y width=bw height=bh
                            fill="none"
                            stroke=layer.colour
                            stroke-width=2.0 * unit
                            stroke-dasharray=if layer.dashed { format!("{} {}", 6.0 * unit, 3.0 * unit) } else { String::new() }
                        />
                        <text
                            x=x + 2.0 * unit y=text_y
                            fill=layer.colour
                            stroke="#000" stroke-width=0.6 * unit paint-order="stroke"
                            font-size=12.0 * unit
                            class="box-label"
                        >
                            {b.label.clone()}
                        </text>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <g
                    class="layer"
                    data-layer=layer.name.clone()
                    visibility=move || if shown.with(|s| s.get(index).copied().unwrap_or(true)) { "visible" } else { "hidden" }
                >
                    {boxes}
                </g>
            }
        })
        .collect::<Vec<_>>();
    let description = format!(
        "{}: {} consolidated boxes, {} submissions",
        detail.file_name,
        detail.consolidated.len(),
        detail.submissions.len()
    );
    view! {
        <svg
            class="review-image"
            role="img"
            aria-label=description
            viewBox=format!("0 0 {w} {h}")
            preserveAspectRatio="xMidYMid meet"
        >
            <image href=detail.image_url.clone() x="0" y="0" width=w height=h />
            {groups}
        </svg>
    }
}

/// The checkboxes that show and hide the layers, each with its colour.
#[component]
pub(crate) fn LayerToggles(detail: ImageDetail, shown: RwSignal<Vec<bool>>) -> impl IntoView {
    let toggles = layers(&detail)
        .into_iter()
        .enumerate()
        .map(|(index, layer)| {
            let count = layer.boxes.len();
            view! {
                <label class="check layer-toggle">
                    <input
                        type="checkbox"
                        prop:checked=move || shown.with(|s| s.get(index).copied().unwrap_or(true))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            shown.update(|s| {
                                if s.len() <= index {
                                    s.resize(index + 1, true);
                                }
                                s[index] = on;
                            })
                        }
                    />
                    <span class="swatch" style=format!("background: {}", layer.colour) aria-hidden="true"></span>
                    {format!("{} — {count} boxes", layer.name)}
                </label>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <fieldset class="layers">
            <legend>"Boxes shown"</legend>
            {toggles}
        </fieldset>
    }
}

/// Each submission's words: who, the outcome, the volunteer's note and what became of each box (the change
/// record), in the worker's colour.
#[component]
pub(crate) fn SubmissionDetails(detail: ImageDetail) -> impl IntoView {
    let items = detail
        .submissions
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let heading = layers_name(s);
            let note = note(s.note.as_deref()).map(|n| {
                view! { <blockquote class="submission-note" aria-label=format!("Note from {}", s.worker_id)>{n.to_owned()}</blockquote> }
            });
            let changes = change_record(&s.changes).map(|record| {
                let lines = record
                    .lines
                    .into_iter()
                    .map(|l| view! { <li>{l}</li> })
                    .collect::<Vec<_>>();
                view! {
                    <details class="change-record">
                        <summary>{format!("Changes: {}", record.summary)}</summary>
                        <ul aria-label=format!("Changes by {}", s.worker_id)>{lines}</ul>
                    </details>
                }
            });
            let none = (note.is_none() && changes.is_none())
                .then(|| view! { <p class="hint">"No note, no change record."</p> });
            view! {
                <li class="submission">
                    <h4>
                        <span class="swatch" style=format!("background: {}", worker_colour(index)) aria-hidden="true"></span>
                        {heading}
                    </h4>
                    {note}
                    {changes}
                    {none}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="submissions" aria-label="Submissions">
            <h3>"Submissions"</h3>
            <ul>{items}</ul>
        </section>
    }
}

/// A submission's layer name: the worker and the outcome, or "(final)".
fn layers_name(s: &crowdbox_core::owner::ImageSubmission) -> String {
    if s.is_final {
        format!("{} (final)", s.worker_id)
    } else {
        format!("{} ({})", s.worker_id, s.outcome.replace('_', " "))
    }
}
