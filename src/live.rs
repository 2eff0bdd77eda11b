//! Live news: what readers see change (an article published, edited or
//! withdrawn), read from the change log and fanned out to every open
//! stream (`/api/v1/live`).
//!
//! One follower per node reads the log and sends each event once into a
//! bounded broadcast channel; publishing never waits for a reader. A stream
//! that falls more than the channel's length behind is closed, and its
//! client resumes with `Last-Event-ID`, replayed from the log.

use std::{sync::Arc, time::Duration};

use dateline_core::{ArticleId, article_path};
use dateline_store::{Change, ChangeKind, Entity, Store};
use jiff::Timestamp;
use serde::Serialize;
use tokio::{sync::broadcast, task::JoinHandle};
use utoipa::ToSchema;

use crate::web::api::shapes::{EntryShape, api_carriage};

/// Events a stream may fall behind by before it is closed.
const CHANNEL: usize = 1024;
/// How often the follower reads the log.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
const BATCH: i64 = 500;

/// An article event as streams carry it (the SSE `data`); the event's
/// `id` is its change-log position and its name the kind of change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveEvent {
    #[serde(skip)]
    pub seq: i64,
    /// `published`, `updated`, `unpublished`, or for a live blog's
    /// entries `entry` (new), `entry_updated` (edited) and `entry_deleted`
    /// (withdrawn: take it off the page).
    #[serde(skip)]
    pub kind: &'static str,
    /// The article's id (for `/api/v1/articles/{id}`).
    pub id: i64,
    pub headline: String,
    /// The section's slug.
    pub section: String,
    /// The reader's page, absolute.
    pub url: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// For `entry` events: the live blog's new entry, enough for a page to
    /// show it without asking for anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryShape>,
}

/// An event ready to send: its JSON made once, not once per stream.
#[derive(Debug)]
pub struct Outgoing {
    pub seq: i64,
    pub kind: &'static str,
    pub section: String,
    pub data: String,
}

impl From<LiveEvent> for Outgoing {
    fn from(event: LiveEvent) -> Self {
        Self {
            data: serde_json::to_string(&event).unwrap_or_default(),
            seq: event.seq,
            kind: event.kind,
            section: event.section,
        }
    }
}

pub struct Live {
    sender: broadcast::Sender<Arc<Outgoing>>,
}

impl Default for Live {
    fn default() -> Self {
        Self::with_capacity(CHANNEL)
    }
}

impl Live {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity).0,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Outgoing>> {
        self.sender.subscribe()
    }

    /// Sends `event` to every open stream; nobody listening is fine.
    pub fn send(&self, event: LiveEvent) {
        let _ = self.sender.send(Arc::new(event.into()));
    }

    /// How many streams are open.
    pub fn streams(&self) -> usize {
        self.sender.receiver_count()
    }
}

/// The reader-visible events among `changes`, in log order.
pub async fn events(
    store: &Store,
    base: &str,
    zone: &jiff::tz::TimeZone,
    changes: &[Change],
) -> dateline_store::Result<Vec<LiveEvent>> {
    let mut out = Vec::new();
    for change in changes {
        let (kind, article, entry) = match (change.entity, change.kind) {
            (Entity::Article, ChangeKind::Published) => ("published", change.entity_id, None),
            (Entity::Article, ChangeKind::Updated) => ("updated", change.entity_id, None),
            (Entity::Article, ChangeKind::Unpublished) => ("unpublished", change.entity_id, None),
            (Entity::LiveEntry, kind) => {
                let Some((article, entry, withdrawn)) =
                    store.live_entry_as_logged(change.entity_id).await?
                else {
                    continue;
                };
                let kind = match kind {
                    ChangeKind::Deleted => "entry_deleted",
                    // Withdrawn since: its own event follows.
                    _ if withdrawn => continue,
                    ChangeKind::Created => "entry",
                    _ => "entry_updated",
                };
                (kind, article.0, Some(entry))
            }
            _ => continue,
        };
        let Some(article) = store.article(ArticleId(article)).await? else {
            continue;
        };
        let entry = entry.map(|e| {
            let shown_at = crate::web::time::reader_time(e.at, zone);
            let mut shape = EntryShape::new(e, api_carriage(&article));
            if kind == "entry_deleted" {
                // Gone: the page needs only which one.
                shape.title = None;
                shape.body_html = None;
            }
            shape.shown_at = Some(shown_at);
            shape
        });
        out.push(LiveEvent {
            seq: change.seq,
            kind,
            id: article.id.0,
            url: format!(
                "{base}{}",
                article_path(&article.section.slug, &article.slug, article.id)
            ),
            headline: article.headline,
            section: article.section.slug,
            at: change.at,
            entry,
        });
    }
    Ok(out)
}

/// Follows the change log from `from`, sending each article event to
/// `live`, until the task is aborted.
pub fn spawn_follower(
    store: Store,
    base: String,
    zone: jiff::tz::TimeZone,
    live: Arc<Live>,
    from: i64,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last = from;
        let mut ticker = tokio::time::interval(POLL_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            loop {
                let batch = match store.changes_since(last, BATCH).await {
                    Ok(batch) => batch,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read the change log for live events");
                        break;
                    }
                };
                match events(&store, &base, &zone, &batch).await {
                    Ok(events) => events.into_iter().for_each(|e| live.send(e)),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read articles for live events");
                        break;
                    }
                }
                if let Some(change) = batch.last() {
                    last = change.seq;
                }
                if (batch.len() as i64) < BATCH {
                    break;
                }
            }
        }
    })
}
