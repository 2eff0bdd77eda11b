//! Language tags (BCP 47): what `<html lang>`, feeds, sitemaps and search
//! analysis are told an article is written in.

use crate::Invalid;

/// `tag` as a registered BCP 47 language tag in its canonical form
/// (`hi-in` → `hi-IN`, `iw` → `he`). Refused, naming the tag: what does not
/// parse, a subtag IANA's registry does not list (`xx`, `english`), and
/// tags that name no language (private use `x-…`, the old `i-…` forms,
/// `und`).
pub fn language_tag(tag: &str) -> Result<String, Invalid> {
    let tag = tag.trim();
    let parsed = language_tags::LanguageTag::parse(tag)
        .map_err(|e| Invalid::new("language", format!("{tag:?} is not a language tag: {e}")))?;
    parsed
        .validate()
        .map_err(|e| Invalid::new("language", format!("{tag:?} is not a known language: {e}")))?;
    let whole = parsed.as_str().to_ascii_lowercase();
    let primary = parsed.primary_language().to_ascii_lowercase();
    if whole.starts_with("x-") || whole.starts_with("i-") || primary == "und" {
        return Err(Invalid::new(
            "language",
            format!("{tag:?} names no language"),
        ));
    }
    Ok(parsed.canonicalize().unwrap_or(parsed).into_string())
}

#[cfg(test)]
mod tests {
    use super::language_tag;

    #[test]
    fn registered_tags_come_back_canonical() {
        for (given, kept) in [
            ("en", "en"),
            ("hi", "hi"),
            ("hi-in", "hi-IN"),
            (" en-GB ", "en-GB"),
            ("zh-Hant-TW", "zh-Hant-TW"),
            ("iw", "he"),
        ] {
            assert_eq!(language_tag(given).unwrap(), kept, "{given}");
        }
    }

    #[test]
    fn unknown_and_empty_tags_are_refused_by_name() {
        for bad in [
            "",
            "xx",
            "english",
            "en_US",
            "zz-IN",
            "x-klingon",
            "i-klingon",
            "und",
            "hi--IN",
        ] {
            let refused = match language_tag(bad) {
                Ok(kept) => panic!("{bad:?} was kept as {kept:?}"),
                Err(refused) => refused.to_string(),
            };
            assert!(
                refused.contains(&format!("{:?}", bad.trim())),
                "{bad}: {refused}"
            );
        }
    }
}
