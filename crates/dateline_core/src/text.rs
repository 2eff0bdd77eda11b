use crate::Invalid;

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
    fn texts_name_their_field_when_refused() {
        let err = Text::parse("caption", "", 10).unwrap_err();
        assert_eq!(err.field, "caption");
    }
}
