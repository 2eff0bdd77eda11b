//! The change-log consumer that keeps the page cache true.
//!
//! It polls the log (cheap: one indexed query) and purges, for each change,
//! exactly the keys it touches. Every node runs its own; the log, not a
//! message between nodes, is what they agree on.

use std::{sync::Arc, time::Duration};

use dateline_core::{ArticleId, MediaId};
use dateline_store::{Change, ChangeKind, Entity, Store};
use tokio::task::JoinHandle;

use super::{DepKey, PageCache};

/// Changes appear on every page within this time plus a render.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
const BATCH: i64 = 500;
/// How often the cache's index forgets evicted pages.
const PRUNE_EVERY: u64 = 300;

/// What a change touches: `None` means every page (the navigation, the
/// footer, a source's notice or a byline may have changed).
pub async fn keys_for_change(
    store: &Store,
    change: &Change,
) -> dateline_store::Result<Option<Vec<DepKey>>> {
    match change.entity {
        Entity::Article => {}
        // A new picture is on no page yet; a changed one (its renditions,
        // texts) is on the pages of the articles and topics that use it.
        Entity::Media if change.kind == ChangeKind::Created => return Ok(Some(Vec::new())),
        Entity::Media => {
            let (articles, topics) = store.media_users(MediaId(change.entity_id)).await?;
            let articles = articles.into_iter().map(DepKey::Article);
            return Ok(Some(
                articles
                    .chain(topics.into_iter().map(DepKey::Topic))
                    .collect(),
            ));
        }
        _ => return Ok(None),
    }
    let id = change.entity_id;
    let mut keys = vec![DepKey::Article(id), DepKey::Home];
    // Pages that list the article by where it is filed now; pages that
    // showed it under an old section or tag are found by `Article(id)`.
    if let Some(links) = store.article_links(ArticleId(id)).await? {
        keys.push(DepKey::Section(links.section));
        keys.extend(links.tags.into_iter().map(DepKey::Tag));
        keys.extend(links.topics.into_iter().map(DepKey::Topic));
        keys.extend(links.authors.into_iter().map(DepKey::Author));
    }
    Ok(Some(keys))
}

/// Follows the change log from `from` (its end when the cache was still
/// empty, read before the first request), purging `cache` as changes arrive,
/// until the task is aborted.
pub fn spawn_invalidator(store: Store, cache: Arc<PageCache>, from: i64) -> JoinHandle<()> {
    cache.note_head(from);
    tokio::spawn(async move {
        let mut last = from;
        let mut ticker = tokio::time::interval(POLL_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for tick in 1_u64.. {
            ticker.tick().await;
            match apply_changes(&store, &cache, last).await {
                Ok(seq) => last = seq,
                Err(e) => tracing::warn!(error = %e, "cannot apply changes to the page cache"),
            }
            if tick % PRUNE_EVERY == 0 {
                cache.prune_index();
            }
        }
    })
}

async fn apply_changes(
    store: &Store,
    cache: &PageCache,
    mut last: i64,
) -> dateline_store::Result<i64> {
    loop {
        let changes = store.changes_since(last, BATCH).await?;
        for change in &changes {
            match keys_for_change(store, change).await? {
                Some(keys) => cache.purge(&keys, change.seq).await,
                None => cache.purge_all(change.seq),
            }
            last = change.seq;
        }
        if (changes.len() as i64) < BATCH {
            cache.note_head(last);
            return Ok(last);
        }
    }
}
