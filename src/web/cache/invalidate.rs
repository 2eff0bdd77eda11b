//! The change-log consumer that keeps the page cache true.
//!
//! It follows the log (see `crate::follow`) and purges, for each change,
//! exactly the keys it touches. Every node runs its own; the log, not a
//! message between nodes, is what they agree on.

use std::{sync::Arc, time::Duration};

use dateline_core::{ArticleId, MediaId};
use dateline_store::{Change, ChangeKind, Entity, NewJob, Store};
use tokio::task::JoinHandle;

use super::{DepKey, PageCache};

/// How often the cache's index forgets evicted pages.
const PRUNE_EVERY: Duration = Duration::from_secs(30);

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
        // A front's arrangement: its page only (and the home page's
        // section block shows the newest stories, not the section's pins).
        Entity::Front => {
            return Ok(Some(vec![
                match dateline_store::Front::from_i64(change.entity_id) {
                    dateline_store::Front::Home => DepKey::Home,
                    dateline_store::Front::Section(id) => DepKey::Section(id.0),
                },
            ]));
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

/// Purges the page cache of what each change touches, then the CDN's.
pub struct Invalidator {
    pub cache: Arc<PageCache>,
    pub cdn: Option<Arc<crate::cdn::Cdn>>,
}

impl crate::follow::Consumer for Invalidator {
    const NAME: &'static str = "page_cache";

    async fn apply(&mut self, store: &Store, changes: &[Change]) -> anyhow::Result<Vec<NewJob>> {
        for change in changes {
            match keys_for_change(store, change).await? {
                Some(keys) => {
                    self.cache.purge(&keys, change.seq).await;
                    if let Some(cdn) = &self.cdn {
                        cdn.purge(keys.iter().map(DepKey::to_string));
                    }
                }
                None => {
                    self.cache.purge_all(change.seq);
                    if let Some(cdn) = &self.cdn {
                        cdn.purge([crate::cdn::SITE_KEY.to_owned()]);
                    }
                }
            }
        }
        Ok(Vec::new())
    }

    fn caught_up(&mut self, seq: i64) {
        self.cache.note_head(seq);
    }
}

/// Follows the change log from `head`'s current position (read when the
/// cache was still empty, before the first request), purging `cache` (and
/// the CDN's, with `cdn`) as changes arrive, until the task is aborted;
/// its index forgets evicted pages now and then.
pub async fn spawn_invalidator(
    store: Store,
    head: crate::follow::Head,
    cache: Arc<PageCache>,
    cdn: Option<Arc<crate::cdn::Cdn>>,
) -> anyhow::Result<JoinHandle<()>> {
    let from = head.seq();
    cache.note_head(from);
    let follower = crate::follow::following(
        store,
        head,
        crate::follow::Position::From(from),
        Invalidator {
            cache: cache.clone(),
            cdn,
        },
    )
    .await?;
    let prune = async move {
        let mut every = tokio::time::interval(PRUNE_EVERY);
        loop {
            every.tick().await;
            cache.prune_index();
        }
    };
    Ok(tokio::spawn(async move {
        tokio::join!(follower, prune);
    }))
}
