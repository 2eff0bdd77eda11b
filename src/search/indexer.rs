//! Keeps the search index true to the store: builds it when it is new, then
//! follows the change log from the position its last commit recorded.
//!
//! Each node indexes for itself (the index lives in its data directory), so
//! the position is the index's own, committed with it, not a shared one.

use std::{sync::Arc, time::Duration};

use dateline_core::ArticleId;
use dateline_store::{Change, Entity, NewJob, Store};
use tokio::task::JoinHandle;

use super::SearchIndex;
use crate::follow::{self, Head, Position};

/// A build that failed is tried again after this.
const RETRY_BUILD: Duration = Duration::from_secs(5);
/// Articles read from the store per trip while building.
const BUILD_BATCH: usize = 500;

/// Builds the whole index from the store's published articles; `progress`
/// hears how many are done. The index then reflects the change log up to
/// the position read before the first article was: changes made during the
/// build are applied again afterwards, which does no harm.
pub async fn rebuild(
    store: &Store,
    index: &Arc<SearchIndex>,
    progress: impl Fn(u64),
) -> anyhow::Result<i64> {
    let seq = store.last_change_seq().await?;
    index.off_thread(|i| i.start_rebuild()).await?;
    let mut after = ArticleId(0);
    let mut done = 0;
    loop {
        let documents = store.index_documents_after(after, BUILD_BATCH).await?;
        let Some(last) = documents.last() else { break };
        after = last.id;
        done += documents.len() as u64;
        index.off_thread(move |i| i.add(&documents)).await?;
        progress(done);
    }
    index.off_thread(move |i| i.finish_rebuild(seq)).await?;
    Ok(seq)
}

/// Applies each batch of article changes to the index in one commit, with
/// the batch's position. A batch that cannot be applied (the index's disk
/// is full) is tried again from the same position: the index never
/// records a position whose changes it does not hold.
struct Indexer {
    index: Arc<SearchIndex>,
}

impl crate::follow::Consumer for Indexer {
    const NAME: &'static str = "search_index";

    async fn apply(&mut self, store: &Store, changes: &[Change]) -> anyhow::Result<Vec<NewJob>> {
        apply_batch(store, &self.index, changes).await?;
        Ok(Vec::new())
    }
}

/// Applies the changes after `last`; the position reached.
pub async fn apply_changes(
    store: &Store,
    index: &Arc<SearchIndex>,
    mut last: i64,
) -> anyhow::Result<i64> {
    loop {
        let changes = store.changes_since(last, follow::BATCH).await?;
        let Some(newest) = changes.last().map(|c| c.seq) else {
            return Ok(last);
        };
        apply_batch(store, index, &changes).await?;
        last = newest;
        if (changes.len() as i64) < follow::BATCH {
            return Ok(last);
        }
    }
}

/// Applies one batch of changes in one commit.
async fn apply_batch(
    store: &Store,
    index: &Arc<SearchIndex>,
    changes: &[Change],
) -> anyhow::Result<()> {
    let Some(newest) = changes.last().map(|c| c.seq) else {
        return Ok(());
    };
    let mut changed: Vec<ArticleId> = changes
        .iter()
        .filter(|c| c.entity == Entity::Article)
        .map(|c| ArticleId(c.entity_id))
        .collect();
    changed.sort_by_key(|id| id.0);
    changed.dedup();
    let mut documents = Vec::with_capacity(changed.len());
    for id in &changed {
        // Unpublished (or gone): removed from the index.
        if let Some(document) = store.index_document(*id).await? {
            documents.push(document);
        }
    }
    // A short batch of other changes needs no commit: the position moves
    // with the next one that has articles in it (or a full batch).
    if !changed.is_empty() || changes.len() as i64 == follow::BATCH {
        index
            .off_thread(move |i| i.apply(&changed, &documents, newest))
            .await?;
    }
    Ok(())
}

/// Starts keeping the index current: from its recorded position, or, for
/// a new index, after building it from the store in the background (search
/// answers from an empty index until then), as for an index ahead of the
/// change log or one that disagrees with the store about how many articles
/// are published. Nothing, if another process keeps it.
pub async fn start(
    store: Store,
    head: Head,
    index: Arc<SearchIndex>,
) -> anyhow::Result<Option<JoinHandle<()>>> {
    if index.is_read_only() {
        // The process that keeps the index follows the log for both.
        return Ok(None);
    }
    let newest = store.last_change_seq().await?;
    // An index ahead of the log belongs to another database (one restored
    // from a backup, say): it is rebuilt like a missing one.
    if let Some(seq) = index.position()?.filter(|seq| *seq <= newest) {
        match caught_up_and_complete(&store, &index, seq).await {
            Ok(Some(seq)) => {
                let indexer = Indexer { index };
                let task = follow::spawn(store, head, Position::From(seq), indexer).await?;
                return Ok(Some(task));
            }
            Ok(None) => tracing::warn!(
                indexed = index.len(),
                "the search index disagrees with the store's published articles; it is rebuilt"
            ),
            Err(e) => tracing::warn!(
                error = format!("{e:#}"),
                "cannot bring the search index up to date; it is rebuilt"
            ),
        }
    }
    Ok(Some(tokio::spawn(async move {
        let seq = build_until_done(&store, &index).await;
        let indexer = Indexer { index };
        match follow::following(store, head, Position::From(seq), indexer).await {
            Ok(following) => following.await,
            Err(e) => tracing::error!(
                error = format!("{e:#}"),
                "cannot follow the change log for search"
            ),
        }
    })))
}

/// Applies the changes after `seq`, then compares the index's document
/// count with the store's published articles at the same position: the
/// position reached if they agree, `None` if not (an index that lost
/// documents to an old failure). Publishing goes on meanwhile, so the two
/// are compared only when no change landed between the counts.
async fn caught_up_and_complete(
    store: &Store,
    index: &Arc<SearchIndex>,
    mut seq: i64,
) -> anyhow::Result<Option<i64>> {
    for _ in 0..5 {
        seq = apply_changes(store, index, seq).await?;
        let published = store
            .count_published_articles(dateline_store::ArticleList::All)
            .await?;
        if store.last_change_seq().await? != seq {
            continue;
        }
        return Ok((index.len() == published as u64).then_some(seq));
    }
    // Too busy to compare: trust the recorded position.
    Ok(Some(seq))
}

/// Builds the index, trying again every few seconds while it cannot (a full
/// disk): the position it reflects.
async fn build_until_done(store: &Store, index: &Arc<SearchIndex>) -> i64 {
    loop {
        let started = std::time::Instant::now();
        match rebuild(store, index, |_| {}).await {
            Ok(seq) => {
                tracing::info!(
                    articles = index.len(),
                    seconds = started.elapsed().as_secs_f32(),
                    "search index built"
                );
                return seq;
            }
            Err(e) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    "cannot build the search index; trying again"
                );
                tokio::time::sleep(RETRY_BUILD).await;
            }
        }
    }
}
