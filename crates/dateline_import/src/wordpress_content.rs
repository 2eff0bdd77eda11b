//! WordPress post content made into HTML for the body cleaner: block
//! markup's comments taken out (an embed block kept as its address),
//! shortcodes replaced (`[caption]`, `[gallery]`, `[embed]`, `[video]`,
//! `[audio]`; others dropped with a note), classic content's paragraphs
//! made as WordPress's `wpautop` makes them, and each picture, gallery and
//! embed put on a paragraph of its own as a marker the importer turns into
//! a body block once it knows the picture's place in the library.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Marks a placed thing in the HTML: `MARK n MARK` alone in a paragraph.
/// A private-use character, taken out of the content first.
pub const MARK: char = '\u{E001}';

/// What stands at a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    Picture {
        /// The file's address as the old site had it.
        src: String,
        /// From `wp-image-N`, when the content names the attachment.
        attachment: Option<u64>,
        alt: String,
        caption: String,
    },
    /// `[gallery]`: these attachments, or the post's own when empty.
    Gallery { attachments: Vec<u64> },
    /// An address to embed (`[embed]`, an embed block, a URL on a line of
    /// its own).
    Embed { url: String },
    /// A sound or video file (`[audio]`, `[video]`): kept as a link.
    File { url: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub html: String,
    pub placed: Vec<Placed>,
    /// What was dropped, for the import's report.
    pub notes: Vec<String>,
}

pub fn marker(n: usize) -> String {
    format!("{MARK}{n}{MARK}")
}

macro_rules! regex {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).expect($pattern));
    };
}

regex!(
    EMBED_BLOCK,
    r#"(?s)<!--\s*wp:(?:core-)?embed(?:/[a-z-]+)?\s+(\{.*?\})\s*/?-->(.*?<!--\s*/wp:(?:core-)?embed(?:/[a-z-]+)?\s*-->)?"#
);
regex!(BLOCK_COMMENT, r"(?s)<!--\s*/?wp:[^>]*?-->");
// Each enclosing shortcode closes with its own name (the regex crate has
// no back-references, so one pattern each), then the self-closing forms.
regex!(
    CAPTION,
    r"(?s)\[(caption|wp_caption)(\s[^\]]*)?\](.*?)\[/(?:caption|wp_caption)\]"
);
regex!(EMBED, r"(?s)\[(embed)(\s[^\]]*)?\](.*?)\[/embed\]");
regex!(VIDEO, r"(?s)\[(video)(\s[^\]]*)?\](.*?)\[/video\]");
regex!(AUDIO, r"(?s)\[(audio)(\s[^\]]*)?\](.*?)\[/audio\]");
regex!(SELF_CLOSING, r"\[(gallery|video|audio)(\s[^\]]*)?\]");
regex!(OTHER_SHORTCODE, r"\[/?([a-z][a-z0-9_-]*)(?:\s[^\]\n]*)?\]");
regex!(
    ATTRIBUTE,
    r#"([a-zA-Z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#
);
regex!(FIGURE, r"(?s)<figure\b[^>]*>(.*?)</figure>");
regex!(IMAGE, r"(?s)(?:<a\b[^>]*>\s*)?<img\b([^>]*)/?>(?:\s*</a>)?");
regex!(FIGCAPTION, r"(?s)<figcaption\b[^>]*>(.*?)</figcaption>");
regex!(URL_LINE, r"(?m)^\s*(https?://[^\s<>]+)\s*$");
regex!(TAGS, r"<[^>]*>");
regex!(BLANK_LINES, r"\n\s*\n");
regex!(
    BLOCK_END,
    r"(?i)</(?:address|blockquote|h[1-6]|ul|ol|dl|table|pre|figure|hr|div|p)>"
);

/// Converts post content (see the module's comment).
pub fn convert(content: &str) -> Converted {
    let mut out = Converted::default();
    let text: String = content
        .chars()
        .filter(|&c| c != MARK && c != '\r')
        .collect();
    let blocks = text.contains("<!-- wp:");
    let text = EMBED_BLOCK.replace_all(&text, |c: &Captures| {
        let url = serde_json::from_str::<serde_json::Value>(&c[1])
            .ok()
            .and_then(|v| v.get("url").and_then(|u| u.as_str()).map(str::to_owned));
        match url {
            Some(url) => out.place(Placed::Embed { url }),
            None => String::new(),
        }
    });
    let text = BLOCK_COMMENT.replace_all(&text, "");
    let mut text = text.into_owned();
    for pattern in [&*CAPTION, &*EMBED, &*VIDEO, &*AUDIO, &*SELF_CLOSING] {
        text = pattern
            .replace_all(&text, |c: &Captures| shortcode(&mut out, c))
            .into_owned();
    }
    // A plugin's shortcode is dropped; words in brackets ("[sic]") are
    // not: only a bracket with attributes, a closing one, or one whose
    // closing one is in the text counts as a shortcode.
    let closed: Vec<String> = OTHER_SHORTCODE
        .captures_iter(&text)
        .filter(|c| c[0].starts_with("[/"))
        .map(|c| c[1].to_owned())
        .collect();
    let text = OTHER_SHORTCODE.replace_all(&text, |c: &Captures| {
        let whole = &c[0];
        if !(whole.starts_with("[/") || whole.contains('=') || closed.iter().any(|n| *n == c[1])) {
            return whole.to_owned();
        }
        let note = format!("shortcode [{}] dropped", &c[1]);
        if !out.notes.contains(&note) {
            out.notes.push(note);
        }
        String::new()
    });
    let text = FIGURE.replace_all(&text, |c: &Captures| {
        let caption = FIGCAPTION.captures(&c[1]).map(|f| plain(&f[1]));
        let inside = FIGCAPTION.replace_all(&c[1], "");
        let pictures: Vec<String> = IMAGE
            .captures_iter(&inside)
            .map(|i| out.picture(&i[1], caption.clone().unwrap_or_default()))
            .collect();
        if pictures.is_empty() {
            // A figure of something else (a table, a quote): its content.
            c[1].to_owned()
        } else {
            pictures.concat()
        }
    });
    let text = IMAGE.replace_all(&text, |c: &Captures| out.picture(&c[1], String::new()));
    let text = if blocks {
        text.into_owned()
    } else {
        let with_embeds = URL_LINE.replace_all(&text, |c: &Captures| {
            out.place(Placed::Embed {
                url: c[1].to_owned(),
            })
        });
        autop(&with_embeds)
    };
    out.html = text;
    out
}

