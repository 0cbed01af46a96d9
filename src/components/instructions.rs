//! The job's instructions: a short panel that is always there (plain text, foldable), and the full instructions
//! in a dialog (button or I), rendered from Markdown by the safe [`Markdown`] renderer, with the job's good and
//! bad example images.

use leptos::prelude::*;

use crate::components::dialog::Dialog;
use crate::components::later;
use crate::components::markdown::Markdown;
use crate::strings::Wording;

/// Splits instructions into paragraphs of lines for display. Authors write them like Markdown: blank lines part
/// paragraphs, a single line break inside a paragraph is just wrapping, and list items (`- `, `* `, `1. `) start
/// their own line. No markup is interpreted; every character is shown as written.
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        match current.last_mut() {
            Some(last) if !starts_list_item(line) => {
                last.push(' ');
                last.push_str(line);
            }
            _ => current.push(line.to_owned()),
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

fn starts_list_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
}

#[component]
pub fn Instructions(
    text: String,
    /// Whether the panel is unfolded; kept by the caller so it survives moving to the next task.
    open: RwSignal<bool>,
    /// Whether the full-instructions dialog is open.
    full_open: RwSignal<bool>,
    /// The job's example images as `(url, good, caption)`.
    #[prop(optional)]
    examples: Vec<(String, bool, String)>,
) -> impl IntoView {
    let w = Wording::current();
    let paragraphs = paragraphs(&text);
    let dialog = later::load_when(later::Wanted::Opened(full_open), move || {
        later::full_instructions(text.clone(), full_open, examples.clone())
    });
    let open_button = view! {
        <button
            type="button"
            class="secondary full-instructions-button"
            aria-keyshortcuts="I"
            on:click=move |_| full_open.set(true)
        >
            {w.text("full_instructions_button")}
        </button>
    };
    let panel = (!paragraphs.is_empty()).then(|| {
        let body = paragraphs
            .into_iter()
            .map(|lines| {
                let lines = lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, line)| view! { {(i > 0).then(|| view! { <br /> })} {line} })
                    .collect_view();
                view! { <p>{lines}</p> }
            })
            .collect_view();
        view! {
            <details
                class="instructions"
                prop:open=move || open.get()
                on:toggle=move |ev| {
                    let now_open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                    if now_open != open.get_untracked() {
                        open.set(now_open);
                    }
                }
            >
                <summary>{w.text("instructions")}</summary>
                <div class="instructions-text">{body}</div>
            </details>
        }
    });
    view! { {panel} {open_button} {dialog} }
}

/// The full instructions in a dialog, rendered from Markdown, with the job's good and bad example images.
#[component]
pub fn FullInstructions(
    text: String,
    /// Whether the dialog is open.
    open: RwSignal<bool>,
    /// The job's example images as `(url, good, caption)`.
    examples: Vec<(String, bool, String)>,
) -> impl IntoView {
    let w = Wording::current();
    let example_urls: Vec<String> = examples.iter().map(|(url, _, _)| url.clone()).collect();
    let example_list = move |good: bool| {
        let items = examples
            .iter()
            .filter(|(_, g, _)| *g == good)
            .map(|(url, _, caption)| {
                let alt = match (caption.is_empty(), good) {
                    (false, _) => caption.clone(),
                    (true, true) => "A good example".to_owned(),
                    (true, false) => "A bad example".to_owned(),
                };
                let caption = (!caption.is_empty())
                    .then(|| view! { <figcaption>{caption.clone()}</figcaption> });
                view! {
                    <li>
                        <figure>
                            <img class="example-image" src=url.clone() alt=alt />
                            {caption}
                        </figure>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        (!items.is_empty()).then(|| {
            view! {
                <section class="examples">
                    <h3>{if good { w.text("good_examples") } else { w.text("bad_examples") }}</h3>
                    <ul class="example-list">{items}</ul>
                </section>
            }
        })
    };
    let (good_examples, bad_examples) = (example_list(true), example_list(false));
    let empty = text.trim().is_empty();
    view! {
        <Dialog open title=w.text("instructions") id="full-instructions">
            <div class="instructions-full">
                {if empty {
                    view! { <p>{w.text("no_instructions")}</p> }.into_any()
                } else {
                    view! { <Markdown text=text.clone() images=example_urls /> }.into_any()
                }}
            </div>
            {good_examples}
            {bad_examples}
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn wrapped_lines_join_and_blank_lines_part_paragraphs() {
        let text = "Box every tool,\nwhole and tight.\n\n  \nIf there is none, submit.\n";
        assert_eq!(
            paragraphs(text),
            vec![
                vec!["Box every tool, whole and tight.".to_owned()],
                vec!["If there is none, submit.".to_owned()],
            ]
        );
    }

    #[test]
    fn list_items_keep_their_own_lines_and_markup_stays_text() {
        let text = "Steps:\n- pick a <b>label</b>\n  then drag\n2. submit";
        assert_eq!(
            paragraphs(text),
            vec![vec![
                "Steps:".to_owned(),
                "- pick a <b>label</b> then drag".to_owned(),
                "2. submit".to_owned(),
            ]]
        );
        assert!(paragraphs(" \n\n").is_empty());
    }
}
