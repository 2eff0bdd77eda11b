//! Live news: what readers see change (an article published, edited or
//! withdrawn), read from the change log and fanned out to every open
//! stream (`/api/v1/live`).
//!
//! One follower per node reads the log and sends each event once into a
//! bounded broadcast channel; publishing never waits for a reader. A stream
//! that falls more than the channel's length behind is closed, and its
//! client resumes with `Last-Event-ID`, replayed from the log.

use std::sync::Arc;

use dateline_core::{
    Article, ArticleId, Carriage, LiveEntry, Outlet, SourceRights, article_path, carriage,
};
use dateline_store::{Change, ChangeKind, Entity, NewJob, Store};
use jiff::Timestamp;
use serde::Serialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;

/// Events a stream may fall behind by before it is closed.
const CHANNEL: usize = 1024;

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
            let shown_at = crate::theme::time::reader_time(e.at, zone);
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

/// Sends each article event to the open streams.
pub struct Streams {
    pub base: String,
    pub zone: jiff::tz::TimeZone,
    pub live: Arc<Live>,
}

impl crate::follow::Consumer for Streams {
    const NAME: &'static str = "live";

    async fn apply(&mut self, store: &Store, changes: &[Change]) -> anyhow::Result<Vec<NewJob>> {
        for event in events(store, &self.base, &self.zone, changes).await? {
            self.live.send(event);
        }
        Ok(Vec::new())
    }
}

/// A live blog's entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryShape {
    pub id: i64,
    /// A short line above the entry; optional.
    pub title: Option<String>,
    /// Sanitised HTML, from the entry's Markdown; absent where the source's
    /// rights allow only a summary.
    pub body_html: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// In live events: `at` as the site's pages show it, in the site's
    /// time zone ("December 6, 2026 15:50 IST"), so that an entry added to
    /// an open page reads like the ones around it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_at: Option<String>,
}

impl EntryShape {
    pub fn new(entry: LiveEntry, carriage: Carriage) -> Self {
        Self {
            id: entry.id,
            title: entry.title,
            body_html: (carriage == Carriage::FullText).then_some(entry.body_html),
            at: entry.at,
            shown_at: None,
        }
    }
}

/// How much of `article` the API may carry: the one rights decision, full
/// text only where the source allows it.
pub fn api_carriage(article: &Article) -> Carriage {
    let rights = article
        .source
        .as_ref()
        .map_or(SourceRights::OWN, |s| s.rights);
    carriage(rights, Outlet::Api)
}
