//! The wire desk's store: agency documents as they arrived, the items read
//! from them (see `dateline_wire`), versions per (source, guid), and
//! near-duplicate clusters found through the signatures' bands.
//!
//! A document is stored with all its items in one transaction, or not at
//! all. The same bytes from the same source are received once.

mod channels;
mod desk;
mod index;

use std::collections::HashMap;

pub use channels::{DueFeed, FeedAnswer, WireChannels, WireFeed};
use dateline_core::SourceId;
use dateline_wire::{Picture, Subject, WireItem, cluster::Signature};
pub use desk::{WireFilter, WireListing, WireState};
pub(crate) use index::ClusterIndex;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use crate::{
    Result, Store, StoreError, read,
    rows::{instant, opt_instant},
    write_tx,
};

/// How far back a new item looks for the story it may belong to.
pub const CLUSTER_WINDOW: SignedDuration = SignedDuration::from_hours(72);

/// What became of one item of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    /// A guid this source had not sent before.
    New,
    /// A newer version of a guid: the older ones become its history.
    NewVersion,
    /// A version older than one already here, kept as history.
    OlderVersion,
    /// The same version (for feeds: the same text) again; not stored.
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestedItem {
    pub guid: String,
    pub version: i64,
    pub outcome: ItemOutcome,
    /// The stored item (none when unchanged).
    pub id: Option<i64>,
    /// The item leading its cluster (its own id when it leads).
    pub cluster: Option<i64>,
}

impl IngestedItem {
    fn unchanged(guid: &str, version: i64) -> Self {
        Self {
            guid: guid.to_owned(),
            version,
            outcome: ItemOutcome::Unchanged,
            id: None,
            cluster: None,
        }
    }
}

/// What a document brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// The stored document; `None` when the same bytes came before.
    pub document: Option<i64>,
    pub items: Vec<IngestedItem>,
}

/// A stored wire item with what the desk shows of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WireRecord {
    pub id: i64,
    pub source_id: SourceId,
    pub source_name: String,
    pub document_id: i64,
    pub guid: String,
    pub version: i64,
    pub format: String,
    pub kind: String,
    pub headline: String,
    pub body_html: String,
    pub byline: Option<String>,
    pub dateline: Option<String>,
    pub subjects: Vec<Subject>,
    pub urgency: Option<i64>,
    pub language: Option<String>,
    pub embargo_until: Option<Timestamp>,
    pub version_created: Option<Timestamp>,
    pub first_created: Option<Timestamp>,
    pub pub_status: String,
    pub pictures: Vec<Picture>,
    pub provider: Option<String>,
    pub copyright: Option<String>,
    pub usage_terms: Option<String>,
    pub notes: Vec<String>,
    pub state: WireState,
    pub superseded_by: Option<i64>,
    /// The item leading its cluster (its own id when it leads).
    pub cluster: i64,
    pub received_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    source_id: i64,
    source_name: String,
    document_id: i64,
    guid: String,
    version: i64,
    format: String,
    kind: String,
    headline: String,
    body_html: String,
    byline: Option<String>,
    dateline: Option<String>,
    subjects: String,
    urgency: Option<i64>,
    language: Option<String>,
    embargo_until: Option<i64>,
    version_created: Option<i64>,
    first_created: Option<i64>,
    pub_status: String,
    pictures: String,
    provider: Option<String>,
    copyright: Option<String>,
    usage_terms: Option<String>,
    notes: String,
    state: String,
    superseded_by: Option<i64>,
    cluster: i64,
    received_at: i64,
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("wire item JSON: {e}")))
}

impl TryFrom<RecordRow> for WireRecord {
    type Error = StoreError;
    fn try_from(r: RecordRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            source_id: SourceId(r.source_id),
            source_name: r.source_name,
            document_id: r.document_id,
            guid: r.guid,
            version: r.version,
            format: r.format,
            kind: r.kind,
            headline: r.headline,
            body_html: r.body_html,
            byline: r.byline,
            dateline: r.dateline,
            subjects: json(&r.subjects)?,
            urgency: r.urgency,
            language: r.language,
            embargo_until: opt_instant(r.embargo_until)?,
            version_created: opt_instant(r.version_created)?,
            first_created: opt_instant(r.first_created)?,
            pub_status: r.pub_status,
            pictures: json(&r.pictures)?,
            provider: r.provider,
            copyright: r.copyright,
            usage_terms: r.usage_terms,
            notes: json(&r.notes)?,
            state: WireState::parse(&r.state)
                .ok_or_else(|| StoreError::Corrupt(format!("wire item state {:?}", r.state)))?,
            superseded_by: r.superseded_by,
            cluster: r.cluster,
            received_at: instant(r.received_at)?,
        })
    }
}

/// A stored item's row with its source's name; a literal, for `concat!`.
macro_rules! select_record {
    () => {
        "select w.id, w.source_id, s.name as source_name, w.document_id, w.guid, w.version,
            w.format, w.kind, w.headline, w.body_html, w.byline, w.dateline, w.subjects,
            w.urgency, w.language, w.embargo_until, w.version_created, w.first_created,
            w.pub_status, w.pictures, w.provider, w.copyright, w.usage_terms, w.notes, w.state,
            w.superseded_by, coalesce(w.cluster_id, w.id) as cluster, w.received_at
        from wire_items w join sources s on s.id = w.source_id "
    };
}

