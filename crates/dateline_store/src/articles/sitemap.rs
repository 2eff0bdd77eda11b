//! What sitemaps list: every published article by the month it was first
//! published, and the newest for the news sitemap.

use dateline_core::{ArticleId, Figure};
use jiff::Timestamp;

use super::ImageColumns;
use crate::{Result, Store, read, rows::instant};

/// One article in a sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    pub id: ArticleId,
    pub slug: String,
    pub section_slug: String,
    pub headline: String,
    pub language: Option<String>,
    pub published_at: Timestamp,
    pub updated_at: Timestamp,
    pub image: Option<Figure>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    slug: String,
    section_slug: String,
    headline: String,
    language: Option<String>,
    first_published_at: i64,
    updated_at: i64,
    #[sqlx(flatten)]
    image: ImageColumns,
}

macro_rules! entries_sql {
    ($order:literal) => {
        concat!(
            "select a.id, a.slug, s.slug as section_slug, a.headline, a.language,
                a.first_published_at, a.updated_at, ",
            image_columns!(),
            " from articles a
            join sections s on s.id = a.section_id
            left join media m on m.id = a.lead_media_id
            where a.status = 'published' and a.first_published_at >= $1
              and a.first_published_at < $2
            order by ",
            $order,
            " limit $3 offset $4"
        )
    };
}

const OLDEST_FIRST: &str = entries_sql!("a.first_published_at, a.id");
const NEWEST_FIRST: &str = entries_sql!("a.first_published_at desc, a.id desc");

impl Store {
    /// How many published articles were first published in each month (in
    /// UTC), oldest month first, as `(year, month, count)`: what the sitemap
    /// index lists. Counted by the database, which reads its index only.
    pub async fn articles_per_month(&self) -> Result<Vec<(i16, i8, i64)>> {
        const SQLITE: &str =
            "select strftime('%Y-%m', first_published_at / 1000000, 'unixepoch') as month,
                count(*) from articles
            where status = 'published' and first_published_at is not null
            group by month order by month";
        const POSTGRES: &str = "select to_char(to_timestamp(first_published_at / 1000000.0) at time zone 'UTC', 'YYYY-MM') as month,
                count(*) from articles
            where status = 'published' and first_published_at is not null
            group by month order by month";
        let sql = match self.backend {
            crate::Backend::Sqlite { .. } => SQLITE,
            crate::Backend::Postgres(_) => POSTGRES,
        };
        let rows: Vec<(String, i64)> =
            read!(self, |conn| sqlx::query_as(sql).fetch_all(&mut *conn).await)?;
        rows.into_iter()
            .map(|(month, count)| {
                let parsed = month
                    .split_once('-')
                    .and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?)));
                let (year, month) = parsed.ok_or_else(|| {
                    crate::StoreError::Corrupt(format!("publication month {month:?}"))
                })?;
                Ok((year, month, count))
            })
            .collect()
    }

    /// Published articles first published in `[from, until)`, `limit` from
    /// `offset`, oldest first (or newest first).
    pub async fn sitemap_entries(
        &self,
        from: Timestamp,
        until: Timestamp,
        limit: i64,
        offset: i64,
        newest_first: bool,
    ) -> Result<Vec<SitemapEntry>> {
        let sql = if newest_first {
            NEWEST_FIRST
        } else {
            OLDEST_FIRST
        };
        let rows: Vec<EntryRow> = read!(self, |conn| sqlx::query_as(sql)
            .bind(from.as_microsecond())
            .bind(until.as_microsecond())
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|r| {
                Ok(SitemapEntry {
                    id: ArticleId(r.id),
                    slug: r.slug,
                    section_slug: r.section_slug,
                    headline: r.headline,
                    language: r.language,
                    published_at: instant(r.first_published_at)?,
                    updated_at: instant(r.updated_at)?,
                    image: r.image.into_figure()?,
                })
            })
            .collect()
    }
}
