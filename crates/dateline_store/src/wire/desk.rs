//! What the wire desk lists: one line per story (the newest current item
//! of each cluster that passes the filters, with how many current items
//! the cluster holds), newest first; and the desk's marks on items.

use dateline_core::{ArticleId, SourceId};
use jiff::Timestamp;

use crate::{
    Result, Store, StoreError, read,
    rows::{instant, opt_instant},
    write_tx,
};

/// Where an item stands with the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireState {
    New,
    /// Made into an article.
    Used,
    /// Set aside by an editor.
    Ignored,
}

impl WireState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Used => "used",
            Self::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "new" => Some(Self::New),
            "used" => Some(Self::Used),
            "ignored" => Some(Self::Ignored),
            _ => None,
        }
    }
}

/// The desk's filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct WireFilter {
    pub source: Option<SourceId>,
    pub language: Option<String>,
    /// Items at this priority or more urgent (1 is the most urgent).
    pub urgency_at_most: Option<i64>,
    pub state: Option<WireState>,
    /// Words in the headline.
    pub text: Option<String>,
    /// Lines older than this item id (the next page).
    pub before: Option<i64>,
}

/// One line of the desk: a story.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WireListing {
    pub id: i64,
    pub source_name: String,
    pub headline: String,
    pub byline: Option<String>,
    pub urgency: Option<i64>,
    pub language: Option<String>,
    pub embargo_until: Option<Timestamp>,
    pub version: i64,
    pub state: WireState,
    pub received_at: Timestamp,
    /// Current items in the story's cluster (1 when it stands alone).
    pub cluster_size: i64,
}

#[derive(sqlx::FromRow)]
struct ListingRow {
    id: i64,
    source_name: String,
    headline: String,
    byline: Option<String>,
    urgency: Option<i64>,
    language: Option<String>,
    embargo_until: Option<i64>,
    version: i64,
    state: String,
    received_at: i64,
    cluster_size: i64,
}

impl TryFrom<ListingRow> for WireListing {
    type Error = StoreError;
    fn try_from(r: ListingRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            source_name: r.source_name,
            headline: r.headline,
            byline: r.byline,
            urgency: r.urgency,
            language: r.language,
            embargo_until: opt_instant(r.embargo_until)?,
            version: r.version,
            state: WireState::parse(&r.state)
                .ok_or_else(|| StoreError::Corrupt(format!("wire item state {:?}", r.state)))?,
            received_at: instant(r.received_at)?,
            cluster_size: r.cluster_size,
        })
    }
}

impl Store {
    /// Up to `limit` lines of the desk, newest first.
    pub async fn wire_desk(&self, filter: &WireFilter, limit: i64) -> Result<Vec<WireListing>> {
        let rows: Vec<ListingRow> = read!(self, |conn| desk_query(filter, limit)
            .build_query_as()
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(WireListing::try_from).collect()
    }

    /// The articles made from item `id`, newest first.
    pub async fn wire_item_articles(&self, id: i64) -> Result<Vec<ArticleId>> {
        const SQL: &str = "select id from articles where wire_item_id = $1 order by id desc";
        let ids: Vec<i64> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(id)
            .fetch_all(&mut *conn)
            .await)?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    /// Sets an item aside, or takes it back (`New`). An item made into an
    /// article stays used.
    pub async fn set_wire_state(&self, id: i64, state: WireState) -> Result<()> {
        const SQL: &str = "update wire_items set state = $2 where id = $1 and state <> 'used'";
        const EXISTS: &str = "select count(*) from wire_items where id = $1";
        write_tx!(self, |tx| {
            let changed = sqlx::query(SQL)
                .bind(id)
                .bind(state.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                let exists: i64 = sqlx::query_scalar(EXISTS)
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(if exists == 0 {
                    StoreError::NotFound
                } else {
                    dateline_core::Invalid::new("state", "the story is already used in an article")
                        .into()
                });
            }
        });
        Ok(())
    }
}

/// The desk's query: the filters choose items; each cluster is then shown
/// by its newest chosen item, with the count of its current items.
fn desk_query<DB: sqlx::Database>(filter: &WireFilter, limit: i64) -> sqlx::QueryBuilder<DB>
where
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    DB::Arguments: Default,
{
    let mut query = sqlx::QueryBuilder::new(
        "select w.id, s.name as source_name, w.headline, w.byline, w.urgency, w.language,
            w.embargo_until, w.version, w.state, w.received_at,
            (select count(*) from wire_items m where m.superseded_by is null
                and (m.cluster_id = g.cluster or m.id = g.cluster)) as cluster_size
        from (select max(c.id) as newest, coalesce(c.cluster_id, c.id) as cluster
            from wire_items c where c.superseded_by is null",
    );
    if let Some(source) = filter.source {
        query.push(" and c.source_id = ").push_bind(source.0);
    }
    if let Some(language) = &filter.language {
        query.push(" and c.language = ").push_bind(language.clone());
    }
    if let Some(urgency) = filter.urgency_at_most {
        query.push(" and c.urgency <= ").push_bind(urgency);
    }
    if let Some(state) = filter.state {
        query
            .push(" and c.state = ")
            .push_bind(state.as_str().to_owned());
    }
    if let Some(text) = &filter.text {
        query
            .push(" and lower(c.headline) like ")
            .push_bind(crate::articles::contains_pattern(text))
            .push(" escape '\\'");
    }
    if let Some(before) = filter.before {
        query.push(" and c.id < ").push_bind(before);
    }
    query
        .push(
            " group by coalesce(c.cluster_id, c.id)) g
            join wire_items w on w.id = g.newest join sources s on s.id = w.source_id
            order by w.id desc limit ",
        )
        .push_bind(limit);
    query
}
