//! WebSub: tells the configured hub when feeds change, so that subscribers
//! (feed readers, aggregators) hear of a story in seconds instead of at
//! their next poll. Feeds name the hub (`rel="hub"`, JSON Feed `hubs`).
//!
//! A durable consumer of the change log turns each change readers can see
//! in a feed (an article published, edited while published, or
//! unpublished) into a ping job, keyed `websub:{seq}` and recorded with the
//! consumer's position in one transaction: a restart resumes where it
//! stopped, and nodes running side by side enqueue each ping once. The job
//! names the feeds the article is in when it runs; a hub answering with an
//! error is asked again with backoff, like any failed job.

use std::time::Duration;

use anyhow::Context;
use dateline_core::ArticleId;
use dateline_store::{Change, ChangeKind, Entity, NewJob, Store};
use jiff::Timestamp;
use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::{app::AppState, web::reader::feeds::FEED_FILES};

pub const PING_JOB: &str = "websub_ping";
/// The consumer's name in `consumer_positions`.
const CONSUMER: &str = "websub";
const POLL_INTERVAL: Duration = Duration::from_millis(250);
const BATCH: i64 = 500;
/// A ping waits this long after its change, so that every node's page
/// cache has dropped the old feed before the hub comes to fetch it.
const SETTLE: Duration = Duration::from_secs(1);

/// Follows the change log while the server runs, if a hub is configured.
/// Its first run starts at the log's end, read before this returns (and so
/// before any request is served): the hub needs no news of what was
/// published before it was configured, and must hear of all that follows.
pub async fn start_announcer(app: AppState) -> anyhow::Result<Option<JoinHandle<()>>> {
    if app.config.feeds.websub_hub.is_none() {
        return Ok(None);
    }
    if app.store.consumer_position(CONSUMER).await?.is_none() {
        let head = app.store.last_change_seq().await?;
        app.store
            .advance_consumer(CONSUMER, head, &[], Timestamp::now())
            .await?;
    }
    Ok(Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(POLL_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match announce_changes(&app.store).await {
                Ok(true) => app.jobs_enqueued.notify_one(),
                Ok(false) => {}
                Err(e) => tracing::warn!(
                    error = format!("{e:#}"),
                    "cannot follow the change log for WebSub"
                ),
            }
        }
    })))
}

/// Turns the changes since the consumer's position into ping jobs; whether
/// any job was enqueued.
async fn announce_changes(store: &Store) -> dateline_store::Result<bool> {
    let mut last = store.consumer_position(CONSUMER).await?.unwrap_or(0);
    let mut enqueued = false;
    loop {
        let changes = store.changes_since(last, BATCH).await?;
        let Some(newest) = changes.last().map(|c| c.seq) else {
            return Ok(enqueued);
        };
        let now = Timestamp::now();
        let mut jobs = Vec::new();
        for change in &changes {
            if shows_in_feeds(change) {
                jobs.push(NewJob {
                    kind: PING_JOB,
                    payload: serde_json::json!({ "article": change.entity_id }),
                    idempotency_key: Some(format!("websub:{}", change.seq)),
                    run_at: now.checked_add(SETTLE).unwrap_or(now),
                    max_attempts: 8,
                });
            }
        }
        store.advance_consumer(CONSUMER, newest, &jobs, now).await?;
        enqueued |= !jobs.is_empty();
        last = newest;
        if (changes.len() as i64) < BATCH {
            return Ok(enqueued);
        }
    }
}

/// Whether feed readers see this change. The log records edits only of
/// what readers see, so every article change but a new draft is one.
fn shows_in_feeds(change: &Change) -> bool {
    change.entity == Entity::Article
        && matches!(
            change.kind,
            ChangeKind::Published | ChangeKind::Unpublished | ChangeKind::Updated
        )
}

/// Runs a ping job: tells the hub about every feed the article is in.
pub async fn ping(app: &AppState, payload: &serde_json::Value) -> anyhow::Result<()> {
    #[derive(Deserialize)]
    struct Payload {
        article: i64,
    }
    let p: Payload =
        serde_json::from_value(payload.clone()).context("a websub_ping job's payload")?;
    let Some(hub) = &app.config.feeds.websub_hub else {
        // The hub was configured when the job was made and is no longer.
        return Ok(());
    };
    let topics = feed_urls(app, ArticleId(p.article)).await?;
    for topic in &topics {
        let form = serde_html_form::to_string([("hub.mode", "publish"), ("hub.url", topic)])?;
        let response = app
            .http
            .post(hub)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .with_context(|| format!("cannot reach the WebSub hub {hub}"))?;
        let status = response.status();
        anyhow::ensure!(
            status.is_success(),
            "the WebSub hub {hub} answered {status} for {topic}"
        );
    }
    tracing::info!(
        article = p.article,
        feeds = topics.len(),
        "WebSub hub pinged"
    );
    Ok(())
}

/// The address of every feed that lists (or listed, until the change) the
/// article: the site's and those of its section, tags, topics and authors,
/// in every format. Hubs take one topic per ping; most accept several, but
/// not all, so each goes alone.
async fn feed_urls(app: &AppState, id: ArticleId) -> anyhow::Result<Vec<String>> {
    let base = app.config.site.base();
    let mut lists = vec![String::from("/feed")];
    if let Some(article) = app.store.article(id).await? {
        lists.push(format!("/feed/section/{}", article.section.slug));
        let named = [
            ("tag", &article.tags),
            ("topic", &article.topics),
            ("author", &article.authors),
        ];
        for (kind, items) in named {
            lists.extend(items.iter().map(|n| format!("/feed/{kind}/{}", n.slug)));
        }
    }
    Ok(lists
        .iter()
        .flat_map(|list| FEED_FILES.map(|format| format!("{base}{list}/{format}")))
        .collect())
}
