//! Small text helpers for agency copy: plain text made into paragraphs,
//! and markup reduced to its words (for clustering, not for display:
//! display goes through the sanitiser).

pub use dateline_core::escape;

/// Plain text as HTML paragraphs: a blank line separates paragraphs, and a
/// text without blank lines takes each line as one (agencies do both).
pub fn paragraphs(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let blocks: Vec<&str> = if text.contains("\n\n") {
        text.split("\n\n").collect()
    } else {
        text.lines().collect()
    };
    blocks
        .iter()
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|b| !b.is_empty())
        .map(|b| format!("<p>{}</p>\n", escape(&b)))
        .collect()
}

/// The words of an HTML fragment: tags dropped (as a space, so blocks stay
/// apart), the common entities read, whitespace collapsed.
pub fn html_words(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            out.push(' ');
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else {
            let (text, used) = entity(rest);
            out.push_str(text.as_deref().unwrap_or("&"));
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entity at the start of `s` (which starts with `&`): its text and
/// how many bytes it took; `None` and 1 when it is not one.
fn entity(s: &str) -> (Option<String>, usize) {
    // Byte search: `;` is ASCII, so where it is found is a char boundary.
    let Some(end) = s.bytes().take(12).position(|b| b == b';') else {
        return (None, 1);
    };
    let name = &s[1..end];
    let text = match name {
        "amp" => Some("&".to_owned()),
        "lt" => Some("<".to_owned()),
        "gt" => Some(">".to_owned()),
        "quot" => Some("\"".to_owned()),
        "apos" => Some("'".to_owned()),
        "nbsp" => Some(" ".to_owned()),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .map(|hex| u32::from_str_radix(hex, 16))
            .or_else(|| name.strip_prefix('#').map(str::parse))
            .and_then(Result::ok)
            .and_then(char::from_u32)
            .map(String::from),
    };
    match text {
        Some(text) => (Some(text), end + 1),
        None => (None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_words() {
        assert_eq!(
            html_words("<p>Rates &amp; prices</p><p>rose&#x2014;again &bogus; &</p>"),
            "Rates & prices rose\u{2014}again &bogus; &"
        );
        assert_eq!(html_words("<p>cut <b"), "cut");
        assert_eq!(html_words("&#1114112;&#;"), "&#1114112;&#;");
    }

    #[test]
    fn text_becomes_paragraphs() {
        assert_eq!(
            paragraphs("One\nline.\n\nTwo <b>.\n"),
            "<p>One line.</p>\n<p>Two &lt;b&gt;.</p>\n"
        );
        assert_eq!(paragraphs("A.\nB."), "<p>A.</p>\n<p>B.</p>\n");
    }
}
