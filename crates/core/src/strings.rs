//! The worker app's user-visible English strings that an embedding host may replace (`init.strings`), by key.
//! Kept here, as data, so the protocol's check of a host's strings is tested natively; the app reads them through
//! `src/strings.rs`: the names of the buttons, headings and fixed sentences a volunteer sees. Sentences built with
//! numbers (progress, announcements) and the key help's table are still written in their components.

/// `(key, English default)`.
pub const STRINGS: &[(&str, &str)] = &[
    ("loading_job", "Loading the job…"),
    ("job_failed", "This job could not be loaded"),
    ("job_label", "Job:"),
    ("embed_waiting", "Waiting for the work from the host page…"),
    ("embed_failed", "The work could not be started"),
    // The task view and the messages around it.
    ("submit", "Submit and next"),
    ("copy_previous", "Copy boxes from the previous image (C)"),
    ("delete_selected", "Delete selected box"),
    ("undo", "Undo"),
    ("redo", "Redo"),
    ("keys_button", "Keys and shortcuts (?)"),
    (
        "submit_hint",
        "Sends this image's boxes (or none, if it shows nothing to box).",
    ),
    (
        "submit_hint_verify",
        "Sends your verdicts: the boxes you accepted are kept.",
    ),
    ("nothing_to_label", "Nothing to label"),
    ("image_unreadable", "Image unreadable"),
    ("note_label", "Note for the job owner (optional)"),
    ("outcomes_legend", "Or say why there are no boxes"),
    ("unsure", "I am unsure about this image"),
    ("accept", "Accept"),
    ("reject", "Reject"),
    ("verify_heading", "Check each box"),
    (
        "box_list_help",
        "Arrow keys move through the list, Enter selects, Delete deletes.",
    ),
    ("boxes_heading", "Boxes"),
    ("full_instructions_button", "Full instructions (I)"),
    ("instructions", "Instructions"),
    ("good_examples", "Good examples"),
    ("bad_examples", "Bad examples"),
    ("label_legend", "Label"),
    ("try_again", "Try again"),
    ("panel_unavailable", "This part of the page could not be loaded. Check the connection, then try again."),
    ("check_again", "Check for images again"),
    (
        "done_message",
        "All done — this job has no more images for you. Thank you!",
    ),
    ("no_job", "No job chosen"),
    ("loading_images", "Loading images…"),
    ("saving", "Saving your work…"),
    ("lease_failed", "Could not load images"),
    ("nothing_free", "No free images right now"),
    ("static_done_heading", "Every image is done"),
    ("thank_you", "Thank you"),
    ("download_coco", "Download COCO"),
    ("download_manifest", "Download Ground Truth manifest"),
    ("start_over", "Start over…"),
    ("discard", "Discard"),
    ("zoom_in", "Zoom in"),
    ("zoom_out", "Zoom out"),
    ("fit", "Fit"),
    ("hide_boxes", "Hide boxes"),
    ("reset_display", "Reset brightness and contrast"),
    ("view_legend", "View"),
    ("reset_keys", "Reset all keys"),
    ("change_keys", "Change keys"),
    ("close", "Close"),
    // Sentences with numbers: `{name}` is replaced by the value (a host's text may leave one out, not add one).
    ("task_progress", "task {n} of {total}"),
    ("job_progress", "{done} of {total} images done"),
    ("batch_to_do", "{n} images to box in this batch."),
    ("image_sent", "Image {n} is kept and sent in the background."),
    ("verify_help", "Accept a box that is right, reject one that is wrong (A and R on the canvas judge the selected box and go on to the next)."),
    ("verify_no_boxes", "This image came without boxes: submit it, or say why below."),
    ("verify_all_judged", "Every box is judged."),
    ("verify_one_left", "1 box left to judge."),
    ("verify_left", "{n} boxes left to judge."),
    ("box_fields_legend", "Box {n} ({label}) in image pixels"),
    ("delete_box", "Delete box {n} ({label})"),
    ("copied_none", "The previous image has no boxes to copy."),
    ("copied_one", "Copied 1 box from the previous image."),
    ("copied_many", "Copied {n} boxes from the previous image."),
    ("static_done_count", "{n} done"),
    ("finished", "Finished."),
    ("waiting_for_images", "Waiting for free images."),
    ("lease_failed_status", "Could not load images."),
    ("lease_retry", "Could not reach the server; trying again…"),
    ("image_back", "Image {n} is back to box again."),
    ("next_after_sync", "The next images come as soon as this batch is stored."),
    ("nothing_free_text", "Other volunteers are working on the remaining images. Images that are not finished in time become free again."),
    ("no_instructions", "This job has no instructions beyond its labels."),
    ("label_key_one", "Key 1 chooses the label."),
    ("label_keys", "Keys 1–{n} choose a label."),
    ("delete_boxes_first", "Delete the boxes first: these answers mean the image has none."),
    ("open_images_to_start", "Open images (or drop them on the page) to start boxing."),
    ("reject_reason", "Why box {n} ({label}) is rejected"),
    ("brightness", "Brightness"),
    ("contrast", "Contrast"),
    ("undid", "Undid: {what}."),
    ("redid", "Redid: {what}."),
];

/// The longest replacement accepted.
pub const MAX_STRING_CHARS: usize = 300;

/// `template` with each `{name}` replaced by its value in `values`; other text, and a `{name}` without a value,
/// stay as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{name}` placeholders of a text, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    found.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

/// The English default of `key`.
pub fn default_text(key: &str) -> Option<&'static str> {
    STRINGS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The words the app shows: the English defaults, with an embedding host's replacements (already checked:
/// known keys, short texts) in their place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Words {
    replaced: Vec<(String, String)>,
}

impl Words {
    pub fn new(replaced: Vec<(String, String)>) -> Self {
        Self { replaced }
    }

    /// The words for `key`: the host's, else the English default (else the key itself).
    pub fn text(&self, key: &str) -> String {
        self.replaced
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| default_text(key).unwrap_or(key).to_owned())
    }

    /// The words for `key` with each `{name}` replaced by its value (see [`fill`]).
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(&self.text(key), values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_listed_once_with_a_short_english_default() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a key is listed twice");
        for (key, text) in STRINGS {
            assert!(
                !text.trim().is_empty() && text.chars().count() <= MAX_STRING_CHARS,
                "{key}"
            );
            assert!(
                key.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                "{key}"
            );
        }
        assert_eq!(default_text("submit"), Some("Submit and next"));
        assert_eq!(default_text("no_such_key"), None);
    }

    #[test]
    fn templates_are_filled_by_name_and_their_placeholders_are_found() {
        assert_eq!(
            fill("task {n} of {total}", &[("n", "2"), ("total", "5")]),
            "task 2 of 5"
        );
        assert_eq!(fill("{n} done, {n} left", &[("n", "3")]), "3 done, 3 left");
        assert_eq!(fill("{missing} stays", &[("n", "1")]), "{missing} stays");
        assert_eq!(placeholders("{done} of {total} images"), ["done", "total"]);
        assert!(placeholders("no {Braces} or { spaces }").is_empty());
    }

    #[test]
    fn a_hosts_words_replace_the_defaults_they_name_and_no_others() {
        let words = Words::new(vec![("submit".into(), "Weiter".into())]);
        assert_eq!(words.text("submit"), "Weiter");
        assert_eq!(words.text("undo"), "Undo");
        assert_eq!(Words::default().text("submit"), "Submit and next");
        assert_eq!(
            Words::default().fill("task_progress", &[("n", "2"), ("total", "5")]),
            "task 2 of 5"
        );
    }
}
