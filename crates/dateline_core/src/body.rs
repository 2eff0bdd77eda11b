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

fn sanitise(html: &str) -> String {
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
    fn links_do_not_leak_the_opener() {
        let html = render_markdown("[site](https://example.org)");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }
}
