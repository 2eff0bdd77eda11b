use dateline_core::{
    Article, ArticleId, ArticleKind, ArticleStatus, Correction, CorrectionKind, Figure, LiveEntry,
    Named, Source,
};

use crate::{
    Result, Store, StoreError, read,
    rows::{dimension, instant, opt_instant},
    taxonomy::SourceRow,
};

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    status: String,
    headline: String,
    standfirst: String,
    body_html: String,
    body_markdown: String,
    section_slug: String,
    section_name: String,
    source_id: Option<i64>,
    source_slug: Option<String>,
    source_name: Option<String>,
    source_notice: Option<String>,
    source_full_text_in_feeds: Option<bool>,
    source_full_text_in_api: Option<bool>,
    source_full_text_in_federation: Option<bool>,
    editor_slug: Option<String>,
    editor_name: Option<String>,
    place: Option<String>,
    language: Option<String>,
    created_at: i64,
    first_published_at: Option<i64>,
    updated_at: i64,
    seo_title: Option<String>,
    seo_description: Option<String>,
    kind: String,
    #[sqlx(flatten)]
    image: ImageColumns,
    /// See [`article_sql`].
    links: Option<String>,
}

/// The lead image's columns, joined from `media` with the per-use overrides.
#[derive(sqlx::FromRow)]
pub(crate) struct ImageColumns {
    image_path: Option<String>,
    image_width: Option<i64>,
    image_height: Option<i64>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    image_credit: Option<String>,
    /// Set for an uploaded picture; it has a figure once its renditions are made.
    image_original: Option<String>,
    image_renditions: Option<String>,
}

impl ImageColumns {
    pub(crate) fn into_figure(self) -> Result<Option<Figure>> {
        let (Some(path), Some(width), Some(height)) =
            (self.image_path, self.image_width, self.image_height)
        else {
            return Ok(None);
        };
        let renditions = match (self.image_original, self.image_renditions) {
            (_, Some(json)) => Some(
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("renditions of {path}: {e}")))?,
            ),
            // Uploaded, its renditions not made yet: nothing to show.
            (Some(_), None) => return Ok(None),
            (None, None) => None,
        };
        Ok(Some(Figure {
            path,
            width: dimension(width)?,
            height: dimension(height)?,
            alt: self.image_alt.unwrap_or_default(),
            caption: self.image_caption.unwrap_or_default(),
            credit: self.image_credit.unwrap_or_default(),
            renditions,
        }))
    }
}

/// The article's row with, in a `links` column, its authors (in byline
/// order), tags and topics (by name), corrections and live-blog entries (in
/// the order they were made) as a JSON array of `[kind, order, slug, name, at]`: one trip to the
/// database for the whole article. Only the JSON functions' names differ
/// between the backends.
macro_rules! article_sql {
    ($links_open:literal, $links_close:literal) => {
        concat!(
            "select a.id, a.slug, a.status, a.headline, a.standfirst, a.body_html, a.body_markdown,
                s.slug as section_slug, s.name as section_name, a.source_id,
                src.slug as source_slug, src.name as source_name, src.notice as source_notice,
                src.full_text_in_feeds as source_full_text_in_feeds,
                src.full_text_in_api as source_full_text_in_api,
                src.full_text_in_federation as source_full_text_in_federation,
                e.slug as editor_slug, e.name as editor_name, a.place, a.language,
                a.created_at, a.first_published_at, a.updated_at,
                a.seo_title, a.seo_description, a.kind, ",
            image_columns!(),
            ", (select ",
            $links_open,
            "kind, ord, slug, name, at",
            $links_close,
            " from (
                select 'author' as kind, aa.position as ord, p.slug, p.name, cast(0 as bigint) as at
                    from article_authors aa join people p on p.id = aa.person_id where aa.article_id = $1
                union all select 'tag', 0, t.slug, t.name, 0
                    from article_tags x join tags t on t.id = x.tag_id where x.article_id = $1
                union all select 'topic', 0, t.slug, t.name, 0
                    from article_topics x join topics t on t.id = x.topic_id where x.article_id = $1
                union all select 'correction', c.id, c.kind, c.note, c.created_at
                    from corrections c where c.article_id = $1
                union all select 'entry', le.id, coalesce(le.title, ''), le.body_html, le.posted_at
                    from live_entries le where le.article_id = $1 and le.deleted_at is null) l) as links
            from articles a
            join sections s on s.id = a.section_id
            left join sources src on src.id = a.source_id
            left join people e on e.id = a.edited_by_id
            left join media m on m.id = a.lead_media_id
            where a.id = $1"
        )
    };
}
const ARTICLE_SQLITE: &str = article_sql!(
    "json_group_array(json_array(",
    ") order by kind, ord, name)"
);
const ARTICLE_POSTGRES: &str = article_sql!(
    "cast(json_agg(json_build_array(",
    ") order by kind, ord, name) as text)"
);

