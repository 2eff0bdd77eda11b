//! Article bodies: Markdown in, sanitised HTML out.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use crate::{
    Invalid,
    blocks::{Block, Directive, KEY_POINTS},
};

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
/// (a pasted `<script>`, an `onerror=`) never reaches a reader. Blocks
/// take their portable form.
pub fn render_markdown(markdown: &str) -> String {
    render_markdown_with(markdown, &Portable)
}

/// [`render_markdown`] with the blocks as `blocks` makes them. Their HTML
/// goes in after sanitising (it is built by escaping every value), so the
/// sanitiser never sees, nor has to allow, what a block needs.
pub fn render_markdown_with(markdown: &str, blocks: &dyn BlockHtml) -> String {
    // Copied only in the rare text that holds the mark.
    let markdown = if markdown.contains(MARK) {
        std::borrow::Cow::Owned(markdown.replace(MARK, ""))
    } else {
        std::borrow::Cow::Borrowed(markdown)
    };
    let mut trusted = Vec::new();
    let mut events = Vec::new();
    for piece in pieces(&markdown) {
        match piece {
            Piece::Event(event) => events.push(event),
            Piece::Block(block) => {
                events.push(Event::Start(Tag::Paragraph));
                events.push(Event::Text(format!("{MARK}{}{MARK}", trusted.len()).into()));
                events.push(Event::End(TagEnd::Paragraph));
                trusted.push(match block {
                    Found::Leaf(block) => blocks.block(&block),
                    Found::Open => blocks.key_points_open(),
                    Found::Close => blocks.key_points_close(),
                });
            }
        }
    }
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, events.into_iter());
    let mut html = sanitise(&unsafe_html);
    for (n, block) in trusted.iter().enumerate() {
        html = html.replacen(&format!("<p>{MARK}{n}{MARK}</p>"), block, 1);
    }
    html
}

/// Marks where a block goes until the sanitiser is done; taken out of the
/// source first, so no text can pose as one. (A private-use character.)
const MARK: char = '\u{E000}';

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_SMART_PUNCTUATION);

enum Piece<'a> {
    Event(Event<'a>),
    Block(Found),
}

enum Found {
    Leaf(Block),
    /// A "Key points" box opens (only when a close follows).
    Open,
    Close,
}

/// The Markdown's events, with each top-level paragraph that is a valid
/// block directive (or a matched "Key points" container's open or close)
/// taken out as the block.
fn pieces(markdown: &str) -> Vec<Piece<'_>> {
    let events: Vec<_> = Parser::new_ext(markdown, OPTIONS)
        .into_offset_iter()
        .collect();
    let found = directives(markdown, &events);
    // A box opens only if a close follows before the next open; the rest
    // of the containers' lines stay text.
    let mut blocks: Vec<(usize, usize, Found)> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (start, end, directive) in found {
        match directive {
            Directive::Leaf(Ok(block)) => blocks.push((start, end, Found::Leaf(block))),
            Directive::Leaf(Err(_)) => {}
            Directive::Open(name) => open = (name == KEY_POINTS).then_some((start, end)),
            Directive::Close => {
                if let Some((open_start, open_end)) = open.take() {
                    blocks.push((open_start, open_end, Found::Open));
                    blocks.push((start, end, Found::Close));
                }
            }
        }
    }
    blocks.sort_by_key(|(start, _, _)| *start);
    let mut blocks = blocks.into_iter().peekable();
    let mut pieces = Vec::with_capacity(events.len());
    let mut events = events.into_iter().enumerate();
    while let Some((i, (event, _))) = events.next() {
        match blocks.next_if(|(start, _, _)| *start == i) {
            Some((_, end, block)) => {
                pieces.push(Piece::Block(block));
                // The directive's own events, through its paragraph's end.
                for _ in i..end {
                    events.next();
                }
            }
            None => pieces.push(Piece::Event(event)),
        }
    }
    pieces
}

