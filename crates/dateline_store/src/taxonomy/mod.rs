//! What articles are filed under, one file per entity: sections (order
//! and nesting), sources and their rights, people (bylines), tags, topics
//! and their curated order. Each reader-visible change is logged, so every
//! node's page cache forgets the pages that show it. Static pages are in
//! `pages.rs`, media in `media.rs`.

use dateline_core::{Invalid, MediaId};

use crate::StoreError;

/// A tag or a topic in the admin's lists, with how many articles use it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaxonomyEntry {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// A topic's picture, from the media library.
    pub image: Option<MediaId>,
    pub articles: i64,
}

/// Sections and static pages share the first path segment (`/{slug}`).
pub(crate) const SLUG_TAKEN_BY_PAGE: &str = "select count(*) from pages where slug = $1";
pub(crate) const SLUG_TAKEN_BY_SECTION: &str = "select count(*) from sections where slug = $1";

pub(crate) fn slug_taken(slug: &str, by: &str) -> StoreError {
    Invalid::new(
        "slug",
        format!("{slug:?} is already the address of a {by}; choose another"),
    )
    .into()
}

/// Refuses (returns early from the transaction body) a parent that would
/// nest sections more than one level deep: the parent must exist and be
/// top-level, must not be the section itself, and a section with children
/// stays at the top.
macro_rules! check_parent {
    ($tx:expr, $section:expr, $parent:expr) => {{
        const PARENT_OF: &str = "select parent_id from sections where id = $1";
        const CHILDREN: &str = "select count(*) from sections where parent_id = $1";
        let section: Option<SectionId> = $section;
        let parent: SectionId = $parent;
        if section == Some(parent) {
            return Err(Invalid::new("parent", "a section cannot be its own parent").into());
        }
        let grandparent: Option<Option<i64>> = sqlx::query_scalar(PARENT_OF)
            .bind(parent.0)
            .fetch_optional(&mut *$tx)
            .await?;
        match grandparent {
            None => return Err(no_such("parent")),
            Some(Some(_)) => {
                return Err(Invalid::new(
                    "parent",
                    "the parent is itself under another section; sections nest one level deep",
                )
                .into());
            }
            Some(None) => {}
        }
        if let Some(section) = section {
            let children: i64 = sqlx::query_scalar(CHILDREN)
                .bind(section.0)
                .fetch_one(&mut *$tx)
                .await?;
            if children > 0 {
                return Err(Invalid::new(
                    "parent",
                    "this section has sections under it, so it stays at the top",
                )
                .into());
            }
        }
    }};
}
pub(crate) use check_parent;

/// After a write meant for one row: `NotFound` if it touched none, else the
/// change is logged in the same transaction.
macro_rules! logged_one {
    ($tx:expr, $rows:expr, $entity:expr, $id:expr, $kind:expr, $now:expr) => {
        if $rows == 0 {
            return Err(StoreError::NotFound);
        }
        append_change!($tx, $entity, $id, $kind, $now);
    };
}
pub(crate) use logged_one;

pub(crate) fn no_such(what: &'static str) -> StoreError {
    Invalid::new(what, format!("there is no such {what}")).into()
}

mod people;
mod sections;
mod sources;
mod tags;
mod topics;

pub(crate) use sources::SourceRow;
pub use topics::{Direction, TopicItem};

type EntryRow = (i64, String, String, String, Option<i64>, i64);

fn entries(rows: Vec<EntryRow>) -> Vec<TaxonomyEntry> {
    rows.into_iter()
        .map(
            |(id, slug, name, description, image, articles)| TaxonomyEntry {
                id,
                slug,
                name,
                description,
                image: image.map(MediaId),
                articles,
            },
        )
        .collect()
}