impl Store {
    /// The article with this id in any status; callers decide who may see it.
    pub async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let sql = match self.backend {
            crate::Backend::Sqlite { .. } => ARTICLE_SQLITE,
            crate::Backend::Postgres(_) => ARTICLE_POSTGRES,
        };
        let row: Option<ArticleRow> = read!(self, |pool| sqlx::query_as(sql)
            .bind(id.0)
            .fetch_optional(&mut *pool)
            .await)?;
        let Some(mut row) = row else { return Ok(None) };
        let links: Vec<(String, i64, String, String, i64)> = match row.links.take() {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("article {} links: {e}", id.0)))?,
            None => Vec::new(),
        };
        let named = |kind: &str| {
            links
                .iter()
                .filter(|(k, ..)| k == kind)
                .map(|(_, _, slug, name, _)| Named {
                    slug: slug.clone(),
                    name: name.clone(),
                })
                .collect()
        };
        let corrections = links
            .iter()
            .filter(|(k, ..)| k == "correction")
            .map(|(_, _, kind, note, at)| {
                Ok(Correction {
                    kind: CorrectionKind::parse(kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("correction kind {kind:?}")))?,
                    note: note.clone(),
                    at: instant(*at)?,
                })
            })
            .collect::<Result<_>>()?;
        let mut entries = links
            .iter()
            .filter(|(k, ..)| k == "entry")
            .map(|(_, id, title, body_html, at)| {
                Ok(LiveEntry {
                    id: *id,
                    title: Some(title.clone()).filter(|t| !t.is_empty()),
                    body_markdown: String::new(),
                    body_html: body_html.clone(),
                    at: instant(*at)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        entries.reverse();

        let source = match row.source_id {
            None => None,
            Some(source_id) => Some(Source::from(SourceRow {
                id: source_id,
                slug: row
                    .source_slug
                    .ok_or(StoreError::Corrupt("source without slug".into()))?,
                name: row.source_name.unwrap_or_default(),
                notice: row.source_notice,
                full_text_in_feeds: row.source_full_text_in_feeds.unwrap_or(false),
                full_text_in_api: row.source_full_text_in_api.unwrap_or(false),
                full_text_in_federation: row.source_full_text_in_federation.unwrap_or(false),
            })),
        };
        Ok(Some(Article {
            id: ArticleId(row.id),
            slug: row.slug,
            status: ArticleStatus::parse(&row.status)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            headline: row.headline,
            standfirst: row.standfirst,
            body_html: row.body_html,
            body_markdown: row.body_markdown,
            section: Named {
                slug: row.section_slug,
                name: row.section_name,
            },
            source,
            authors: named("author"),
            edited_by: row
                .editor_slug
                .zip(row.editor_name)
                .map(|(slug, name)| Named { slug, name }),
            place: row.place,
            tags: named("tag"),
            topics: named("topic"),
            lead_image: row.image.into_figure()?,
            language: row.language,
            created_at: instant(row.created_at)?,
            first_published_at: opt_instant(row.first_published_at)?,
            updated_at: instant(row.updated_at)?,
            corrections,
            kind: ArticleKind::parse(&row.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            entries,
            seo_title: row.seo_title,
            seo_description: row.seo_description,
        }))
    }
}

/// What an article is filed under: the pages that list it depend on these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleLinks {
    pub section: i64,
    pub tags: Vec<i64>,
    pub topics: Vec<i64>,
    pub authors: Vec<i64>,
}

impl Store {
    /// The section, tags, topics and authors of an article in any status;
    /// `None` if there is no such article.
    pub async fn article_links(&self, id: ArticleId) -> Result<Option<ArticleLinks>> {
        const SECTION: &str = "select section_id from articles where id = $1";
        const TAGS: &str = "select tag_id from article_tags where article_id = $1";
        const TOPICS: &str = "select topic_id from article_topics where article_id = $1";
        const AUTHORS: &str = "select person_id from article_authors where article_id = $1";
        read!(self, |pool| {
            let Some(section) = sqlx::query_scalar(SECTION)
                .bind(id.0)
                .fetch_optional(&mut *pool)
                .await?
            else {
                return Ok(None);
            };
            Ok(Some(ArticleLinks {
                section,
                tags: sqlx::query_scalar(TAGS)
                    .bind(id.0)
                    .fetch_all(&mut *pool)
                    .await?,
                topics: sqlx::query_scalar(TOPICS)
                    .bind(id.0)
                    .fetch_all(&mut *pool)
                    .await?,
                authors: sqlx::query_scalar(AUTHORS)
                    .bind(id.0)
                    .fetch_all(&mut *pool)
                    .await?,
            }))
        })
    }
}
