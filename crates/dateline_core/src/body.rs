//! Article bodies: Markdown in, sanitised HTML out.

use pulldown_cmark::{Options, Parser, html};

/// An article body: the Markdown the newsroom wrote and the sanitised HTML
/// made from it. Built only by [`Body::from_markdown`], so the two agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    markdown: String,
    html: String,
}

impl Body {
    pub fn from_markdown(markdown: &str) -> Self {
        Self {
            markdown: markdown.to_owned(),
            html: render_markdown(markdown),
        }
    }

    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    pub fn html(&self) -> &str {
        &self.html
    }
}

/// Renders Markdown and sanitises the result, so raw HTML in the source
/// (a pasted `<script>`, an `onerror=`) never reaches a reader.
pub fn render_markdown(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    sanitise(&unsafe_html)
}

/// The words of a Markdown body without its markup, links' addresses or
/// raw HTML: for search and snippets. Blocks are separated by a blank line.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push_str("\n\n");
            }
            _ => {}
        }
    }
    text.truncate(text.trim_end().len());
    text
}

/// The words of sanitised HTML (a live entry's body) on one line: for
/// structured data, where only the text is wanted. Blocks are kept apart by
/// a space; tags are dropped by the sanitiser and the entities it writes in
/// text are turned back into characters.
pub fn html_text(html: &str) -> String {
    let spaced = html.replace("</", " </").replace("<br", " <br");
    let text = ammonia::Builder::empty().clean(&spaced).to_string();
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown for the editor from HTML written elsewhere (agency copy): the
/// HTML is sanitised first, so whatever the conversion keeps as raw HTML
/// is already safe, and rendering sanitises again.
pub fn markdown_from_html(html: &str) -> String {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["img"])
        .build();
    // Conversion fails only on I/O inside the parser, which a string has none of.
    converter.convert(&sanitise(html)).unwrap_or_default()
}

/// `html` with what a reader must never get removed (scripts, handlers,
/// foreign schemes): for showing HTML written elsewhere.
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into())
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_markup() {
        let text = plain_text(
            "## Rain\n\nHeavy *rain* fell on [the city](https://example.org).\n\n<script>x</script>",
        );
        assert_eq!(text, "Rain\n\nHeavy rain fell on the city.");
    }

    #[test]
    fn html_text_keeps_words_apart_and_characters_whole() {
        let html =
            render_markdown("## Polls *close*\n\nTurnout: 61% & rising <fast>\n\n- one\n- two");
        assert_eq!(
            html_text(&html),
            "Polls close Turnout: 61% & rising one two"
        );
        assert_eq!(html_text("<p>a &lt;b&gt; c</p>"), "a <b> c");
    }

    #[test]
    fn markdown_becomes_html() {
        let body = Body::from_markdown(
            "## Rain\n\nHeavy *rain* fell.\n\n> \"We are ready,\" an official said.",
        );
        assert!(body.html().contains("<h2>Rain</h2>"));
        assert!(body.html().contains("<em>rain</em>"));
        assert!(body.html().contains("<blockquote>"));
        assert!(
            body.html().contains('\u{201c}'),
            "quotes are made typographic"
        );
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn agency_html_becomes_markdown_without_its_scripts() {
        let markdown = markdown_from_html(
            "<h2>Rain</h2><p>Heavy <b>rain</b> fell on <a href=\"https://example.org\">the \
             city</a>.</p><script>alert(1)</script><p onclick=\"x()\">Second &amp; last.</p>",
        );
        assert!(
            markdown.contains("## Rain") || markdown.contains("Rain\n===="),
            "{markdown}"
        );
        assert!(markdown.contains("**rain**"), "{markdown}");
        assert!(
            markdown.contains("[the city](https://example.org)"),
            "{markdown}"
        );
        assert!(markdown.contains("Second & last."), "{markdown}");
        assert!(!markdown.contains("alert"), "{markdown}");
        assert!(!markdown.contains("onclick"), "{markdown}");
    }

    #[test]
    fn links_do_not_leak_the_opener() {
        let html = render_markdown("[site](https://example.org)");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }
}
