//! Static pages (About, Privacy, …), reachable from the footer.

use dateline_core::{NewPage, Page, PageId};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, changes::append_change, read, rows::instant, write_tx,
};

#[derive(sqlx::FromRow)]
struct PageRow {
    id: i64,
    slug: String,
    title: String,
    body_html: String,
    updated_at: i64,
}

impl TryFrom<PageRow> for Page {
    type Error = crate::StoreError;

    fn try_from(r: PageRow) -> Result<Self> {
        Ok(Page {
            id: PageId(r.id),
            slug: r.slug,
            title: r.title,
            body_html: r.body_html,
            updated_at: instant(r.updated_at)?,
        })
    }
}

impl Store {
    /// Creates the page with this slug, or replaces its title and body.
    pub async fn put_page(&self, page: &NewPage, now: Timestamp) -> Result<PageId> {
        const SQL: &str = "insert into pages (slug, title, body_markdown, body_html, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5)
            on conflict (slug) do update set title = excluded.title, body_markdown = excluded.body_markdown,
                body_html = excluded.body_html, updated_at = excluded.updated_at
            returning id, created_at = updated_at";
        let id = write_tx!(self, |tx| {
            let (id, created): (i64, bool) = sqlx::query_as(SQL)
                .bind(page.slug.as_str())
                .bind(page.title.as_str())
                .bind(page.body.markdown())
                .bind(page.body.html())
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            let kind = if created {
                ChangeKind::Created
            } else {
                ChangeKind::Updated
            };
            append_change!(tx, Entity::Page, id, kind, now);
            id
        });
        Ok(PageId(id))
    }

    pub async fn page_by_slug(&self, slug: &str) -> Result<Option<Page>> {
        const SQL: &str =
            "select id, slug, title, body_html, updated_at from pages where slug = $1";
        let row: Option<PageRow> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        row.map(Page::try_from).transpose()
    }

    /// Every page, in the order it was first put: for the footer.
    pub async fn pages(&self) -> Result<Vec<Page>> {
        const SQL: &str = "select id, slug, title, body_html, updated_at from pages order by id";
        let rows: Vec<PageRow> =
            read!(self, |pool| sqlx::query_as(SQL).fetch_all(&mut *pool).await)?;
        rows.into_iter().map(Page::try_from).collect()
    }
}
