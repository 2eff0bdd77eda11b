//! Dependency keys: what a cached page shows, so that a change purges
//! exactly the pages it touches. The same names go out in `Surrogate-Key`
//! headers so that a CDN can purge by them too.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepKey {
    /// The home page's lists.
    Home,
    /// Everything that shows this article: its page and every list with its card.
    Article(i64),
    /// The section's front (new articles appear there).
    Section(i64),
    Tag(i64),
    Topic(i64),
    Author(i64),
    /// A Most read block: no change names it; such pages expire sooner
    /// (see `reader::most_read`).
    MostRead,
}

impl fmt::Display for DepKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Home => f.write_str("home"),
            Self::Article(id) => write!(f, "article-{id}"),
            Self::Section(id) => write!(f, "section-{id}"),
            Self::Tag(id) => write!(f, "tag-{id}"),
            Self::Topic(id) => write!(f, "topic-{id}"),
            Self::Author(id) => write!(f, "author-{id}"),
            Self::MostRead => f.write_str("most-read"),
        }
    }
}

/// Every page also carries this key: changes to what every page shows (the
/// section navigation, the footer) purge them all.
pub use crate::cdn::SITE_KEY;

/// The `Surrogate-Key` header value for a page's keys, each once: a page
/// names what it shows as it renders, and the home page shows an article
/// in several blocks (top stories and its section's).
pub fn surrogate_keys(keys: &[DepKey]) -> String {
    let mut out = String::from(SITE_KEY);
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].contains(key) {
            continue;
        }
        out.push(' ');
        out.push_str(&key.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_keys_name_every_dependency_and_the_site() {
        let header = surrogate_keys(&[DepKey::Article(7), DepKey::Section(2), DepKey::Home]);
        assert_eq!(header, "site article-7 section-2 home");
    }

    #[test]
    fn a_key_named_twice_goes_out_once() {
        let keys = [DepKey::Article(38), DepKey::Home, DepKey::Article(38)];
        assert_eq!(surrogate_keys(&keys), "site article-38 home");
    }
}