impl Converted {
    /// Keeps `placed` and gives the paragraph that marks its place.
    fn place(&mut self, placed: Placed) -> String {
        self.placed.push(placed);
        format!("\n\n<p>{}</p>\n\n", marker(self.placed.len() - 1))
    }

    /// An `<img>`'s attributes as a placed picture.
    fn picture(&mut self, attributes: &str, caption: String) -> String {
        let attributes = attributes_of(attributes);
        let get = |name: &str| {
            attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let attachment = get("class")
            .split_whitespace()
            .find_map(|c| c.strip_prefix("wp-image-"))
            .and_then(|n| n.parse().ok());
        let src = get("src");
        if src.is_empty() && attachment.is_none() {
            return String::new();
        }
        self.place(Placed::Picture {
            src,
            attachment,
            alt: get("alt"),
            caption,
        })
    }
}

fn shortcode(out: &mut Converted, c: &Captures) -> String {
    let name = &c[1];
    let attributes = attributes_of(c.get(2).map_or("", |m| m.as_str()));
    let get = |key: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == key)
            .map(|(_, v)| v.clone())
    };
    let inner = c.get(3).map_or("", |m| m.as_str());
    match name {
        "caption" | "wp_caption" => {
            let caption = get("caption").unwrap_or_else(|| plain(&IMAGE.replace_all(inner, "")));
            let pictures: Vec<String> = IMAGE
                .captures_iter(inner)
                .map(|i| out.picture(&i[1], caption.clone()))
                .collect();
            pictures.concat()
        }
        "gallery" => {
            let attachments = get("ids")
                .or_else(|| get("include"))
                .unwrap_or_default()
                .split(',')
                .filter_map(|id| id.trim().parse().ok())
                .collect();
            out.place(Placed::Gallery { attachments })
        }
        "embed" => match inner.trim() {
            "" => String::new(),
            url => out.place(Placed::Embed {
                url: url.to_owned(),
            }),
        },
        _ => {
            // [video] and [audio]: the file in `src` or a format's own key.
            let url = [
                "src", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a",
            ]
            .iter()
            .find_map(|k| get(k))
            .or_else(|| Some(inner.trim().to_owned()).filter(|u| u.starts_with("http")));
            match url {
                Some(url) => out.place(Placed::File { url }),
                None => String::new(),
            }
        }
    }
}

/// `name="value"` pairs of a tag or shortcode, lower-case names.
fn attributes_of(s: &str) -> Vec<(String, String)> {
    ATTRIBUTE
        .captures_iter(s)
        .map(|c| {
            let value = c
                .get(2)
                .or_else(|| c.get(3))
                .or_else(|| c.get(4))
                .map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), unescape(value))
        })
        .collect()
}

/// Text without tags, entities of markup turned back, spaces collapsed.
fn plain(html: &str) -> String {
    unescape(&TAGS.replace_all(html, " "))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Paragraphs as WordPress's `wpautop` makes them from classic content: a
/// block element's end ends a chunk (text after `</address>` on the same
/// line is a paragraph of its own), a blank line ends a paragraph, a
/// single line break is a `<br>`, and a chunk that is already a block
/// element is left alone.
fn autop(text: &str) -> String {
    let text = BLOCK_END.replace_all(text, "$0\n\n");
    const BLOCKS: [&str; 24] = [
        "<p",
        "<div",
        "<h1",
        "<h2",
        "<h3",
        "<h4",
        "<h5",
        "<h6",
        "<ul",
        "<ol",
        "<li",
        "<dl",
        "<blockquote",
        "<table",
        "<pre",
        "<figure",
        "<hr",
        "<address",
        "<section",
        "<form",
        "<iframe",
        "<!--",
        "<style",
        "<script",
    ];
    let mut html = String::with_capacity(text.len() + text.len() / 8);
    for chunk in BLANK_LINES.split(&text) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        let lower = chunk.get(..12).unwrap_or(chunk).to_ascii_lowercase();
        // A chunk that closes a block opened before it is that block's too.
        if BLOCKS.iter().any(|b| lower.starts_with(b))
            || lower.starts_with("</")
            || chunk.contains("</p>")
        {
            html.push_str(chunk);
        } else {
            html.push_str("<p>");
            html.push_str(&chunk.replace('\n', "<br>\n"));
            html.push_str("</p>");
        }
        html.push_str("\n\n");
    }
    html
}

#[cfg(test)]
#[path = "wordpress_content_tests.rs"]
mod tests;
