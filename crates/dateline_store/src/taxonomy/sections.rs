//! Sections: the site's navigation, nested one level deep.

use dateline_core::{Invalid, NewSection, Section, SectionId};
use jiff::Timestamp;

use super::*;
use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, write_tx,
};

#[derive(sqlx::FromRow)]
struct SectionRow {
    id: i64,
    slug: String,
    name: String,
    parent_id: Option<i64>,
    position: i64,
}

impl From<SectionRow> for Section {
    fn from(r: SectionRow) -> Self {
        Section {
            id: SectionId(r.id),
            slug: r.slug,
            name: r.name,
            parent_id: r.parent_id.map(SectionId),
            position: r.position,
        }
    }
}

impl Store {
    pub async fn create_section(&self, new: &NewSection, now: Timestamp) -> Result<SectionId> {
        const SQL: &str =
            "insert into sections (slug, name, parent_id, position, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            // Sections and static pages share the first path segment.
            let pages: i64 = sqlx::query_scalar(crate::taxonomy::SLUG_TAKEN_BY_PAGE)
                .bind(new.slug.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if pages > 0 {
                return Err(crate::taxonomy::slug_taken(new.slug.as_str(), "page"));
            }
            if let Some(parent) = new.parent {
                use crate::taxonomy::no_such;
                use dateline_core::Invalid;
                crate::taxonomy::check_parent!(tx, None, parent);
            }
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(new.parent.map(|p| p.0))
                .bind(new.position)
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Section, id, ChangeKind::Created, now);
            id
        });
        Ok(SectionId(id))
    }

    /// Every section, in navigation order (parents before their children).
    pub async fn sections(&self) -> Result<Vec<Section>> {
        const SQL: &str = "select id, slug, name, parent_id, position from sections
            order by coalesce(parent_id, id), parent_id is not null, position, id";
        let rows: Vec<SectionRow> =
            read!(self, |pool| sqlx::query_as(SQL).fetch_all(&mut *pool).await)?;
        Ok(rows.into_iter().map(Section::from).collect())
    }

    pub async fn section_by_slug(&self, slug: &str) -> Result<Option<Section>> {
        const SQL: &str =
            "select id, slug, name, parent_id, position from sections where slug = $1";
        let row: Option<SectionRow> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        Ok(row.map(Section::from))
    }

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
}
