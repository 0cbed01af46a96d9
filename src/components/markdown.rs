//! A tiny, safe Markdown renderer for job instructions: headings (`#`, `##`, `###`), paragraphs, lists (`- `,
//! `* `, `1. `), `**strong**`, `*emphasis*`, `` `code` ``, links and images. It builds DOM nodes through Leptos
//! views, so every character of the author's text is text: no HTML is ever parsed (`<script>` shows as written).
//! Links work only for http(s) addresses and open with `rel="noopener noreferrer"`; any other link (such as
//! `javascript:`) shows as its plain text. Images show only when their address is one of the job's example
//! images; any other image shows as its description.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Em(Vec<Inline>),
    Code(String),
    Link { text: Vec<Inline>, href: String },
    Image { alt: String, src: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
}

/// `(ordered, rest of the line)` when the line starts a list item.
fn list_item(line: &str) -> Option<(bool, &str)> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some((false, rest));
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0)
        .then(|| rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")))
        .flatten()
        .map(|r| (true, r))
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    let rest = line[hashes..].strip_prefix(' ')?;
    (1..=3).contains(&hashes).then_some((hashes as u8, rest))
}

/// Splits the text into blocks. Lines of a paragraph or a list item join with a space.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let flush = |blocks: &mut Vec<Block>,
                 paragraph: &mut Vec<&str>,
                 list: &mut Option<(bool, Vec<String>)>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inlines(&paragraph.join(" "))));
            paragraph.clear();
        }
        if let Some((ordered, items)) = list.take() {
            let items = items.iter().map(|i| inlines(i)).collect();
            blocks.push(Block::List { ordered, items });
        }
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut blocks, &mut paragraph, &mut list);
        } else if let Some((level, rest)) = heading(line) {
            flush(&mut blocks, &mut paragraph, &mut list);
            blocks.push(Block::Heading(level, inlines(rest)));
        } else if let Some((ordered, rest)) = list_item(line) {
            if !paragraph.is_empty() || list.as_ref().is_some_and(|(o, _)| *o != ordered) {
                flush(&mut blocks, &mut paragraph, &mut list);
            }
            list.get_or_insert_with(|| (ordered, Vec::new()))
                .1
                .push(rest.to_owned());
        } else if let Some((_, items)) = list.as_mut() {
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut blocks, &mut paragraph, &mut list);
    blocks
}

/// `[text](target)` starting at `s` (after `[`): the text, the target, and the bytes used after the `[`.
fn bracketed(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find("](")?;
    let end = s[close + 2..].find(')')? + close + 2;
    Some((&s[..close], s[close + 2..end].trim(), end + 1))
}

/// Parses the inline markup of one block.
pub fn inlines(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let parsed: Option<(Inline, usize)> = match c {
            '!' if rest.starts_with("![") => bracketed(&rest[2..]).map(|(alt, src, used)| {
                (
                    Inline::Image {
                        alt: alt.to_owned(),
                        src: src.to_owned(),
                    },
                    used + 2,
                )
            }),
            '[' => bracketed(&rest[1..]).map(|(t, href, used)| {
                (
                    Inline::Link {
                        text: inlines(t),
                        href: href.to_owned(),
                    },
                    used + 1,
                )
            }),
            '`' => rest[1..]
                .find('`')
                .map(|end| (Inline::Code(rest[1..end + 1].to_owned()), end + 2)),
            '*' | '_' if rest.starts_with("**") || rest.starts_with("__") => {
                let marker = &rest[..2];
                rest[2..]
                    .find(marker)
                    .filter(|end| *end > 0)
                    .map(|end| (Inline::Strong(inlines(&rest[2..end + 2])), end + 4))
            }
            '*' | '_' => rest[1..]
                .find(c)
                .filter(|end| *end > 0)
                .map(|end| (Inline::Em(inlines(&rest[1..end + 1])), end + 2)),
            _ => None,
        };
        match parsed {
            Some((inline, used)) => {
                if !text.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut text)));
                }
                out.push(inline);
                rest = &rest[used..];
            }
            None => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !text.is_empty() {
        out.push(Inline::Text(text));
    }
    out
}

/// Whether a link may be followed: http and https only.
pub fn safe_link(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn inline_views(inlines: &[Inline], images: &[String]) -> AnyView {
    inlines
        .iter()
        .map(|i| inline_view(i, images))
        .collect_view()
        .into_any()
}

fn inline_view(inline: &Inline, images: &[String]) -> AnyView {
    match inline {
        Inline::Text(t) => t.clone().into_any(),
        Inline::Strong(c) => view! { <strong>{inline_views(c, images)}</strong> }.into_any(),
        Inline::Em(c) => view! { <em>{inline_views(c, images)}</em> }.into_any(),
        Inline::Code(t) => view! { <code>{t.clone()}</code> }.into_any(),
        Inline::Link { text, href } if safe_link(href) => view! {
            <a href=href.clone() rel="noopener noreferrer" target="_blank">{inline_views(text, images)}</a>
        }
        .into_any(),
        Inline::Link { text, .. } => inline_views(text, images),
        Inline::Image { alt, src } if images.contains(src) => {
            view! { <img src=src.clone() alt=alt.clone() class="example-image" /> }.into_any()
        }
        Inline::Image { alt, .. } => alt.clone().into_any(),
    }
}

/// The instructions as DOM nodes; `images` are the addresses allowed for images.
#[component]
pub fn Markdown(
    #[prop(into)] text: String,
    #[prop(optional)] images: Vec<String>,
) -> impl IntoView {
    parse(&text)
        .into_iter()
        .map(|block| match block {
            Block::Heading(level, c) => {
                let c = inline_views(&c, &images);
                match level {
                    1 => view! { <h3>{c}</h3> }.into_any(),
                    2 => view! { <h4>{c}</h4> }.into_any(),
                    _ => view! { <h5>{c}</h5> }.into_any(),
                }
            }
            Block::Paragraph(c) => view! { <p>{inline_views(&c, &images)}</p> }.into_any(),
            Block::List { ordered, items } => {
                let items = items
                    .iter()
                    .map(|c| view! { <li>{inline_views(c, &images)}</li> })
                    .collect_view();
                if ordered {
                    view! { <ol>{items}</ol> }.into_any()
                } else {
                    view! { <ul>{items}</ul> }.into_any()
                }
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests;