const INSERT_DOCUMENT: &str =
    "insert into wire_documents (source_id, sha256, name, body, received_at)
    values ($1, $2, $3, $4, $5) on conflict (source_id, sha256) do nothing returning id";
/// Serialises wire ingests across nodes (see [`index`]); SQLite's single
/// writer does the same there.
const LOCK_POSTGRES: &str = "select pg_advisory_xact_lock(7212022)";
/// The items the cluster index has not taken in yet: past id $1, received
/// since $2.
const RECENT: &str = "select id, coalesce(cluster_id, id), received_at, signature
    from wire_items where id > $1 and received_at >= $2 and signature is not null order by id";
/// The newest versions (those not superseded) of a source's guids.
const LATEST: &str = "select guid, version, headline, body_html, coalesce(cluster_id, id)
    as cluster from wire_items where superseded_by is null and source_id = ";
const INSERT_ITEM: &str = "insert into wire_items (source_id, document_id, guid, version, format,
        kind, headline, body_html, byline, dateline, subjects, urgency, language, embargo_until,
        version_created, first_created, pub_status, pictures, provider, copyright, usage_terms,
        notes, cluster_id, signature, received_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25)
    on conflict (source_id, guid, version) do nothing returning id";
/// Every version of a source's guids but the newest points at the newest.
const SUPERSEDE: &str = "update wire_items set superseded_by = (select n.id from wire_items n
        where n.source_id = wire_items.source_id and n.guid = wire_items.guid
        order by n.version desc limit 1)
    where id <> (select n.id from wire_items n
        where n.source_id = wire_items.source_id and n.guid = wire_items.guid
        order by n.version desc limit 1)
    and source_id = ";

/// The newest stored version of a guid.
#[derive(sqlx::FromRow)]
struct Latest {
    guid: String,
    version: i64,
    headline: String,
    body_html: String,
    cluster: i64,
}

impl Store {
    /// Stores document `body` (named `name`) from wire source `source` with
    /// the items read from it: each new guid or version is kept, joins the
    /// cluster of its earlier versions or of the most similar recent item
    /// ([`SAME_STORY`](dateline_wire::cluster::SAME_STORY) or more), and
    /// supersedes older versions.
    pub async fn ingest_wire(
        &self,
        source: SourceId,
        name: &str,
        body: &[u8],
        items: &[WireItem],
        now: Timestamp,
    ) -> Result<Ingested> {
        // Signatures are computed before the write lock is taken.
        let signatures: Vec<Option<Signature>> = items
            .iter()
            .map(|i| Signature::of(&i.plain_text()))
            .collect();
        let mut index = self.wire_index.lock().await;
        let stored = self
            .store_wire(&mut index, source, name, body, items, &signatures, now)
            .await;
        if stored.is_err() {
            // It may hold items whose transaction rolled back: read afresh.
            *index = ClusterIndex::default();
        }
        stored
    }

