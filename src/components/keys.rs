//! Which key presses are the app's shortcuts.

/// Whether a key press belongs to a text field rather than to the app's shortcuts.
pub fn typed_into_text_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "TEXTAREA" | "SELECT")
                || (el.tag_name() == "INPUT"
                    && !matches!(
                        el.get_attribute("type").as_deref(),
                        Some("radio" | "checkbox" | "button" | "submit")
                    ))
                || el.has_attribute("contenteditable")
        })
}
