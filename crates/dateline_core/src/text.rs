use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::Invalid;

/// Whether `c` has no place in stored text: the C0 controls other than tab,
/// line feed and carriage return, DEL, the C1 controls, and Unicode's
/// noncharacters (U+FDD0–U+FDEF and the last two of every plane). XML 1.0
/// cannot carry most of them (a feed with one is malformed), and none
/// means anything in copy: they arrive from pasted documents and agencies'
/// encoders.
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{fdd0}'..='\u{fdef}')
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// Text as Dateline keeps it, whatever brought it (a form, the API, an
/// agency, the command line): in Unicode's composed form (NFC), without the
/// [forbidden characters](is_forbidden_char). Borrowed when it already is.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_forbidden_char) && is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !is_forbidden_char(*c)).nfc().collect())
}

/// Whether XML 1.0 can hold `c` at all (its `Char` production).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// An XML document with every character XML 1.0 cannot hold dropped: what
/// every XML writer's output passes through last, so that text stored
/// before [`clean_text`] guarded the edges cannot make a feed malformed.
pub fn xml_document(xml: String) -> String {
    if xml.chars().all(is_xml_char) {
        return xml;
    }
    xml.chars().filter(|c| is_xml_char(*c)).collect()
}

/// An article headline: trimmed, not empty, at most 200 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Headline(String);

impl Headline {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Invalid::new("headline", "must not be empty"));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(Invalid::new(
                "headline",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if s.contains(['\n', '\r']) {
            return Err(Invalid::new("headline", "must be one line"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A required short text (a name, a title, a caption): trimmed and not empty.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub fn parse(field: &'static str, s: &str, max_chars: usize) -> Result<Self, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Invalid::new(field, "must not be empty"));
        }
        if s.chars().count() > max_chars {
            return Err(Invalid::new(
                field,
                format!("must be at most {max_chars} characters"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Headline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headlines_are_trimmed_and_never_empty() {
        assert_eq!(
            Headline::parse("  Rains lash Mumbai ").unwrap().as_str(),
            "Rains lash Mumbai"
        );
        assert!(Headline::parse("   ").is_err());
        assert!(Headline::parse("two\nlines").is_err());
        assert!(Headline::parse(&"x".repeat(201)).is_err());
        assert!(
            Headline::parse(&"भ".repeat(200)).is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn text_is_kept_composed_and_without_controls_or_noncharacters() {
        assert!(matches!(clean_text("Plain\ttext\r\n"), Cow::Borrowed(_)));
        assert_eq!(clean_text("a\u{1}b\u{0}c\u{85}d\u{7f}"), "abcd");
        assert_eq!(clean_text("x\u{fffe}\u{ffff}\u{1fffe}\u{fdd0}y"), "xy");
        // "é" as e + combining acute becomes the one character.
        assert_eq!(clean_text("Cafe\u{301}"), "Caf\u{e9}");
        assert_eq!(clean_text("किसानों"), "किसानों");
    }

    #[test]
    fn xml_documents_lose_what_xml_cannot_hold() {
        assert_eq!(
            xml_document("<a>x\u{1}\u{fffe}y\u{85}</a>".into()),
            "<a>xy\u{85}</a>"
        );
    }

    #[test]
    fn texts_name_their_field_when_refused() {
        let err = Text::parse("caption", "", 10).unwrap_err();
        assert_eq!(err.field, "caption");
    }
}
