//! Keeps the search index true to the store: builds it when it is new, then
//! follows the change log from the position its last commit recorded.
//!
//! Each node indexes for itself (the index lives in its data directory), so
//! the position is the index's own, committed with it, not a shared one.

use std::{sync::Arc, time::Duration};

use dateline_core::ArticleId;
use dateline_store::{Entity, Store};
use tokio::task::JoinHandle;

use super::SearchIndex;

/// Changes reach search results within this time plus a commit.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
const BATCH: i64 = 500;
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

/// Follows the change log from `from` (the index's position), applying
/// each batch of article changes in one commit, for ever. A batch that
/// cannot be applied (the index's disk is full) is tried again from the
/// same position at the next tick: the index never records a position
/// whose changes it does not hold.
async fn follow(store: Store, index: Arc<SearchIndex>, from: i64) {
    let mut last = from;
    let mut ticker = tokio::time::interval(POLL_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match apply_changes(&store, &index, last).await {
            Ok(seq) => last = seq,
            Err(e) => tracing::warn!(
                error = format!("{e:#}"),
                "cannot apply changes to the search index"
            ),
        }
    }
}

/// Applies the changes after `last`; the position reached.
pub async fn apply_changes(
    store: &Store,
    index: &Arc<SearchIndex>,
    mut last: i64,
) -> anyhow::Result<i64> {
    loop {
        let changes = store.changes_since(last, BATCH).await?;
        let Some(newest) = changes.last().map(|c| c.seq) else {
            return Ok(last);
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
        if !changed.is_empty() || changes.len() as i64 == BATCH {
            index
                .off_thread(move |i| i.apply(&changed, &documents, newest))
                .await?;
        }
        last = newest;
        if (changes.len() as i64) < BATCH {
            return Ok(last);
        }
    }
}

/// Starts keeping the index current: from its recorded position, or, for
/// a new index, after building it from the store in the background (search
/// answers from an empty index until then), as for an index ahead of the
/// change log or one that disagrees with the store about how many articles
/// are published. Nothing, if another process keeps it.
pub async fn start(
    store: Store,
    index: Arc<SearchIndex>,
) -> anyhow::Result<Option<JoinHandle<()>>> {
    if index.is_read_only() {
        // The process that keeps the index follows the log for both.
        return Ok(None);
    }
    let head = store.last_change_seq().await?;
    // An index ahead of the log belongs to another database (one restored
    // from a backup, say): it is rebuilt like a missing one.
    if let Some(seq) = index.position()?.filter(|seq| *seq <= head) {
        match caught_up_and_complete(&store, &index, seq).await {
            Ok(Some(seq)) => return Ok(Some(tokio::spawn(follow(store, index, seq)))),
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
        follow(store, index, seq).await;
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
