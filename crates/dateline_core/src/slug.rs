use crate::Invalid;

/// A URL path segment: lowercase ASCII letters and digits in runs joined by
/// single hyphens, at most [`Slug::MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// First path segments the site itself uses; a section or page slug may not take them.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "author",
    "feed",
    "feeds",
    "img",
    "healthz",
    "readyz",
    "media",
    "metrics",
    "search",
    "sitemap",
    "sitemaps",
    "static",
    "tag",
    "topic",
    "print",
    "account",
    "newsletter",
];

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.split('-').all(|run| {
                !run.is_empty()
                    && run
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Invalid::new(
                "slug",
                format!(
                    "{s:?} is not a slug (lowercase letters and digits joined by single hyphens, at most {} characters)",
                    Self::MAX_LEN
                ),
            ))
        }
    }

    /// A slug for a top-level path (`/{slug}`): sections and static pages.
    pub fn parse_top_level(s: &str) -> Result<Self, Invalid> {
        let slug = Self::parse(s)?;
        if RESERVED.contains(&s) {
            return Err(Invalid::new(
                "slug",
                format!("{s:?} is reserved for the site's own pages"),
            ));
        }
        Ok(slug)
    }

    /// Derives a slug from a title: ASCII letters and digits kept, everything
    /// else a separator; cut at a word boundary to fit. Titles with no ASCII
    /// letters at all (e.g. Devanagari) fall back to `fallback`.
    pub fn from_title(title: &str, fallback: &str) -> Self {
        let mut out = String::with_capacity(title.len().min(Self::MAX_LEN));
        for word in title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let word = word.to_ascii_lowercase();
            let extra = word.len() + usize::from(!out.is_empty());
            if out.len() + extra > Self::MAX_LEN {
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&word);
        }
        if out.is_empty() {
            Self::parse(fallback).unwrap_or_else(|_| Self("untitled".into()))
        } else {
            Self(out)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hyphenated_lowercase_words() {
        assert_eq!(
            Slug::parse("get-ahead-2026").unwrap().as_str(),
            "get-ahead-2026"
        );
    }

    #[test]
    fn refuses_what_a_url_segment_should_not_hold() {
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a b",
            "a/b",
            "é",
            &"a".repeat(81),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn reserved_words_are_refused_only_at_top_level() {
        assert!(Slug::parse("api").is_ok());
        assert!(Slug::parse_top_level("api").is_err());
        assert!(Slug::parse_top_level("news").is_ok());
    }

    #[test]
    fn titles_become_slugs_cut_at_a_word() {
        assert_eq!(
            Slug::from_title("Sensex ends 1.2% higher; IT stocks lead", "x").as_str(),
            "sensex-ends-1-2-higher-it-stocks-lead"
        );
        let long = Slug::from_title(&"word ".repeat(40), "x");
        assert!(long.as_str().len() <= Slug::MAX_LEN && !long.as_str().ends_with('-'));
        assert_eq!(Slug::from_title("भारत", "article-7").as_str(), "article-7");
    }
}
