//! The old site's addresses and where they go now. A redirect names its
//! target (an article, a section, a feed), not a path, so it is resolved
//! when asked for: a story renamed or moved after the import is still one
//! hop away, and one no longer public is not found.

use dateline_core::{ArticleId, article_path};
use jiff::Timestamp;

use crate::{Result, Store, StoreError, read};

/// What an old address points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Article,
    Page,
    Section,
    Tag,
    Person,
    /// A picture: its largest rendition.
    Media,
    /// The site's feed.
    Feed,
    SectionFeed,
    TagFeed,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Page => "page",
            Self::Section => "section",
            Self::Tag => "tag",
            Self::Person => "person",
            Self::Media => "media",
            Self::Feed => "feed",
            Self::SectionFeed => "section_feed",
            Self::TagFeed => "tag_feed",
        }
    }
}

/// An address of the old site, normalised by [`normalise_path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldAddress {
    pub path: String,
    pub target: Target,
    /// The target's row; `None` for the entry being imported with it (and
    /// for the site's feed, which has none).
    pub id: Option<i64>,
}

impl OldAddress {
    /// `path` (any form) to the entry being imported.
    pub fn of(path: &str, target: Target) -> Option<Self> {
        Some(Self {
            path: normalise_path(path)?,
            target,
            id: None,
        })
    }
}

/// The key an address is kept and looked up by: the path percent-decoded,
/// in lower case, without a trailing slash or `index.php`, and of the query
/// only WordPress's own id parameters (`/?p=12`). `None` for what is not an
/// address of a page (empty, a fragment only, not UTF-8).
pub fn normalise_path(address: &str) -> Option<String> {
    const ID_PARAMETERS: [&str; 7] = [
        "p",
        "page_id",
        "attachment_id",
        "cat",
        "tag",
        "author",
        "feed",
    ];
    let address = address.trim();
    // A whole URL: its path and query only.
    let rest = match address.find("://") {
        Some(scheme_end) => {
            let after = &address[scheme_end + 3..];
            after.find('/').map_or("/", |slash| &after[slash..])
        }
        None => address,
    };
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?
        .to_lowercase();
    let mut path = decoded.trim_end_matches('/').to_owned();
    if let Some(stripped) = path.strip_suffix("/index.php") {
        path = stripped.to_owned();
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let parameter = query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        ID_PARAMETERS
            .contains(&name)
            .then_some((name, value))
            .filter(|(_, v)| !v.is_empty())
    });
    match parameter {
        Some((name, value)) => {
            let value = percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .ok()?
                .to_lowercase();
            Some(format!("{path}?{name}={value}"))
        }
        None if path == "/" => None,
        None => Some(path),
    }
}

/// Writes `$old` inside `$tx`, an address without its own id pointing at
/// row `$id`.
macro_rules! add_redirects {
    ($tx:expr, $old:expr, $id:expr, $now:expr) => {{
        const SQL: &str = "insert into redirects (path, target_kind, target_id, created_at)
            values ($1, $2, $3, $4)
            on conflict (path) do update set target_kind = excluded.target_kind,
                target_id = excluded.target_id";
        let own: i64 = $id;
        for old in $old.iter() {
            let old: &crate::imports::OldAddress = old;
            let id = match old.target {
                crate::imports::Target::Feed => None,
                _ => Some(old.id.unwrap_or(own)),
            };
            sqlx::query(SQL)
                .bind(&old.path)
                .bind(old.target.as_str())
                .bind(id)
                .bind($now.as_microsecond())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use add_redirects;

impl Store {
    /// Adds addresses that point at rows already there (the site's feeds,
    /// a section's feed).
    pub async fn add_redirects(&self, old: &[OldAddress], now: Timestamp) -> Result<()> {
        crate::write_tx!(self, |tx| add_redirects!(tx, old, 0, now));
        Ok(())
    }

    /// Where the old address `path` (normalised) is now, if it was one and
    /// its target is public.
    pub async fn redirect(&self, path: &str) -> Result<Option<String>> {
        const FIND: &str = "select target_kind, target_id from redirects where path = $1";
        const ARTICLE: &str =
            "select s.slug, a.slug from articles a join sections s on s.id = a.section_id
            where a.id = $1 and a.status = 'published'";
        const PAGE: &str = "select slug from pages where id = $1";
        const SECTION: &str = "select slug from sections where id = $1";
        const TAG: &str = "select slug from tags where id = $1";
        const PERSON: &str = "select slug from people where id = $1";
        const MEDIA: &str = "select renditions from media where id = $1";
        let found: Option<(String, Option<i64>)> = read!(self, |conn| sqlx::query_as(FIND)
            .bind(path)
            .fetch_optional(&mut *conn)
            .await)?;
        let Some((kind, id)) = found else {
            return Ok(None);
        };
        let id = id.unwrap_or_default();
        let slug = |sql: &'static str| async move {
            let slug: Option<String> = read!(self, |conn| sqlx::query_scalar(sql)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await)?;
            Ok::<_, StoreError>(slug)
        };
        Ok(match kind.as_str() {
            "article" => {
                let row: Option<(String, String)> = read!(self, |conn| sqlx::query_as(ARTICLE)
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await)?;
                row.map(|(section, slug)| article_path(&section, &slug, ArticleId(id)))
            }
            "page" | "section" => slug(if kind == "page" { PAGE } else { SECTION })
                .await?
                .map(|s| format!("/{s}")),
            "tag" => slug(TAG).await?.map(|s| format!("/tag/{s}")),
            "person" => slug(PERSON).await?.map(|s| format!("/author/{s}")),
            "section_feed" => slug(SECTION)
                .await?
                .map(|s| format!("/feed/section/{s}/rss.xml")),
            "tag_feed" => slug(TAG).await?.map(|s| format!("/feed/tag/{s}/rss.xml")),
            "feed" => Some("/feed/rss.xml".to_owned()),
            "media" => {
                let renditions: Option<Option<String>> =
                    read!(self, |conn| sqlx::query_scalar(MEDIA)
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await)?;
                super::exports::largest_rendition(renditions.flatten())
            }
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_path;

    #[test]
    fn addresses_are_kept_by_path_and_wordpress_ids() {
        let n = |s| normalise_path(s);
        assert_eq!(
            n("https://old.example/2010/09/hello-world/").as_deref(),
            Some("/2010/09/hello-world")
        );
        assert_eq!(n("/Category/News/").as_deref(), Some("/category/news"));
        assert_eq!(n("https://old.example/?p=12").as_deref(), Some("/?p=12"));
        assert_eq!(
            n("https://old.example/index.php?page_id=7&utm=x").as_deref(),
            Some("/?page_id=7")
        );
        assert_eq!(n("/%E0%A4%95%E0%A4%BF/").as_deref(), Some("/कि"));
        assert_eq!(n("https://old.example/").as_deref(), None);
        assert_eq!(n("https://old.example/?utm_source=x").as_deref(), None);
        assert_eq!(n("/a/#comments").as_deref(), Some("/a"));
        assert_eq!(n("/%ff").as_deref(), None);
    }
}
