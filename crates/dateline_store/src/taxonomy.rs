//! Managing what articles are filed under: sections (order and nesting),
//! sources and their rights, bylines, tags, topics and their curated order,
//! static pages. Each change is logged, so every node's page cache forgets
//! the pages that show it.

use dateline_core::{
    ArticleId, ArticleStatus, Invalid, MediaId, NewPage, NewPerson, NewSection, NewSource,
    NewTopic, PageId, PersonId, SectionId, SourceId, TagId, Text, TopicId,
};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, rows::instant,
    write_tx,
};

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

/// An article in a topic's curated list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopicItem {
    pub id: ArticleId,
    pub headline: String,
    pub status: ArticleStatus,
    pub position: i64,
}

/// Which way an article moves in a topic's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// A static page as the admin edits it: with its Markdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageSource {
    pub id: PageId,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    pub updated_at: Timestamp,
}

/// Sections and static pages share the first path segment (`/{slug}`).
pub(crate) const SLUG_TAKEN_BY_PAGE: &str = "select count(*) from pages where slug = $1";
const SLUG_TAKEN_BY_SECTION: &str = "select count(*) from sections where slug = $1";

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

pub(crate) fn no_such(what: &'static str) -> StoreError {
    Invalid::new(what, format!("there is no such {what}")).into()
}

