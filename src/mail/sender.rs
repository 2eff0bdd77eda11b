//! The newsletter sender: each node claims due deliveries in batches and
//! sends them over a few pooled SMTP connections, recording each one's
//! outcome as soon as the server has answered.
//!
//! A delivery is recorded sent right after the SMTP server accepted its
//! message. If the process dies in between (a few hundred microseconds per
//! message in flight), the delivery's lease runs out and it is sent again,
//! with the same `Message-ID`: at most [`crate::config::NewslettersConfig::connections`]
//! messages can be repeated that way, each recognisable as the one already
//! received. No delivery is lost and none is sent again once recorded.

use std::{collections::HashMap, num::NonZeroU32, sync::Arc, time::Duration};

use dateline_store::{Delivery, Outcome, Topic};
use futures_util::StreamExt;
use governor::{DefaultDirectRateLimiter, Quota};
use jiff::Timestamp;
use tokio::task::JoinHandle;

use super::compose::{IssueContent, issue_message};
use crate::services::Services;

/// Deliveries claimed at once.
const BATCH: i64 = 64;
/// How long claimed deliveries are this node's: far longer than a batch
/// takes, short enough that a crashed node's batch is sent soon after.
const LEASE: Duration = Duration::from_secs(10);
/// With nothing due, the longest the sender sleeps: new deliveries wake it
/// (any node's, on PostgreSQL) and it sleeps only until the next retry is
/// due, so this bounds only how late a lost wake-up is made good.
const IDLE: Duration = Duration::from_secs(30);
/// How long the sender waits after the store failed it.
const RETRY: Duration = Duration::from_secs(1);
/// Attempts before a delivery that keeps failing for a passing reason
/// (server busy, connection lost) is given up.
const MAX_ATTEMPTS: i64 = 6;

/// Starts the sender; `None` without an SMTP server.
pub fn spawn(app: Arc<Services>) -> Option<JoinHandle<()>> {
    if !app.mailer.is_configured() {
        return None;
    }
    Some(tokio::spawn(async move { run(&app).await }))
}

async fn run(app: &Services) {
    let limiter = NonZeroU32::new(app.config.newsletters.messages_per_second)
        .map(|rate| DefaultDirectRateLimiter::direct(Quota::per_second(rate)));
    let mut issues: HashMap<i64, Arc<IssueContent>> = HashMap::new();
    // Marked changed by every issue's deliveries made from now on, on any node.
    let mut queued = app.store.wakeup(Topic::Deliveries);
    loop {
        let batch = match app
            .store
            .claim_deliveries(Timestamp::now(), LEASE, BATCH)
            .await
        {
            Ok(batch) => batch,
            Err(e) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    "cannot claim newsletter deliveries"
                );
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if batch.is_empty() {
            // An issue's articles are read once while it is sent, and again
            // for the next one (an article may have been unpublished).
            issues.clear();
            let next = app.store.next_delivery_due(Timestamp::now()).await;
            crate::follow::sleep_until_due(next, &mut queued, IDLE).await;
            continue;
        }
        let mut work = Vec::with_capacity(batch.len());
        for delivery in batch {
            let content = match issues.get(&delivery.issue_id) {
                Some(content) => Some(content.clone()),
                None => match IssueContent::load(app, delivery.issue_id).await {
                    Ok(Some(content)) => {
                        let content = Arc::new(content);
                        issues.insert(delivery.issue_id, content.clone());
                        Some(content)
                    }
                    Ok(None) => None,
                    Err(e) => {
                        tracing::error!(
                            issue = delivery.issue_id,
                            error = format!("{e:#}"),
                            "cannot read an issue"
                        );
                        retry(app, &delivery, &format!("{e:#}")).await;
                        continue;
                    }
                },
            };
            work.push((delivery, content));
        }
        futures_util::stream::iter(work)
            .for_each_concurrent(
                app.config.newsletters.connections as usize,
                |(delivery, content)| {
                    let limiter = limiter.as_ref();
                    async move {
                        if let Some(limiter) = limiter {
                            limiter.until_ready().await;
                        }
                        deliver(app, content.as_deref(), &delivery).await;
                    }
                },
            )
            .await;
    }
}

/// Sends one delivery and records how it went.
async fn deliver(app: &Services, content: Option<&IssueContent>, delivery: &Delivery) {
    let message = match content {
        Some(content) if delivery.confirmed => issue_message(app, content, delivery),
        // The issue is gone, or the reader unsubscribed since it was made.
        _ => Ok(None),
    };
    let (outcome, error) = match message {
        Ok(None) => (Outcome::Skipped, None),
        Err(e) => (Outcome::Failed, Some(format!("{e:#}"))),
        Ok(Some(message)) => match app.mailer.send(message).await {
            Ok(()) => (Outcome::Sent, None),
            Err(e) if is_permanent(&e) || delivery.attempts >= MAX_ATTEMPTS => {
                (Outcome::Failed, Some(format!("{e:#}")))
            }
            Err(e) => {
                retry(app, delivery, &format!("{e:#}")).await;
                return;
            }
        },
    };
    if let Some(error) = &error {
        tracing::warn!(
            issue = delivery.issue_id,
            subscriber = delivery.subscriber_id,
            error,
            "newsletter delivery failed"
        );
    }
    if let Err(e) = app
        .store
        .finish_delivery(delivery, outcome, error.as_deref(), Timestamp::now())
        .await
    {
        // Left claimed: sent again when the lease runs out.
        tracing::error!(
            error = format!("{e:#}"),
            "cannot record a newsletter delivery"
        );
    }
}

/// A refusal the server will repeat (no such mailbox, message refused):
/// trying again cannot help.
fn is_permanent(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<lettre::transport::smtp::Error>()
            .is_some_and(lettre::transport::smtp::Error::is_permanent)
    })
}

async fn retry(app: &Services, delivery: &Delivery, error: &str) {
    // 4, 8, 16 … seconds, at most ten minutes.
    let backoff = Duration::from_secs(2_u64.saturating_pow(delivery.attempts as u32 + 1).min(600));
    let now = Timestamp::now();
    let at = now.checked_add(backoff).unwrap_or(now);
    if let Err(e) = app.store.retry_delivery(delivery, error, at).await {
        tracing::error!(
            error = format!("{e:#}"),
            "cannot reschedule a newsletter delivery"
        );
    }
}
