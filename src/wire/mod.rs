//! The wire desk's intake: a document from a wire source, whatever channel
//! brought it (the command line, a watched folder, the push endpoint, a
//! polled feed), is read by `dateline_wire` and stored with its items in
//! one go, or refused whole with the reason.

use dateline_core::{Source, SourceId};
use dateline_store::{Ingested, ItemOutcome, Store};
use jiff::Timestamp;

pub mod poll;
pub mod story;
pub mod watch;

/// The largest document the push endpoint and polled feeds take.
pub const MAX_DOCUMENT_BYTES: usize = 32 << 20;

/// What became of one document.
#[derive(Debug)]
pub enum Intake {
    Stored(Ingested),
    /// Not read: the reason names the field or the line.
    Rejected(String),
}

impl Intake {
    /// One line for people: "ingested 3 items (2 new, 1 new version)",
    /// "already received", "rejected: …".
    pub fn summary(&self) -> String {
        match self {
            Self::Rejected(reason) => format!("rejected: {reason}"),
            Self::Stored(Ingested { document: None, .. }) => {
                "already received (the same bytes came before)".to_owned()
            }
            Self::Stored(Ingested { items, .. }) => {
                let count = |o: ItemOutcome| items.iter().filter(|i| i.outcome == o).count();
                let parts: Vec<String> = [
                    (ItemOutcome::New, "new"),
                    (ItemOutcome::NewVersion, "new version"),
                    (ItemOutcome::OlderVersion, "older version"),
                    (ItemOutcome::Unchanged, "unchanged"),
                ]
                .into_iter()
                .filter_map(|(o, name)| match count(o) {
                    0 => None,
                    n => Some(format!("{n} {name}")),
                })
                .collect();
                let n = items.len();
                format!(
                    "ingested {n} item{} ({})",
                    if n == 1 { "" } else { "s" },
                    parts.join(", ")
                )
            }
        }
    }
}

/// Reads `bytes` (named `name`, a file name or an address) from `source`
/// and stores what it holds.
pub async fn take(
    store: &Store,
    source: SourceId,
    name: &str,
    bytes: &[u8],
    now: Timestamp,
) -> dateline_store::Result<Intake> {
    // A document may be tens of megabytes: read it off the async workers.
    let owned = bytes.to_vec();
    let read = tokio::task::spawn_blocking(move || dateline_wire::read(&owned)).await;
    let items = match read {
        Ok(Ok(items)) => items,
        Ok(Err(rejected)) => return Ok(Intake::Rejected(rejected.reason)),
        Err(e) => return Ok(Intake::Rejected(format!("could not be read: {e}"))),
    };
    Ok(Intake::Stored(
        store.ingest_wire(source, name, bytes, &items, now).await?,
    ))
}

/// The wire source with slug `slug`, or an error naming the ones there are.
pub async fn source(store: &Store, slug: &str) -> anyhow::Result<Source> {
    let sources = store.sources().await?;
    let names: Vec<&str> = sources.iter().map(|s| s.slug.as_str()).collect();
    let known = names.join(", ");
    sources
        .iter()
        .find(|s| s.slug == slug)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no source {slug:?}; the sources are: {known}"))
}

/// A response's body, refused past `limit` bytes.
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        bytes.extend_from_slice(&chunk);
        anyhow::ensure!(bytes.len() <= limit, "larger than {limit} bytes");
    }
    Ok(bytes)
}
