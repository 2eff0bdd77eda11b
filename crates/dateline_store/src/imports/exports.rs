//! A whole site read out for a site moving elsewhere (`dateline export`):
//! its stories and pictures in id order, a batch at a time, so an export
//! of any size is written in constant memory.

use dateline_core::{ArticleId, ArticleStatus, MediaId, Renditions};
use jiff::Timestamp;

use crate::{
    Result, Store, read,
    rows::{instant, opt_instant},
};

/// A story as an export carries it.
#[derive(Debug, Clone)]
pub struct ExportedArticle {
    pub id: ArticleId,
    pub slug: String,
    pub section_slug: String,
    pub status: ArticleStatus,
    pub headline: String,
    pub standfirst: String,
    pub body_html: String,
    pub created_at: Timestamp,
    pub first_published_at: Option<Timestamp>,
    pub scheduled_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub lead_media: Option<MediaId>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// Bylines' slugs, in byline order.
    pub authors: Vec<String>,
    /// Tags' slugs and names.
    pub tags: Vec<(String, String)>,
}

/// A picture of the library as an export carries it.
#[derive(Debug, Clone)]
pub struct ExportedPicture {
    pub id: MediaId,
    /// The largest full-frame rendition, under `/img/`; else the picture's
    /// own path, under `/media/` (the demo's pictures before their
    /// renditions are made).
    pub path: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    section_slug: String,
    status: String,
    headline: String,
    standfirst: String,
    body_html: String,
    created_at: i64,
    first_published_at: Option<i64>,
    scheduled_at: Option<i64>,
    updated_at: i64,
    lead_media_id: Option<i64>,
    seo_title: Option<String>,
    seo_description: Option<String>,
}

impl Store {
    /// Up to `limit` stories with ids above `after`, in id order, any status.
    pub async fn exported_articles(
        &self,
        after: ArticleId,
        limit: i64,
    ) -> Result<Vec<ExportedArticle>> {
        const ARTICLES: &str = "select a.id, a.slug, s.slug as section_slug, a.status,
                a.headline, a.standfirst, a.body_html, a.created_at, a.first_published_at,
                a.scheduled_at, a.updated_at, a.lead_media_id, a.seo_title, a.seo_description
            from articles a join sections s on s.id = a.section_id
            where a.id > $1 order by a.id limit $2";
        const AUTHORS: &str = "select aa.article_id, p.slug, p.slug from article_authors aa
            join people p on p.id = aa.person_id
            where aa.article_id > $1 and aa.article_id <= $2
            order by aa.article_id, aa.position";
        const TAGS: &str = "select x.article_id, t.slug, t.name from article_tags x
            join tags t on t.id = x.tag_id
            where x.article_id > $1 and x.article_id <= $2
            order by x.article_id, t.name";
        let rows: Vec<ArticleRow> = read!(self, |conn| sqlx::query_as(ARTICLES)
            .bind(after.0)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        let Some(last) = rows.last().map(|r| r.id) else {
            return Ok(Vec::new());
        };
        let links = |sql: &'static str| async move {
            let pairs: Vec<(i64, String, String)> = read!(self, |conn| sqlx::query_as(sql)
                .bind(after.0)
                .bind(last)
                .fetch_all(&mut *conn)
                .await)?;
            Ok::<_, crate::StoreError>(pairs)
        };
        let authors = links(AUTHORS).await?;
        let tags = links(TAGS).await?;
        let of = |pairs: &[(i64, String, String)], id: i64| {
            pairs
                .iter()
                .filter(|(article, _, _)| *article == id)
                .map(|(_, slug, name)| (slug.clone(), name.clone()))
                .collect::<Vec<_>>()
        };
        rows.into_iter()
            .map(|r| {
                Ok(ExportedArticle {
                    id: ArticleId(r.id),
                    authors: of(&authors, r.id).into_iter().map(|(s, _)| s).collect(),
                    tags: of(&tags, r.id),
                    slug: r.slug,
                    section_slug: r.section_slug,
                    status: crate::articles::editorial::status(&r.status)?,
                    headline: r.headline,
                    standfirst: r.standfirst,
                    body_html: r.body_html,
                    created_at: instant(r.created_at)?,
                    first_published_at: opt_instant(r.first_published_at)?,
                    scheduled_at: opt_instant(r.scheduled_at)?,
                    updated_at: instant(r.updated_at)?,
                    lead_media: r.lead_media_id.map(MediaId),
                    seo_title: r.seo_title,
                    seo_description: r.seo_description,
                })
            })
            .collect()
    }

    /// Up to `limit` pictures with ids above `after`, in id order.
    pub async fn exported_pictures(
        &self,
        after: MediaId,
        limit: i64,
    ) -> Result<Vec<ExportedPicture>> {
        const SQL: &str = "select id, path, alt, caption, credit, created_at, renditions
            from media where id > $1 order by id limit $2";
        type Row = (i64, String, String, String, String, i64, Option<String>);
        let rows: Vec<Row> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(after.0)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|(id, path, alt, caption, credit, created_at, renditions)| {
                Ok(ExportedPicture {
                    id: MediaId(id),
                    path: largest_rendition(renditions).unwrap_or_else(|| format!("/media/{path}")),
                    alt,
                    caption,
                    credit,
                    created_at: instant(created_at)?,
                })
            })
            .collect()
    }
}

/// The address of the largest full-frame rendition in a media row's
/// `renditions`, if it has any.
pub(crate) fn largest_rendition(renditions: Option<String>) -> Option<String> {
    renditions
        .and_then(|json| serde_json::from_str::<Renditions>(&json).ok())
        .and_then(|r| r.full.last().map(|r| format!("/img/{}", r.jpeg)))
}
