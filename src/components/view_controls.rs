//! Buttons and sliders for how the image is shown: zoom in, zoom out, fit, hide or show all boxes, and the
//! image's brightness and contrast. None of them changes the boxes; brightness and contrast change only the
//! image (the painter applies them to the image alone, so the boxes keep their colours).

use crate::strings::Wording;
use crowdbox_core::editor::{Command, Editor};
use leptos::prelude::*;

/// Where the brightness and contrast are kept between tasks and visits.
const STORAGE_KEY: &str = "crowdbox.display";

/// Brightness and contrast in percent (100 = as the image is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    pub brightness: u32,
    pub contrast: u32,
}

impl Default for Display {
    fn default() -> Self {
        Display {
            brightness: 100,
            contrast: 100,
        }
    }
}

impl Display {
    pub const MIN: u32 = 30;
    pub const MAX: u32 = 300;

    /// The canvas filter for the image: `none` when nothing is changed, so the usual case costs nothing.
    pub fn css_filter(self) -> String {
        if self == Display::default() {
            "none".to_owned()
        } else {
            format!(
                "brightness({}%) contrast({}%)",
                self.brightness, self.contrast
            )
        }
    }

    /// Reads `"brightness,contrast"`; anything else (or values out of range) is the default.
    pub fn parse(text: &str) -> Display {
        let mut parts = text.split(',').map(|p| p.trim().parse::<u32>().ok());
        match (parts.next().flatten(), parts.next().flatten(), parts.next()) {
            (Some(b), Some(c), None)
                if (Self::MIN..=Self::MAX).contains(&b) && (Self::MIN..=Self::MAX).contains(&c) =>
            {
                Display {
                    brightness: b,
                    contrast: c,
                }
            }
            _ => Display::default(),
        }
    }

    fn store(self) -> String {
        format!("{},{}", self.brightness, self.contrast)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The volunteer's last brightness and contrast.
pub fn load_display() -> Display {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map_or_else(Display::default, |t| Display::parse(&t))
}

fn save_display(display: Display) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &display.store());
    }
}

#[component]
pub fn ViewControls(editor: RwSignal<Editor>, display: RwSignal<Display>) -> impl IntoView {
    let w = Wording::current();
    let run = move |command: Command| {
        editor.update(|e| {
            e.run_command(command);
        })
    };
    let hidden = Signal::derive(move || editor.with(Editor::boxes_hidden));
    let slider = move |name: String,
                       id: &'static str,
                       get: fn(Display) -> u32,
                       set: fn(&mut Display, u32)| {
        view! {
            <label for=id>{name}</label>
            <input
                id=id
                type="range"
                min=Display::MIN.to_string()
                max=Display::MAX.to_string()
                step="10"
                prop:value=move || get(display.get()).to_string()
                aria-valuetext=move || format!("{}%", get(display.get()))
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                        display.update(|d| set(d, v.clamp(Display::MIN, Display::MAX)));
                        save_display(display.get_untracked());
                    }
                }
            />
            <output for=id>{move || format!("{}%", get(display.get()))}</output>
        }
    };
    view! {
        <fieldset class="view-controls">
            <legend>{w.text("view_legend")}</legend>
            <div class="view-buttons">
                <button type="button" class="secondary" title="Zoom in (+)" on:click=move |_| run(Command::ZoomIn)>
                    {w.text("zoom_in")}
                </button>
                <button type="button" class="secondary" title="Zoom out (−)" on:click=move |_| run(Command::ZoomOut)>
                    {w.text("zoom_out")}
                </button>
                <button type="button" class="secondary" title="Fit (0)" on:click=move |_| run(Command::Fit)>
                    {w.text("fit")}
                </button>
                <button
                    type="button"
                    class="secondary"
                    title="Hide or show all boxes (H)"
                    aria-pressed=move || hidden.get().to_string()
                    on:click=move |_| run(Command::ToggleBoxes)
                >
                    {w.text("hide_boxes")}
                </button>
            </div>
            <div class="sliders">
                {slider(w.text("brightness"), "brightness", |d| d.brightness, |d, v| d.brightness = v)}
                {slider(w.text("contrast"), "contrast", |d| d.contrast, |d, v| d.contrast = v)}
            </div>
            <button
                type="button"
                class="secondary"
                disabled=move || display.get() == Display::default()
                on:click=move |_| {
                    display.set(Display::default());
                    save_display(Display::default());
                }
            >
                {w.text("reset_display")}
            </button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn unchanged_display_has_no_filter_and_changed_display_names_both_values() {
        assert_eq!(Display::default().css_filter(), "none");
        let d = Display {
            brightness: 150,
            contrast: 80,
        };
        assert_eq!(d.css_filter(), "brightness(150%) contrast(80%)");
        assert_eq!(Display::parse(&d.store()), d);
    }

    #[test]
    fn stored_text_that_is_not_two_numbers_in_range_reads_as_the_default() {
        for text in [
            "", "150", "150,80,3", "abc,100", "10,100", "100,999", "-5,100",
        ] {
            assert_eq!(Display::parse(text), Display::default(), "{text}");
        }
    }
}
