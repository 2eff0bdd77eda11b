//! The review queue's count: what editors see beside "Review queue" on
//! every page and what their dashboards update live. A node keeps one
//! count, recounted when an article is added or moved along the workflow
//! (on PostgreSQL, on any node), so that pages read a number instead of
//! each asking the database.

use dateline_core::ArticleStatus;
use dateline_store::{Store, Topic};
use tokio::sync::watch;

pub struct ReviewQueue {
    count: watch::Receiver<i64>,
}

impl ReviewQueue {
    /// Counts the queue now and keeps counting as it changes.
    pub async fn start(store: Store) -> dateline_store::Result<Self> {
        let read =
            |store: Store| async move { store.count_in_status(ArticleStatus::InReview).await };
        let changed = |kept: &mut i64, count: i64| std::mem::replace(kept, count) != count;
        let count = crate::follow::watch_store(
            store,
            Topic::Desk,
            "the review queue's count",
            read,
            changed,
        )
        .await?;
        Ok(Self { count })
    }

    /// Stories waiting for an editor.
    pub fn count(&self) -> i64 {
        *self.count.borrow()
    }

    /// The count, to wait on its changes.
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.count.clone()
    }
}
