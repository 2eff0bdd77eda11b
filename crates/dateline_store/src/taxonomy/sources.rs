//! Sources of copy (agencies, the newsroom) and the rights they give.

use dateline_core::{NewSource, Source, SourceId, SourceRights};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, write_tx,
};

#[derive(sqlx::FromRow)]
pub(crate) struct SourceRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub notice: Option<String>,
    pub full_text_in_feeds: bool,
    pub full_text_in_api: bool,
    pub full_text_in_federation: bool,
}

impl From<SourceRow> for Source {
    fn from(r: SourceRow) -> Self {
        Source {
            id: SourceId(r.id),
            slug: r.slug,
            name: r.name,
            notice: r.notice,
            rights: SourceRights {
                full_text_in_feeds: r.full_text_in_feeds,
                full_text_in_api: r.full_text_in_api,
                full_text_in_federation: r.full_text_in_federation,
            },
        }
    }
}

impl Store {
    pub async fn create_source(&self, new: &NewSource, now: Timestamp) -> Result<SourceId> {
        const SQL: &str =
            "insert into sources (slug, name, notice, full_text_in_feeds, full_text_in_api,
                full_text_in_federation, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $7) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(new.notice.as_deref())
                .bind(new.rights.full_text_in_feeds)
                .bind(new.rights.full_text_in_api)
                .bind(new.rights.full_text_in_federation)
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Source, id, ChangeKind::Created, now);
            id
        });
        Ok(SourceId(id))
    }

    pub async fn source(&self, id: SourceId) -> Result<Source> {
        const SQL: &str = "select id, slug, name, notice, full_text_in_feeds, full_text_in_api,
            full_text_in_federation from sources where id = $1";
        let row: SourceRow = read!(self, |pool| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_one(&mut *pool)
            .await)?;
        Ok(row.into())
    }

    /// Every source of copy, by name.
    pub async fn sources(&self) -> Result<Vec<Source>> {
        const SQL: &str = "select id, slug, name, notice, full_text_in_feeds, full_text_in_api,
                full_text_in_federation
            from sources order by name, id";
        let rows: Vec<SourceRow> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        Ok(rows.into_iter().map(Source::from).collect())
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
}
