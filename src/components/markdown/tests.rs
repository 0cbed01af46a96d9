use super::*;
use wasm_bindgen_test::wasm_bindgen_test as test;

fn text(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

#[test]
fn headings_paragraphs_and_both_kinds_of_list_become_blocks() {
    let blocks = parse("# Boxes\nDraw one box\nper tool.\n\n- hammer\n  and saw\n- drill\n1. pick\n2. drag\n### Done");
    assert_eq!(
        blocks,
        vec![
            Block::Heading(1, vec![text("Boxes")]),
            Block::Paragraph(vec![text("Draw one box per tool.")]),
            Block::List {
                ordered: false,
                items: vec![vec![text("hammer and saw")], vec![text("drill")]],
            },
            Block::List {
                ordered: true,
                items: vec![vec![text("pick")], vec![text("drag")]],
            },
            Block::Heading(3, vec![text("Done")]),
        ]
    );
}

#[test]
fn emphasis_code_links_and_images_are_recognised_and_unclosed_markers_stay_text() {
    assert_eq!(
        inlines("a **tight** *box*, `N` [help](https://x.org/h) ![good](g.jpg) 2 * 3"),
        vec![
            text("a "),
            Inline::Strong(vec![text("tight")]),
            text(" "),
            Inline::Em(vec![text("box")]),
            text(", "),
            Inline::Code("N".to_owned()),
            text(" "),
            Inline::Link {
                text: vec![text("help")],
                href: "https://x.org/h".to_owned()
            },
            text(" "),
            Inline::Image {
                alt: "good".to_owned(),
                src: "g.jpg".to_owned()
            },
            text(" 2 * 3"),
        ]
    );
}

#[test]
fn markup_in_the_text_is_text_and_only_http_links_are_followable() {
    assert_eq!(
        inlines("<script>alert(1)</script>"),
        vec![text("<script>alert(1)</script>")]
    );
    assert!(safe_link("https://example.org") && safe_link("HTTP://example.org"));
    for bad in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.org",
        "vbscript:x",
    ] {
        assert!(!safe_link(bad), "{bad}");
    }
}
