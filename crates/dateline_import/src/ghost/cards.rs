//! Ghost's editor formats made HTML, for posts whose export carries no
//! `html`: Lexical (Ghost 5 and later) and Mobiledoc (Ghost 2 to 5). What
//! a story's body can hold is rendered — text and its marks, headings,
//! quotes, lists, links, pictures, embeds, HTML and code — and the rest
//! of Ghost's cards (buttons, sign-up forms, products) is left out. The
//! HTML goes through the body cleaner after, like any other.

use serde_json::Value;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn text_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A picture, or an embed's address on a line of its own (which the body
/// maker recognises).
fn picture(src: &str, alt: &str, caption: &str) -> String {
    if src.is_empty() {
        return String::new();
    }
    let caption = if caption.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{caption}</figcaption>")
    };
    format!(
        "<figure><img src=\"{}\" alt=\"{}\">{caption}</figure>",
        escape(src),
        escape(alt)
    )
}

fn embed(url: &str) -> String {
    if url.is_empty() {
        String::new()
    } else {
        format!("\n\n{url}\n\n")
    }
}

/// Lexical's JSON as HTML; `None` if it is not Lexical.
pub fn lexical_html(json: &str) -> Option<String> {
    let value: Value = serde_json::from_str(json).ok()?;
    let root = value.get("root")?;
    let mut html = String::new();
    lexical_children(root, &mut html, 0);
    Some(html)
}

fn lexical_children(node: &Value, out: &mut String, depth: usize) {
    if depth > 64 {
        return;
    }
    for child in node
        .get("children")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        lexical_node(child, out, depth + 1);
    }
}

fn lexical_node(node: &Value, out: &mut String, depth: usize) {
    let wrap = |out: &mut String, tag: &str| {
        out.push_str(&format!("<{tag}>"));
        lexical_children(node, out, depth);
        out.push_str(&format!("</{tag}>"));
    };
    match node.get("type").and_then(Value::as_str).unwrap_or_default() {
        "paragraph" => wrap(out, "p"),
        "heading" | "extended-heading" => {
            let tag = text_of(node, "tag");
            let tag = if matches!(tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                tag
            } else {
                "h2".into()
            };
            wrap(out, &tag);
        }
        "quote" | "extended-quote" | "aside" => wrap(out, "blockquote"),
        "list" => wrap(
            out,
            if text_of(node, "listType") == "number" {
                "ol"
            } else {
                "ul"
            },
        ),
        "listitem" => wrap(out, "li"),
        "link" | "autolink" => {
            out.push_str(&format!("<a href=\"{}\">", escape(&text_of(node, "url"))));
            lexical_children(node, out, depth);
            out.push_str("</a>");
        }
        "text" | "extended-text" => {
            let format = node
                .get("format")
                .and_then(Value::as_u64)
                .unwrap_or_default();
            let marks = [(1, "strong"), (2, "em"), (4, "s"), (16, "code")];
            let text = escape(&text_of(node, "text"));
            let opened: Vec<&str> = marks
                .iter()
                .filter(|(bit, _)| format & bit != 0)
                .map(|(_, t)| *t)
                .collect();
            for tag in &opened {
                out.push_str(&format!("<{tag}>"));
            }
            out.push_str(&text);
            for tag in opened.iter().rev() {
                out.push_str(&format!("</{tag}>"));
            }
        }
        "linebreak" => out.push_str("<br>"),
        "horizontalrule" => out.push_str("<hr>"),
        "image" => out.push_str(&picture(
            &text_of(node, "src"),
            &text_of(node, "alt"),
            &text_of(node, "caption"),
        )),
        "gallery" => {
            for image in node
                .get("images")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push_str(&picture(
                    &text_of(image, "src"),
                    &text_of(image, "alt"),
                    &text_of(image, "caption"),
                ));
            }
        }
        "embed" | "bookmark" | "video" | "audio" => out.push_str(&embed(&text_of(node, "url"))),
        "html" => out.push_str(&text_of(node, "html")),
        "markdown" => out.push_str(&format!("<p>{}</p>", escape(&text_of(node, "markdown")))),
        "codeblock" => out.push_str(&format!(
            "<pre><code>{}</code></pre>",
            escape(&text_of(node, "code"))
        )),
        _ => lexical_children(node, out, depth),
    }
}

