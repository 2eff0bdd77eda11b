//! The wire desk's store: agency documents as they arrived, the items read
//! from them (see `dateline_wire`), versions per (source, guid), and
//! near-duplicate clusters found through the signatures' bands.
//!
//! A document is stored with all its items in one transaction, or not at
//! all. The same bytes from the same source are received once.

use dateline_core::SourceId;
use dateline_wire::{
    Picture, Subject, WireItem,
    cluster::{BANDS, SAME_STORY, Signature},
};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use crate::{
    Result, Store, StoreError, read,
    rows::{instant, opt_instant},
    write_tx,
};

/// How far back a new item looks for the story it may belong to.
pub const CLUSTER_WINDOW: SignedDuration = SignedDuration::from_hours(72);
/// Candidates compared per item, newest first (a band shared by boilerplate
/// could otherwise bring thousands).
const CANDIDATES: i64 = 200;

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
    pub state: String,
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
            state: r.state,
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
const LATEST: &str = "select id, version, headline, body_html, coalesce(cluster_id, id)
    from wire_items where source_id = $1 and guid = $2 order by version desc limit 1";
const INSERT_ITEM: &str = "insert into wire_items (source_id, document_id, guid, version, format,
        kind, headline, body_html, byline, dateline, subjects, urgency, language, embargo_until,
        version_created, first_created, pub_status, pictures, provider, copyright, usage_terms,
        notes, cluster_id, signature, received_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25)
    on conflict (source_id, guid, version) do nothing returning id";
// The two statements below name each band as a parameter.
const _: () = assert!(BANDS == 32, "CANDIDATES_SQL and INSERT_BANDS take 32 bands");

/// The newest items sharing a band with the new one ($1..$32), received
/// since $33.
const CANDIDATES_SQL: &str = "select w.id, coalesce(w.cluster_id, w.id), w.signature
    from wire_items w
    where w.id in (select b.item_id from wire_bands b where b.band in ($1, $2, $3, $4, $5, $6,
            $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
            $24, $25, $26, $27, $28, $29, $30, $31, $32))
        and w.received_at >= $33 and w.signature is not null
    order by w.id desc limit $34";
const INSERT_BANDS: &str = "insert into wire_bands (band, item_id) values ($1, $33), ($2, $33),
    ($3, $33), ($4, $33), ($5, $33), ($6, $33), ($7, $33), ($8, $33), ($9, $33), ($10, $33),
    ($11, $33), ($12, $33), ($13, $33), ($14, $33), ($15, $33), ($16, $33), ($17, $33),
    ($18, $33), ($19, $33), ($20, $33), ($21, $33), ($22, $33), ($23, $33), ($24, $33),
    ($25, $33), ($26, $33), ($27, $33), ($28, $33), ($29, $33), ($30, $33), ($31, $33),
    ($32, $33)";
/// Every other version of the guid now points at the newest, $3.
const SUPERSEDE: &str = "update wire_items set superseded_by = $3
    where source_id = $1 and guid = $2 and id <> $3";
const SUPERSEDED: &str = "update wire_items set superseded_by = $2 where id = $1";

impl Store {
    /// Stores document `body` (named `name`) from wire source `source` with
    /// the items read from it: each new guid or version is kept, joins the
    /// cluster of its earlier versions or of the most similar recent item
    /// ([`SAME_STORY`] or more), and supersedes older versions.
    pub async fn ingest_wire(
        &self,
        source: SourceId,
        name: &str,
        body: &[u8],
        items: &[WireItem],
        now: Timestamp,
    ) -> Result<Ingested> {
        let sha256: String = Sha256::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        // Signatures are computed before the write lock is taken.
        let signatures: Vec<Option<Signature>> = items
            .iter()
            .map(|i| Signature::of(&i.plain_text()))
            .collect();
        let since = now
            .checked_sub(CLUSTER_WINDOW)
            .unwrap_or(Timestamp::MIN)
            .as_microsecond();
        write_tx!(self, |tx| {
            let document: Option<i64> = sqlx::query_scalar(INSERT_DOCUMENT)
                .bind(source.0)
                .bind(&sha256)
                .bind(name)
                .bind(body)
                .bind(now.as_microsecond())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(document) = document else {
                return Ok(Ingested {
                    document: None,
                    items: Vec::new(),
                });
            };
            let mut out = Vec::with_capacity(items.len());
            for (item, signature) in items.iter().zip(&signatures) {
                let latest: Option<(i64, i64, String, String, i64)> = sqlx::query_as(LATEST)
                    .bind(source.0)
                    .bind(&item.guid)
                    .fetch_optional(&mut *tx)
                    .await?;
                let version = match (item.version, &latest) {
                    (Some(v), _) => v,
                    (None, Some((_, v, headline, body, _)))
                        if *headline == item.headline && *body == item.body_html =>
                    {
                        out.push(IngestedItem {
                            guid: item.guid.clone(),
                            version: *v,
                            outcome: ItemOutcome::Unchanged,
                            id: None,
                            cluster: None,
                        });
                        continue;
                    }
                    (None, Some((_, v, ..))) => v + 1,
                    (None, None) => 1,
                };
                // Earlier versions' cluster, else the most similar recent item's.
                let mut cluster = latest.as_ref().map(|l| l.4);
                if cluster.is_none()
                    && let Some(signature) = signature
                {
                    let bands = signature.bands();
                    let mut query =
                        sqlx::query_as::<_, (i64, i64, Option<Vec<u8>>)>(CANDIDATES_SQL);
                    for band in bands {
                        query = query.bind(band);
                    }
                    let candidates = query
                        .bind(since)
                        .bind(CANDIDATES)
                        .fetch_all(&mut *tx)
                        .await?;
                    cluster = candidates
                        .iter()
                        .filter_map(|(_, cluster, bytes)| {
                            let other = Signature::from_bytes(bytes.as_deref()?)?;
                            Some((*cluster, signature.similarity(&other)))
                        })
                        .filter(|(_, similarity)| *similarity >= SAME_STORY)
                        .max_by(|a, b| a.1.total_cmp(&b.1))
                        .map(|(cluster, _)| cluster);
                }
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
                    .bind(now.as_microsecond())
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(id) = id else {
                    out.push(IngestedItem {
                        guid: item.guid.clone(),
                        version,
                        outcome: ItemOutcome::Unchanged,
                        id: None,
                        cluster: None,
                    });
                    continue;
                };
                if let Some(signature) = signature {
                    let mut query = sqlx::query(INSERT_BANDS);
                    for band in signature.bands() {
                        query = query.bind(band);
                    }
                    query.bind(id).execute(&mut *tx).await?;
                }
                let outcome = match &latest {
                    None => ItemOutcome::New,
                    Some((_, newest, ..)) if version > *newest => {
                        sqlx::query(SUPERSEDE)
                            .bind(source.0)
                            .bind(&item.guid)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        ItemOutcome::NewVersion
                    }
                    Some((newest_id, ..)) => {
                        sqlx::query(SUPERSEDED)
                            .bind(id)
                            .bind(newest_id)
                            .execute(&mut *tx)
                            .await?;
                        ItemOutcome::OlderVersion
                    }
                };
                out.push(IngestedItem {
                    guid: item.guid.clone(),
                    version,
                    outcome,
                    id: Some(id),
                    cluster: Some(cluster.unwrap_or(id)),
                });
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

/// JSON of an item's lists, for their text columns.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("wire item lists serialise")
}
