//! Static pages (About, Privacy, …), reachable from the footer.

use dateline_core::{NewPage, Page, PageId};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError,
    changes::append_change,
    read,
    rows::instant,
    taxonomy::{SLUG_TAKEN_BY_SECTION, logged_one, slug_taken},
    write_tx,
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

/// A static page as the admin edits it: with its Markdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageSource {
    pub id: PageId,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    pub updated_at: Timestamp,
}

impl Store {
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
