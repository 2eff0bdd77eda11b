//! Tags: free labels, made when first used.

use dateline_core::{Tag, TagId, Text};
use jiff::Timestamp;

use super::*;
use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, write_tx,
};

impl Store {
    /// The tag with this slug, created with `name` if it does not exist yet.
    /// A tag alone is not reader-visible, so this logs no change; attaching
    /// it to a published article does.
    pub async fn ensure_tag(&self, slug: &dateline_core::Slug, name: &Text) -> Result<TagId> {
        const SQL: &str = "insert into tags (slug, name) values ($1, $2)
            on conflict (slug) do update set slug = excluded.slug returning id";
        let id: i64 = write_tx!(self, |tx| sqlx::query_scalar(SQL)
            .bind(slug.as_str())
            .bind(name.as_str())
            .fetch_one(&mut *tx)
            .await?);
        Ok(TagId(id))
    }

    pub async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>> {
        const SQL: &str = "select id, slug, name from tags where slug = $1";
        let row: Option<(i64, String, String)> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        Ok(row.map(|(id, slug, name)| Tag {
            id: TagId(id),
            slug,
            name,
        }))
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
}
