//! The instructions' Markdown rendered into a real page: nothing the author writes becomes live HTML.
#![cfg(target_arch = "wasm32")]

use crowdbox_app::components::markdown::Markdown;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn script_tags_html_and_javascript_links_come_out_inert() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let text = "# Tools <img src=x onerror=alert(1)>\n\n<script>window.pwned = 1</script>\n\n\
                [click me](javascript:window.pwned=2) and [docs](https://example.org/docs)\n\n\
                ![good](examples/good.jpg) ![tracker](https://evil.example/t.gif)";
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <Markdown text=text images=vec!["examples/good.jpg".to_owned()] /> }
    });
    tick().await;
    assert!(
        root.query_selector("script").unwrap().is_none(),
        "no script element"
    );
    assert_eq!(
        root.query_selector_all("img").unwrap().length(),
        1,
        "only the example image"
    );
    let img = root.query_selector("img").unwrap().unwrap();
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("examples/good.jpg")
    );
    let links = root.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "the javascript: link is plain text");
    let a: web_sys::Element = links.item(0).unwrap().unchecked_into();
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://example.org/docs")
    );
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let shown = root.text_content().unwrap();
    assert!(
        shown.contains("<script>window.pwned = 1</script>"),
        "{shown}"
    );
    assert!(
        shown.contains("Tools <img src=x onerror=alert(1)>"),
        "{shown}"
    );
    assert!(
        shown.contains("click me") && shown.contains("tracker"),
        "{shown}"
    );
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "nothing ran");
}
