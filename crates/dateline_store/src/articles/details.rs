//! An article's filing and presentation (section, source, bylines, tags,
//! topics, related articles, slug, SEO texts): read for the editor, written
//! with the text in one revision-checked save.

use std::collections::BTreeSet;

use dateline_core::{
    ArticleDetails, ArticleId, PersonId, SectionId, Slug, SourceId, TagName, Text, TopicId,
};

use crate::{Result, Store, StoreError, read};

pub(crate) const ROW: &str =
    "select slug, section_id, source_id, edited_by_id, place, seo_title, seo_description, kind
    from articles where id = $1";
pub(crate) const AUTHORS: &str =
    "select person_id from article_authors where article_id = $1 order by position";
pub(crate) const TAGS: &str =
    "select t.slug, t.name from article_tags x join tags t on t.id = x.tag_id
    where x.article_id = $1 order by t.name, t.slug";
pub(crate) const TOPICS: &str =
    "select topic_id from article_topics where article_id = $1 order by topic_id";
pub(crate) const RELATED: &str =
    "select related_id from article_related where article_id = $1 order by position";

pub(crate) type Row = (
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// Reads the details of article `$id` over `$conn` (a read connection or a
/// transaction); evaluates to `Result<Option<ArticleDetails>>`.
macro_rules! load_details {
    ($conn:expr, $id:expr) => {
        async {
            let id: dateline_core::ArticleId = $id;
            let row: Option<crate::articles::details::Row> =
                sqlx::query_as(crate::articles::details::ROW)
                    .bind(id.0)
                    .fetch_optional(&mut *$conn)
                    .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let authors: Vec<i64> = sqlx::query_scalar(crate::articles::details::AUTHORS)
                .bind(id.0)
                .fetch_all(&mut *$conn)
                .await?;
            let tags: Vec<(String, String)> = sqlx::query_as(crate::articles::details::TAGS)
                .bind(id.0)
                .fetch_all(&mut *$conn)
                .await?;
            let topics: Vec<i64> = sqlx::query_scalar(crate::articles::details::TOPICS)
                .bind(id.0)
                .fetch_all(&mut *$conn)
                .await?;
            let related: Vec<i64> = sqlx::query_scalar(crate::articles::details::RELATED)
                .bind(id.0)
                .fetch_all(&mut *$conn)
                .await?;
            crate::articles::details::details_of(row, authors, tags, topics, related).map(Some)
        }
        .await
    };
}

/// Replaces the details of article `$id` inside `$tx` with `$details`,
/// making the new bylines it names.
macro_rules! write_details {
    ($tx:expr, $id:expr, $details:expr, $now:expr) => {{
        let id: dateline_core::ArticleId = $id;
        let d: &dateline_core::ArticleDetails = $details;
        sqlx::query(crate::articles::details::UPDATE)
            .bind(id.0)
            .bind(d.slug.as_str())
            .bind(d.section.0)
            .bind(d.source.map(|s| s.0))
            .bind(d.edited_by.map(|p| p.0))
            .bind(d.place.as_deref())
            .bind(d.seo_title.as_deref())
            .bind(d.seo_description.as_deref())
            .bind(d.kind.as_str())
            .execute(&mut *$tx)
            .await?;
        sqlx::query("delete from article_authors where article_id = $1")
            .bind(id.0)
            .execute(&mut *$tx)
            .await?;
        let mut authors: Vec<i64> = d.authors.iter().map(|a| a.0).collect();
        for new in &d.new_authors {
            let person = person_named!($tx, new.name.as_str(), format!("a{}", id.0), $now);
            if !authors.contains(&person) {
                authors.insert(new.position.min(authors.len()), person);
            }
        }
        for (position, author) in (0_i64..).zip(&authors) {
            sqlx::query(
                "insert into article_authors (article_id, person_id, position) values ($1, $2, $3)",
            )
            .bind(id.0)
            .bind(author)
            .bind(position)
            .execute(&mut *$tx)
            .await?;
        }
        sqlx::query("delete from article_tags where article_id = $1")
            .bind(id.0)
            .execute(&mut *$tx)
            .await?;
        for tag in &d.tags {
            let tag_id: i64 = sqlx::query_scalar(crate::articles::details::ENSURE_TAG)
                .bind(tag.slug.as_str())
                .bind(tag.name.as_str())
                .fetch_one(&mut *$tx)
                .await?;
            sqlx::query(
                "insert into article_tags (article_id, tag_id) values ($1, $2) on conflict do nothing",
            )
            .bind(id.0)
            .bind(tag_id)
            .execute(&mut *$tx)
            .await?;
        }
        // A topic the article stays in keeps its place in the series; a new
        // one gets the article at its end.
        let before: Vec<i64> = sqlx::query_scalar(crate::articles::details::TOPICS)
            .bind(id.0)
            .fetch_all(&mut *$tx)
            .await?;
        for topic in before.iter().filter(|t| !d.topics.contains(&dateline_core::TopicId(**t))) {
            sqlx::query("delete from article_topics where topic_id = $1 and article_id = $2")
                .bind(topic)
                .bind(id.0)
                .execute(&mut *$tx)
                .await?;
        }
        for topic in d.topics.iter().filter(|t| !before.contains(&t.0)) {
            sqlx::query(crate::articles::details::APPEND_TO_TOPIC)
                .bind(topic.0)
                .bind(id.0)
                .execute(&mut *$tx)
                .await?;
        }
        sqlx::query("delete from article_related where article_id = $1")
            .bind(id.0)
            .execute(&mut *$tx)
            .await?;
        for (position, other) in (0_i64..).zip(&d.related) {
            sqlx::query(
                "insert into article_related (article_id, related_id, position) values ($1, $2, $3)",
            )
            .bind(id.0)
            .bind(other.0)
            .bind(position)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

pub(crate) use {load_details, write_details};

pub(crate) const UPDATE: &str = "update articles set slug = $2, section_id = $3, source_id = $4,
    edited_by_id = $5, place = $6, seo_title = $7, seo_description = $8, kind = $9 where id = $1";
/// The tag with this slug, created with this name if new; evaluates to its id.
pub(crate) const ENSURE_TAG: &str = "insert into tags (slug, name) values ($1, $2)
    on conflict (slug) do update set slug = excluded.slug returning id";
pub(crate) const APPEND_TO_TOPIC: &str = "insert into article_topics (topic_id, article_id, position)
    values ($1, $2, (select coalesce(max(position), 0) + 1 from article_topics where topic_id = $1))";

pub(crate) fn details_of(
    (slug, section, source, edited_by, place, seo_title, seo_description, kind): Row,
    authors: Vec<i64>,
    tags: Vec<(String, String)>,
    topics: Vec<i64>,
    related: Vec<i64>,
) -> Result<ArticleDetails> {
    let corrupt = |e: dateline_core::Invalid| StoreError::Corrupt(e.to_string());
    Ok(ArticleDetails {
        slug: Slug::parse(&slug).map_err(corrupt)?,
        section: SectionId(section),
        source: source.map(SourceId),
        authors: authors.into_iter().map(PersonId).collect(),
        edited_by: edited_by.map(PersonId),
        place,
        tags: tags
            .into_iter()
            .map(|(slug, name)| {
                Ok(TagName {
                    slug: Slug::parse(&slug).map_err(corrupt)?,
                    name: Text::parse("tag", &name, usize::MAX).map_err(corrupt)?,
                })
            })
            .collect::<Result<_>>()?,
        topics: topics.into_iter().map(TopicId).collect(),
        related: related.into_iter().map(ArticleId).collect(),
        seo_title,
        seo_description,
        kind: dateline_core::ArticleKind::parse(&kind).map_err(corrupt)?,
        new_authors: Vec::new(),
    })
}

/// What the audit log says a details change changed: tags and topics are
/// sets (their order on the form means nothing).
pub(crate) fn changed(after: &ArticleDetails, before: &ArticleDetails) -> String {
    let set = |d: &ArticleDetails| {
        let tags: BTreeSet<_> = d.tags.iter().map(|t| t.slug.clone()).collect();
        let topics: BTreeSet<_> = d.topics.iter().copied().collect();
        (tags, topics)
    };
    let mut fields = after.changed_from(before);
    if set(after).0 == set(before).0 {
        fields.retain(|f| *f != "tags");
    }
    if set(after).1 == set(before).1 {
        fields.retain(|f| *f != "topics");
    }
    fields.join(", ")
}

impl Store {
    /// The article's details as the editor shows them; `None` if there is
    /// no such article.
    pub async fn article_details(&self, id: ArticleId) -> Result<Option<ArticleDetails>> {
        read!(self, |conn| load_details!(conn, id))
    }
}

impl Store {
    /// The headlines of those of `ids` that exist, in any status, in the
    /// order given: for the editor's list of related articles.
    pub async fn headlines(&self, ids: &[ArticleId]) -> Result<Vec<(ArticleId, String)>> {
        const SQL: &str = "select headline from articles where id = $1";
        read!(self, |conn| {
            let mut found = Vec::with_capacity(ids.len());
            for id in ids {
                let headline: Option<String> = sqlx::query_scalar(SQL)
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await?;
                found.extend(headline.map(|h| (*id, h)));
            }
            Ok::<_, StoreError>(found)
        })
    }
}
