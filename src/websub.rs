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
use dateline_core::{ArticleId, FEED_FILES};
use dateline_store::{Change, ChangeKind, Entity, JobKind, NewJob, Store};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use crate::{
    follow::{self, Head, Position},
    services::Services,
};

/// The job that tells the hub about the feeds an article is in.
#[derive(Debug, Serialize, Deserialize)]
pub struct Ping {
    pub article: i64,
}

impl JobKind for Ping {
    const KIND: &'static str = "websub_ping";
    const MAX_ATTEMPTS: i64 = 8;
}
/// The consumer's name in `consumer_positions`.
const CONSUMER: &str = "websub";
/// A ping waits this long after its change, so that every node's page
/// cache has dropped the old feed before the hub comes to fetch it.
const SETTLE: Duration = Duration::from_secs(1);

/// Follows the change log while the server runs, if a hub is configured.
/// Its first run starts at the log's end, as `head` read it before any
/// request was served: the hub needs no news of what was published before
/// it was configured, and must hear of all that follows.
pub async fn start_announcer(app: &Services, head: Head) -> anyhow::Result<Option<JoinHandle<()>>> {
    if app.config.feeds.websub_hub.is_none() {
        return Ok(None);
    }
    let task = follow::spawn(
        app.store.clone(),
        head,
        Position::Durable(CONSUMER),
        Announcer,
    )
    .await?;
    Ok(Some(task))
}

/// Turns each change feed readers see into a ping job.
struct Announcer;

impl follow::Consumer for Announcer {
    const NAME: &'static str = CONSUMER;

    async fn apply(&mut self, _: &Store, changes: &[Change]) -> anyhow::Result<Vec<NewJob>> {
        let now = Timestamp::now();
        Ok(changes
            .iter()
            .filter(|change| shows_in_feeds(change))
            .map(|change| {
                let ping = Ping {
                    article: change.entity_id,
                };
                let run_at = now.checked_add(SETTLE).unwrap_or(now);
                NewJob::of(&ping, run_at, Some(format!("websub:{}", change.seq)))
            })
            .collect())
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
pub async fn ping(app: &Services, p: Ping) -> anyhow::Result<()> {
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
async fn feed_urls(app: &Services, id: ArticleId) -> anyhow::Result<Vec<String>> {
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