    #[expect(clippy::too_many_arguments, reason = "ingest_wire's, with its index")]
    async fn store_wire(
        &self,
        index: &mut ClusterIndex,
        source: SourceId,
        name: &str,
        body: &[u8],
        items: &[WireItem],
        signatures: &[Option<Signature>],
        now: Timestamp,
    ) -> Result<Ingested> {
        let sha256: String = Sha256::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let now_us = now.as_microsecond();
        let since = now
            .checked_sub(CLUSTER_WINDOW)
            .unwrap_or(Timestamp::MIN)
            .as_microsecond();
        let mut guids: Vec<String> = items.iter().map(|i| i.guid.clone()).collect();
        guids.sort_unstable();
        guids.dedup();
        write_tx!(self, |tx| {
            if matches!(self.backend, crate::Backend::Postgres(_)) {
                sqlx::query(LOCK_POSTGRES).execute(&mut *tx).await?;
            }
            let document: Option<i64> = sqlx::query_scalar(INSERT_DOCUMENT)
                .bind(source.0)
                .bind(&sha256)
                .bind(name)
                .bind(body)
                .bind(now_us)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(document) = document else {
                return Ok(Ingested {
                    document: None,
                    items: Vec::new(),
                });
            };
            let recent: Vec<(i64, i64, i64, Vec<u8>)> = sqlx::query_as(RECENT)
                .bind(index.seen())
                .bind(since)
                .fetch_all(&mut *tx)
                .await?;
            for (id, cluster, received_at, bytes) in recent {
                if let Some(signature) = Signature::from_bytes(&bytes) {
                    index.add(id, cluster, received_at, signature);
                }
            }
            index.forget_before(since);
            let mut latest: HashMap<String, Latest> = of_guids(LATEST, source, &guids)
                .build_query_as::<Latest>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|l| (l.guid.clone(), l))
                .collect();
            let mut out = Vec::with_capacity(items.len());
            let mut versioned: Vec<String> = Vec::new();
            for (item, signature) in items.iter().zip(signatures) {
                let known = latest.get(&item.guid);
                let version = match (item.version, known) {
                    (Some(v), _) => v,
                    (None, Some(l))
                        if l.headline == item.headline && l.body_html == item.body_html =>
                    {
                        out.push(IngestedItem::unchanged(&item.guid, l.version));
                        continue;
                    }
                    (None, Some(l)) => l.version + 1,
                    (None, None) => 1,
                };
                // Earlier versions' cluster, else the most similar recent item's.
                let cluster = known
                    .map(|l| l.cluster)
                    .or_else(|| signature.as_ref().and_then(|s| index.closest(s, since)));
                let id: Option<i64> = sqlx::query_scalar(INSERT_ITEM)
                    .bind(source.0)
                    .bind(document)
                    .bind(&item.guid)
                    .bind(version)
                    .bind(item.format.as_str())
                    .bind(item.kind.as_str())
                    .bind(&item.headline)
                    .bind(&item.body_html)
                    .bind(item.byline.as_deref())
                    .bind(item.dateline.as_deref())
                    .bind(to_json(&item.subjects))
                    .bind(item.urgency.map(i64::from))
                    .bind(item.language.as_deref())
                    .bind(item.embargo.map(|t| t.as_microsecond()))
                    .bind(item.version_created.map(|t| t.as_microsecond()))
                    .bind(item.first_created.map(|t| t.as_microsecond()))
                    .bind(item.pub_status.as_str())
                    .bind(to_json(&item.pictures))
                    .bind(item.provider.as_deref())
                    .bind(item.copyright.as_deref())
                    .bind(item.usage_terms.as_deref())
                    .bind(to_json(&item.notes))
                    .bind(cluster)
                    .bind(signature.as_ref().map(Signature::to_bytes))
                    .bind(now_us)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(id) = id else {
                    out.push(IngestedItem::unchanged(&item.guid, version));
                    continue;
                };
                let cluster = cluster.unwrap_or(id);
                if let Some(signature) = signature {
                    index.add(id, cluster, now_us, signature.clone());
                }
                let outcome = match known {
                    None => ItemOutcome::New,
                    Some(l) if version > l.version => ItemOutcome::NewVersion,
                    Some(_) => ItemOutcome::OlderVersion,
                };
                if outcome != ItemOutcome::New {
                    versioned.push(item.guid.clone());
                }
                if known.is_none_or(|l| version > l.version) {
                    latest.insert(
                        item.guid.clone(),
                        Latest {
                            guid: item.guid.clone(),
                            version,
                            headline: item.headline.clone(),
                            body_html: item.body_html.clone(),
                            cluster,
                        },
                    );
                }
                out.push(IngestedItem {
                    guid: item.guid.clone(),
                    version,
                    outcome,
                    id: Some(id),
                    cluster: Some(cluster),
                });
            }
            if !versioned.is_empty() {
                of_guids(SUPERSEDE, source, &versioned)
                    .build()
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(Ingested {
                document: Some(document),
                items: out,
            })
        })
    }

    pub async fn wire_item(&self, id: i64) -> Result<Option<WireRecord>> {
        const SQL: &str = concat!(select_record!(), "where w.id = $1");
        let row: Option<RecordRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(WireRecord::try_from).transpose()
    }

    /// Every version of the item's guid from its source, newest first.
    pub async fn wire_versions(&self, id: i64) -> Result<Vec<WireRecord>> {
        const SQL: &str = concat!(
            select_record!(),
            "where (w.source_id, w.guid) = (select source_id, guid from wire_items where id = $1)
            order by w.version desc"
        );
        let rows: Vec<RecordRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(WireRecord::try_from).collect()
    }

    /// The current items (newest versions) of cluster `cluster`, newest first.
    pub async fn wire_cluster(&self, cluster: i64) -> Result<Vec<WireRecord>> {
        const SQL: &str = concat!(
            select_record!(),
            "where coalesce(w.cluster_id, w.id) = $1 and w.superseded_by is null
            order by w.id desc"
        );
        let rows: Vec<RecordRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(cluster)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(WireRecord::try_from).collect()
    }

    /// A stored document's name and bytes, as they arrived.
    pub async fn wire_document(&self, id: i64) -> Result<Option<(String, Vec<u8>)>> {
        const SQL: &str = "select name, body from wire_documents where id = $1";
        read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)
        .map_err(Into::into)
    }
}

/// `head` (ending in `source_id = `) with `source` and `guid in (guids)`.
fn of_guids<DB: sqlx::Database>(
    head: &str,
    source: SourceId,
    guids: &[String],
) -> sqlx::QueryBuilder<DB>
where
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    DB::Arguments: Default,
{
    let mut query = sqlx::QueryBuilder::new(head);
    query.push_bind(source.0).push(" and guid in (");
    let mut list = query.separated(", ");
    for guid in guids {
        list.push_bind(guid.clone());
    }
    query.push(")");
    query
}

/// JSON of an item's lists, for their text columns.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("wire item lists serialise")
}