impl Store {
    /// Renames, moves or reorders a section. A section nests one level deep:
    /// its parent must be a top-level section, and a section with children
    /// stays at the top.
    pub async fn update_section(
        &self,
        id: SectionId,
        section: &NewSection,
        now: Timestamp,
    ) -> Result<()> {
        const UPDATE: &str = "update sections set slug = $2, name = $3, parent_id = $4,
            position = $5, updated_at = $6 where id = $1";
        write_tx!(self, |tx| {
            if let Some(parent) = section.parent {
                check_parent!(tx, Some(id), parent);
            }
            let pages: i64 = sqlx::query_scalar(SLUG_TAKEN_BY_PAGE)
                .bind(section.slug.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if pages > 0 {
                return Err(slug_taken(section.slug.as_str(), "page"));
            }
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(section.slug.as_str())
                .bind(section.name.as_str())
                .bind(section.parent.map(|p| p.0))
                .bind(section.position)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Section, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// Changes a source's name, notice or rights; every outlet asks the
    /// rights afresh.
    pub async fn update_source(
        &self,
        id: SourceId,
        source: &NewSource,
        now: Timestamp,
    ) -> Result<()> {
        const UPDATE: &str = "update sources set slug = $2, name = $3, notice = $4,
            full_text_in_feeds = $5, full_text_in_api = $6, full_text_in_federation = $7,
            updated_at = $8 where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(source.slug.as_str())
                .bind(source.name.as_str())
                .bind(source.notice.as_deref())
                .bind(source.rights.full_text_in_feeds)
                .bind(source.rights.full_text_in_api)
                .bind(source.rights.full_text_in_federation)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Source, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// Changes a byline: name, address of its page, biography (its email,
    /// which readers never see, stays).
    pub async fn update_person(
        &self,
        id: PersonId,
        person: &NewPerson,
        now: Timestamp,
    ) -> Result<()> {
        const UPDATE: &str = "update people set slug = $2, name = $3, bio = $4, updated_at = $5
            where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(person.slug.as_str())
                .bind(person.name.as_str())
                .bind(&person.bio)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Person, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// Up to `limit` tags whose name contains `name` (all if empty), by
    /// name, each with its number of articles.
    pub async fn tags(&self, name: &str, limit: i64) -> Result<Vec<TaxonomyEntry>> {
        const SQL: &str = "select t.id, t.slug, t.name, '' as description,
                cast(null as bigint) as image_media_id,
                (select count(*) from article_tags x where x.tag_id = t.id) as articles
            from tags t where $1 = '' or lower(t.name) like $2 escape '\\'
            order by t.name, t.id limit $3";
        let name = name.trim();
        let pattern = crate::articles::contains_pattern(name);
        read!(self, |conn| sqlx::query_as::<_, EntryRow>(SQL)
            .bind(name)
            .bind(pattern)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)
        .map(entries)
        .map_err(StoreError::from)
    }

    pub async fn tag(&self, id: TagId) -> Result<Option<TaxonomyEntry>> {
        const SQL: &str = "select t.id, t.slug, t.name, '' as description,
                cast(null as bigint) as image_media_id,
                (select count(*) from article_tags x where x.tag_id = t.id) as articles
            from tags t where t.id = $1";
        let row: Option<EntryRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        Ok(entries(row.into_iter().collect()).pop())
    }

    /// Renames a tag; its address stays.
    pub async fn rename_tag(&self, id: TagId, name: &Text, now: Timestamp) -> Result<()> {
        const UPDATE: &str = "update tags set name = $2 where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(name.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Tag, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// Removes a tag from every article and deletes it.
    pub async fn delete_tag(&self, id: TagId, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("delete from article_tags where tag_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            let deleted = sqlx::query("delete from tags where id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, deleted, Entity::Tag, id.0, ChangeKind::Deleted, now);
        });
        Ok(())
    }

    /// Every topic, by name, each with its number of articles.
    pub async fn topics(&self) -> Result<Vec<TaxonomyEntry>> {
        const SQL: &str = "select t.id, t.slug, t.name, t.description, t.image_media_id,
                (select count(*) from article_topics x where x.topic_id = t.id) as articles
            from topics t order by t.name, t.id";
        read!(self, |conn| sqlx::query_as::<_, EntryRow>(SQL)
            .fetch_all(&mut *conn)
            .await)
        .map(entries)
        .map_err(StoreError::from)
    }

    pub async fn update_topic(&self, id: TopicId, topic: &NewTopic, now: Timestamp) -> Result<()> {
        const UPDATE: &str = "update topics set slug = $2, name = $3, description = $4,
            image_media_id = $5, updated_at = $6 where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(topic.slug.as_str())
                .bind(topic.name.as_str())
                .bind(&topic.description)
                .bind(topic.image.map(|m| m.0))
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Topic, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// The topic's articles in their curated order, in any status.
    pub async fn topic_items(&self, id: TopicId) -> Result<Vec<TopicItem>> {
        const SQL: &str = "select a.id, a.headline, a.status, x.position
            from article_topics x join articles a on a.id = x.article_id
            where x.topic_id = $1 order by x.position, a.id";
        let rows: Vec<(i64, String, String, i64)> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|(id, headline, status, position)| {
                Ok(TopicItem {
                    id: ArticleId(id),
                    headline,
                    status: ArticleStatus::parse(&status)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    position,
                })
            })
            .collect()
    }

    /// Puts an article at the end of a topic's list (where it stays if it
    /// is there already).
    pub async fn add_to_topic(
        &self,
        topic: TopicId,
        article: ArticleId,
        now: Timestamp,
    ) -> Result<()> {
        const EXISTS: &str =
            "select count(*) from article_topics where topic_id = $1 and article_id = $2";
        write_tx!(self, |tx| {
            let there: i64 = sqlx::query_scalar(EXISTS)
                .bind(topic.0)
                .bind(article.0)
                .fetch_one(&mut *tx)
                .await?;
            if there == 0 {
                sqlx::query(crate::articles::APPEND_TO_TOPIC)
                    .bind(topic.0)
                    .bind(article.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict { .. } => no_such("article"),
                        other => other,
                    })?;
                append_change!(tx, Entity::Topic, topic.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }

    pub async fn remove_from_topic(
        &self,
        topic: TopicId,
        article: ArticleId,
        now: Timestamp,
    ) -> Result<()> {
        const DELETE: &str = "delete from article_topics where topic_id = $1 and article_id = $2";
        write_tx!(self, |tx| {
            let deleted = sqlx::query(DELETE)
                .bind(topic.0)
                .bind(article.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted > 0 {
                append_change!(tx, Entity::Topic, topic.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }

    /// Swaps an article with its neighbour in the topic's list; at either
    /// end it stays where it is.
    pub async fn move_in_topic(
        &self,
        topic: TopicId,
        article: ArticleId,
        direction: Direction,
        now: Timestamp,
    ) -> Result<()> {
        const LIST: &str = "select article_id from article_topics where topic_id = $1
            order by position, article_id";
        // Two editors reordering one list wait for each other (SQLite's
        // write transaction already does).
        const LOCK_POSTGRES: &str = "select id from topics where id = $1 for update";
        const SET: &str =
            "update article_topics set position = $3 where topic_id = $1 and article_id = $2";
        let postgres = matches!(self.backend, crate::Backend::Postgres(_));
        write_tx!(self, |tx| {
            if postgres {
                sqlx::query(LOCK_POSTGRES)
                    .bind(topic.0)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut list: Vec<i64> = sqlx::query_scalar(LIST)
                .bind(topic.0)
                .fetch_all(&mut *tx)
                .await?;
            let Some(at) = list.iter().position(|a| *a == article.0) else {
                return Err(StoreError::NotFound);
            };
            let other = match direction {
                Direction::Up => at.checked_sub(1),
                Direction::Down => Some(at + 1).filter(|o| *o < list.len()),
            };
            if let Some(other) = other {
                list.swap(at, other);
                // Numbered afresh, so that positions two concurrent
                // additions made equal come apart.
                for (position, id) in (1_i64..).zip(&list) {
                    sqlx::query(SET)
                        .bind(topic.0)
                        .bind(id)
                        .bind(position)
                        .execute(&mut *tx)
                        .await?;
                }
                append_change!(tx, Entity::Topic, topic.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }

    /// A new static page; a slug already used by a page or a section is
    /// refused.
    pub async fn create_page(&self, page: &NewPage, now: Timestamp) -> Result<PageId> {
        const INSERT: &str =
            "insert into pages (slug, title, body_markdown, body_html, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            let sections: i64 = sqlx::query_scalar(SLUG_TAKEN_BY_SECTION)
                .bind(page.slug.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if sections > 0 {
                return Err(slug_taken(page.slug.as_str(), "section"));
            }
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(page.slug.as_str())
                .bind(page.title.as_str())
                .bind(page.body.markdown())
                .bind(page.body.html())
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict { .. } => slug_taken(page.slug.as_str(), "page"),
                    other => other,
                })?;
            append_change!(tx, Entity::Page, id, ChangeKind::Created, now);
            id
        });
        Ok(PageId(id))
    }

    pub async fn update_page(&self, id: PageId, page: &NewPage, now: Timestamp) -> Result<()> {
        const UPDATE: &str = "update pages set slug = $2, title = $3, body_markdown = $4,
            body_html = $5, updated_at = $6 where id = $1";
        write_tx!(self, |tx| {
            let sections: i64 = sqlx::query_scalar(SLUG_TAKEN_BY_SECTION)
                .bind(page.slug.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if sections > 0 {
                return Err(slug_taken(page.slug.as_str(), "section"));
            }
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(page.slug.as_str())
                .bind(page.title.as_str())
                .bind(page.body.markdown())
                .bind(page.body.html())
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict { .. } => slug_taken(page.slug.as_str(), "page"),
                    other => other,
                })?
                .rows_affected();
            logged_one!(tx, updated, Entity::Page, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    pub async fn delete_page(&self, id: PageId, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            let deleted = sqlx::query("delete from pages where id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, deleted, Entity::Page, id.0, ChangeKind::Deleted, now);
        });
        Ok(())
    }

    pub async fn page_source(&self, id: PageId) -> Result<Option<PageSource>> {
        const SQL: &str =
            "select id, slug, title, body_markdown, updated_at from pages where id = $1";
        let row: Option<(i64, String, String, String, i64)> =
            read!(self, |conn| sqlx::query_as(SQL)
                .bind(id.0)
                .fetch_optional(&mut *conn)
                .await)?;
        row.map(|(id, slug, title, body_markdown, at)| {
            Ok(PageSource {
                id: PageId(id),
                slug,
                title,
                body_markdown,
                updated_at: instant(at)?,
            })
        })
        .transpose()
    }
}

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
