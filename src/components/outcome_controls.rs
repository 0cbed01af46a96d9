//! What a volunteer can say about an image besides its boxes: nothing to label, image unreadable, or unsure (with
//! an optional note). The task view turns the choice into the submission's typed outcome.

use crate::strings::Wording;
use crowdbox_core::wire::{Outcome, MAX_NOTE_CHARS};
use leptos::prelude::*;

#[component]
pub fn OutcomeControls(
    /// Whether the image has boxes now (or, in a verify job, accepted ones): nothing-to-label and unreadable
    /// mean no boxes, so they wait until the boxes are deleted.
    #[prop(into)]
    has_boxes: Signal<bool>,
    /// "Unsure about this image": sent with the boxes by the main submit button.
    unsure: RwSignal<bool>,
    /// The volunteer's note for the job owner.
    note: RwSignal<String>,
    /// Submits the image with this outcome.
    #[prop(into)]
    on_outcome: Callback<Outcome>,
    /// Verify jobs have no "nothing to label": the volunteer judges the boxes they are given.
    #[prop(optional)]
    verify: bool,
) -> impl IntoView {
    let w = Wording::current();
    let blocked_hint = move || has_boxes.get().then(|| w.text("delete_boxes_first"));
    view! {
        <fieldset class="outcomes">
            <legend>{w.text("outcomes_legend")}</legend>
            <div class="outcome-buttons">
                {(!verify)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                id="nothing-to-label"
                                disabled=move || has_boxes.get()
                                title=blocked_hint
                                on:click=move |_| on_outcome.run(Outcome::NothingToLabel)
                            >
                                {w.text("nothing_to_label")}
                            </button>
                        }
                    })}
                <button
                    type="button"
                    class="secondary"
                    id="image-unreadable"
                    disabled=move || has_boxes.get() && !verify
                    title=blocked_hint
                    on:click=move |_| on_outcome.run(Outcome::ImageUnreadable)
                >
                    {w.text("image_unreadable")}
                </button>
            </div>
            <label class="unsure">
                <input
                    type="checkbox"
                    id="unsure"
                    prop:checked=move || unsure.get()
                    on:change=move |ev| unsure.set(event_target_checked(&ev))
                />
                " " {w.text("unsure")}
            </label>
            <label class="note-label" for="outcome-note">
                {w.text("note_label")}
            </label>
            <textarea
                id="outcome-note"
                class="note"
                rows="2"
                maxlength=MAX_NOTE_CHARS.to_string()
                prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))
            ></textarea>
        </fieldset>
    }
}