/// The top-level paragraphs of `events` that are directives, valid or
/// not: (their first event, their last, what they are).
fn directives(
    markdown: &str,
    events: &[(Event<'_>, std::ops::Range<usize>)],
) -> Vec<(usize, usize, Directive)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        if depth == 0
            && matches!(event, Event::Start(Tag::Paragraph))
            && let Some(directive) = Directive::read(&markdown[range.clone()])
        {
            let end = (i..events.len())
                .find(|&j| matches!(events[j].0, Event::End(TagEnd::Paragraph)))
                .unwrap_or(events.len() - 1);
            found.push((i, end, directive));
            i = end + 1;
            continue;
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    found
}

/// What is wrong with the blocks `markdown` tries to hold, each with the
/// line it is on: a save refuses them rather than show readers the
/// directive as text.
pub fn block_problems(markdown: &str) -> Vec<Invalid> {
    let events: Vec<_> = Parser::new_ext(markdown, OPTIONS)
        .into_offset_iter()
        .collect();
    directives(markdown, &events)
        .into_iter()
        .filter_map(|(start, _, directive)| match directive {
            Directive::Leaf(Err(why)) => {
                let line = markdown[..events[start].1.start].matches('\n').count() + 1;
                Some(Invalid::new("body", format!("line {line}: {}", why.reason)))
            }
            _ => None,
        })
        .collect()
}

/// The blocks `markdown` holds, in order (those the reader sees: valid,
/// at the top level).
pub fn blocks_in(markdown: &str) -> Vec<Block> {
    pieces(markdown)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Block(Found::Leaf(block)) => Some(block),
            _ => None,
        })
        .collect()
}

/// How blocks are shown. The default is the portable form, for feeds, the
/// API, newsletters and anywhere the library cannot be asked: a picture
/// as its caption, an embed as its link, an "Also read" as a link by the
/// story's number.
pub trait BlockHtml {
    /// HTML for `block`, every value in it escaped.
    fn block(&self, block: &Block) -> String {
        portable_html(block, None)
    }

    fn key_points_open(&self) -> String {
        r#"<aside class="key-points"><h2>Key points</h2>"#.to_owned()
    }

    fn key_points_close(&self) -> String {
        "</aside>".to_owned()
    }
}

/// The portable form of every block.
pub struct Portable;

impl BlockHtml for Portable {}

/// A block's portable HTML; `src` is the picture's address when known.
pub fn portable_html(block: &Block, src: Option<&str>) -> String {
    match block {
        Block::Picture(f) => {
            let img = src.map_or_else(String::new, |src| {
                format!(r#"<img src="{}" alt="{}">"#, escape(src), escape(&f.alt))
            });
            format!(
                r#"<figure class="figure figure-{}">{img}{}</figure>"#,
                f.size.as_str(),
                caption(&f.caption, &f.credit)
            )
        }
        Block::Embed(e) => format!(
            r#"<p class="embed-link"><a href="{url}" rel="noopener noreferrer">{}: {url}</a></p>"#,
            e.provider.name(),
            url = escape(&e.url),
        ),
        Block::PullQuote(q) => format!(
            r#"<figure class="pull-quote"><blockquote><p>{}</p></blockquote>{}</figure>"#,
            escape(&q.text),
            if q.by.is_empty() {
                String::new()
            } else {
                format!("<figcaption>{}</figcaption>", escape(&q.by))
            }
        ),
        Block::AlsoRead(a) => format!(
            r#"<p class="also-read">Also read: <a href="/article/story-{}">{}</a></p>"#,
            a.article.0,
            escape(if a.title.is_empty() {
                "the story"
            } else {
                &a.title
            })
        ),
    }
}

/// A figure's caption and credit, escaped; nothing when both are empty.
pub fn caption(caption: &str, credit: &str) -> String {
    match (caption.is_empty(), credit.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("<figcaption>{}</figcaption>", escape(caption)),
        (true, false) => format!(
            r#"<figcaption><span class="credit">{}</span></figcaption>"#,
            escape(credit)
        ),
        (false, false) => format!(
            r#"<figcaption>{} <span class="credit">{}</span></figcaption>"#,
            escape(caption),
            escape(credit)
        ),
    }
}

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The words of a Markdown body without its markup, links' addresses or
/// raw HTML: for search and snippets. Blocks are separated by a blank
/// line; a block gives the words a reader sees in it.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for piece in pieces(markdown) {
        match piece {
            Piece::Event(Event::Text(t) | Event::Code(t)) => text.push_str(&t),
            Piece::Event(Event::SoftBreak | Event::HardBreak) => text.push(' '),
            Piece::Event(Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            )) => {
                text.push_str("\n\n");
            }
            Piece::Block(Found::Leaf(block)) => {
                let words = block.words();
                if !words.is_empty() {
                    text.push_str(&words);
                    text.push_str("\n\n");
                }
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

#[cfg(test)]
#[path = "body_blocks_tests.rs"]
mod blocks_tests;