/// Mobiledoc's JSON as HTML; `None` if it is not Mobiledoc.
pub fn mobiledoc_html(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let sections = doc.get("sections")?.as_array()?;
    let markups: Vec<(String, String)> = doc
        .get("markups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|m| {
            let tag = m
                .get(0)
                .and_then(Value::as_str)
                .unwrap_or("span")
                .to_ascii_lowercase();
            let href = m
                .get(1)
                .and_then(Value::as_array)
                .and_then(|attrs| {
                    attrs
                        .chunks(2)
                        .find(|kv| kv[0].as_str() == Some("href"))
                        .and_then(|kv| kv.get(1))
                        .and_then(Value::as_str)
                })
                .unwrap_or_default()
                .to_owned();
            (tag, href)
        })
        .collect();
    let cards = doc
        .get("cards")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut html = String::new();
    for section in sections {
        let Some(parts) = section.as_array() else {
            continue;
        };
        match parts.first().and_then(Value::as_u64) {
            Some(1) => {
                let tag = parts
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or("p")
                    .to_ascii_lowercase();
                let tag = match tag.as_str() {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "p" => tag,
                    "aside" | "pull-quote" => "blockquote".into(),
                    _ => "p".into(),
                };
                html.push_str(&format!(
                    "<{tag}>{}</{tag}>",
                    markers(parts.get(2), &markups)
                ));
            }
            Some(3) => {
                let tag = if parts.get(1).and_then(Value::as_str) == Some("ol") {
                    "ol"
                } else {
                    "ul"
                };
                html.push_str(&format!("<{tag}>"));
                for item in parts.get(2).and_then(Value::as_array).into_iter().flatten() {
                    html.push_str(&format!("<li>{}</li>", markers(Some(item), &markups)));
                }
                html.push_str(&format!("</{tag}>"));
            }
            Some(10) => {
                let card = parts
                    .get(1)
                    .and_then(Value::as_u64)
                    .and_then(|n| cards.get(n as usize));
                if let Some(card) = card.and_then(Value::as_array) {
                    let name = card.first().and_then(Value::as_str).unwrap_or_default();
                    let payload = card.get(1).cloned().unwrap_or(Value::Null);
                    html.push_str(&match name {
                        "image" => picture(
                            &text_of(&payload, "src"),
                            &text_of(&payload, "alt"),
                            &text_of(&payload, "caption"),
                        ),
                        "html" => text_of(&payload, "html"),
                        "markdown" | "card-markdown" => {
                            format!("<p>{}</p>", escape(&text_of(&payload, "markdown")))
                        }
                        "embed" | "bookmark" => embed(&text_of(&payload, "url")),
                        "hr" => "<hr>".into(),
                        "code" => format!(
                            "<pre><code>{}</code></pre>",
                            escape(&text_of(&payload, "code"))
                        ),
                        _ => String::new(),
                    });
                }
            }
            _ => {}
        }
    }
    Some(html)
}

/// A run of Mobiledoc markers: `[type, opened markups, closed count, text]`.
fn markers(list: Option<&Value>, markups: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut open: Vec<&str> = Vec::new();
    for marker in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(m) = marker.as_array() else { continue };
        for index in m.get(1).and_then(Value::as_array).into_iter().flatten() {
            if let Some((tag, href)) = index.as_u64().and_then(|i| markups.get(i as usize)) {
                let tag = match tag.as_str() {
                    "a" | "strong" | "em" | "b" | "i" | "s" | "code" | "sub" | "sup" | "u" => {
                        tag.as_str()
                    }
                    _ => "span",
                };
                if tag == "a" {
                    out.push_str(&format!("<a href=\"{}\">", escape(href)));
                } else {
                    out.push_str(&format!("<{tag}>"));
                }
                open.push(tag);
            }
        }
        if m.first().and_then(Value::as_u64) == Some(0) {
            out.push_str(&escape(
                m.get(3).and_then(Value::as_str).unwrap_or_default(),
            ));
        }
        let closed = m.get(2).and_then(Value::as_u64).unwrap_or_default();
        for _ in 0..closed {
            if let Some(tag) = open.pop() {
                out.push_str(&format!("</{tag}>"));
            }
        }
    }
    while let Some(tag) = open.pop() {
        out.push_str(&format!("</{tag}>"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_becomes_html() {
        let json = r#"{"root":{"children":[
            {"type":"heading","tag":"h2","children":[{"type":"text","text":"Rain & wind","format":0}]},
            {"type":"paragraph","children":[{"type":"text","text":"Heavy","format":1},{"type":"text","text":" rain in ","format":0},
                {"type":"link","url":"https://example.org/a","children":[{"type":"text","text":"the city","format":2}]}]},
            {"type":"list","listType":"number","children":[{"type":"listitem","children":[{"type":"text","text":"one"}]}]},
            {"type":"image","src":"https://example.org/i.jpg","alt":"Clouds","caption":"Over the bay"},
            {"type":"embed","url":"https://www.youtube.com/watch?v=aqz-KE-bpKQ"},
            {"type":"signup","children":[]}
        ]}}"#;
        let html = lexical_html(json).unwrap();
        assert!(html.contains("<h2>Rain &amp; wind</h2>"), "{html}");
        assert!(html.contains("<p><strong>Heavy</strong> rain in <a href=\"https://example.org/a\"><em>the city</em></a></p>"), "{html}");
        assert!(html.contains("<ol><li>one</li></ol>"), "{html}");
        assert!(html.contains("<img src=\"https://example.org/i.jpg\" alt=\"Clouds\"><figcaption>Over the bay</figcaption>"), "{html}");
        assert!(
            html.contains("\nhttps://www.youtube.com/watch?v=aqz-KE-bpKQ\n"),
            "{html}"
        );
        assert_eq!(lexical_html("[1]"), None);
    }

    #[test]
    fn mobiledoc_becomes_html() {
        let json = r#"{"version":"0.3.1","atoms":[],"markups":[["strong"],["a",["href","https://example.org"]]],
            "cards":[["image",{"src":"https://example.org/p.jpg","alt":"A","caption":"B"}],["html",{"html":"<table><tr><td>1</td></tr></table>"}]],
            "sections":[[1,"p",[[0,[],0,"Plain "],[0,[0],1,"bold"],[0,[1],1," link"]]],[10,0],[3,"ul",[[[0,[],0,"item"]]]],[10,1],[1,"h2",[[0,[],0,"Head"]]]]}"#;
        let html = mobiledoc_html(json).unwrap();
        assert!(
            html.starts_with(
                "<p>Plain <strong>bold</strong><a href=\"https://example.org\"> link</a></p>"
            ),
            "{html}"
        );
        assert!(html.contains("<figure><img src=\"https://example.org/p.jpg\" alt=\"A\"><figcaption>B</figcaption></figure>"));
        assert!(html.contains("<ul><li>item</li></ul><table>"));
        assert!(html.ends_with("<h2>Head</h2>"));
    }
}
