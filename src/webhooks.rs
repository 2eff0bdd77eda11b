//! Webhooks: integrations told of article events (published, updated,
//! unpublished) by an HTTP `POST` of JSON, signed with the webhook's secret.
//!
//! As for WebSub, a durable consumer of the change log turns each event
//! into one delivery job per webhook that asks for it, keyed
//! `webhook:{id}:{seq}` and recorded with the consumer's position in one
//! transaction: each event is enqueued once per webhook, however many nodes
//! run. The body is made when the job is, so every retry sends the same
//! bytes. A receiver that does not answer 2xx is asked again with the job
//! system's backoff (2, 4, 8 … seconds); every attempt goes in the delivery
//! log the admin shows.
//!
//! The signature: `Dateline-Signature: t=<unix seconds>,v1=<hex>`, where
//! the hex is HMAC-SHA256 with the secret over `"<t>.<body>"` (the time
//! is signed too, so that a receiver can refuse replays of old requests).

use std::time::{Duration, Instant};

use dateline_store::{Change, JobKind, NewJob, Store, WebhookAttempt};
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::task::JoinHandle;

use crate::{
    encoding::hex,
    follow::{self, Head, Position},
    live::LiveEvent,
    services::Services,
};

/// The consumer's name in `consumer_positions`.
const CONSUMER: &str = "webhooks";
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest error text kept in the log.
const MAX_ERROR_CHARS: usize = 500;

/// What a receiver gets.
#[derive(Debug, Serialize)]
struct Delivery<'a> {
    /// The event's id (its change-log position): the same on every retry,
    /// so a receiver can tell a retry from a new event.
    id: i64,
    /// `article.published`, `article.updated` or `article.unpublished`.
    event: String,
    article: &'a LiveEvent,
}

/// The job that posts one event to one webhook. The body is made when the
/// job is, so every retry sends the same bytes.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliveryJob {
    webhook: i64,
    seq: i64,
    event: String,
    article: i64,
    body: String,
}

impl JobKind for DeliveryJob {
    const KIND: &'static str = "webhook_delivery";
    /// With the backoff, the last try comes about 17 minutes after the first.
    const MAX_ATTEMPTS: i64 = 10;
}

/// Follows the change log while the server runs. Its first run starts at
/// the log's end: a webhook hears of what happens after it is made.
pub async fn start_dispatcher(app: &Services, head: Head) -> anyhow::Result<JoinHandle<()>> {
    let dispatcher = Dispatcher {
        base: app.config.site.base().to_owned(),
        zone: app.config.site.zone(),
    };
    follow::spawn(
        app.store.clone(),
        head,
        Position::Durable(CONSUMER),
        dispatcher,
    )
    .await
}

/// Turns each article event into a delivery job per webhook that asks for it.
struct Dispatcher {
    base: String,
    zone: jiff::tz::TimeZone,
}

impl follow::Consumer for Dispatcher {
    const NAME: &'static str = CONSUMER;

    async fn apply(&mut self, store: &Store, changes: &[Change]) -> anyhow::Result<Vec<NewJob>> {
        let webhooks = store.webhooks().await?;
        let mut jobs = Vec::new();
        if webhooks.is_empty() {
            return Ok(jobs);
        }
        let now = Timestamp::now();
        for event in crate::live::events(store, &self.base, &self.zone, changes).await? {
            let body = serde_json::to_string(&Delivery {
                id: event.seq,
                event: format!("article.{}", event.kind),
                article: &event,
            })
            .expect("a delivery serialises");
            for hook in webhooks.iter().filter(|h| h.wants(event.kind)) {
                let delivery = DeliveryJob {
                    webhook: hook.id,
                    seq: event.seq,
                    event: format!("article.{}", event.kind),
                    article: event.id,
                    body: body.clone(),
                };
                let key = format!("webhook:{}:{}", hook.id, event.seq);
                jobs.push(NewJob::of(&delivery, now, Some(key)));
            }
        }
        Ok(jobs)
    }
}

/// `Dateline-Signature` for `body` sent at `at` (unix seconds).
pub fn signature(secret: &str, at: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(at.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={at},v1={}", hex(&mac.finalize().into_bytes()))
}

/// Runs a delivery job (`attempt`: 1 for the first try): one `POST`, kept
/// in the log; an answer other than 2xx fails the job, to be retried.
pub async fn deliver(app: &Services, p: DeliveryJob, attempt: i64) -> anyhow::Result<()> {
    let Some(hook) = app.store.webhook(p.webhook).await? else {
        // Deleted since: nobody to tell.
        return Ok(());
    };
    let sent_at = Timestamp::now();
    let started = Instant::now();
    // Through the public-addresses-only client, as wire fetches are
    // (`wire.fetch_private_addresses` opens both to the own network).
    let request = app.wire_http.post(&hook.url);
    let outcome = async {
        request?
            .timeout(TIMEOUT)
            .header("content-type", "application/json")
            .header("dateline-event", &p.event)
            .header("dateline-delivery", p.seq.to_string())
            .header(
                "dateline-signature",
                signature(&hook.secret, sent_at.as_second(), &p.body),
            )
            .body(p.body.clone())
            .send()
            .await
            .map_err(anyhow::Error::from)
    }
    .await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, error) = match &outcome {
        Ok(response) if response.status().is_success() => (Some(response.status()), None),
        Ok(response) => (
            Some(response.status()),
            Some(format!("the receiver answered {}", response.status())),
        ),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let record = WebhookAttempt {
        change_seq: p.seq,
        event: p.event.clone(),
        article_id: p.article,
        attempt,
        at: sent_at,
        status: status.map(|s| i64::from(s.as_u16())),
        error: error
            .clone()
            .map(|e| e.chars().take(MAX_ERROR_CHARS).collect()),
        duration_ms,
    };
    app.store.record_webhook_attempt(hook.id, &record).await?;
    match error {
        None => Ok(()),
        Some(error) => anyhow::bail!("webhook {} ({}): {error}", hook.id, hook.name),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_covers_the_time_and_the_body() {
        // As Python's hmac computes it: what a receiver's check would do.
        assert_eq!(
            super::signature("whsec-test", 1_764_842_400, r#"{"id":1}"#),
            "t=1764842400,v1=b8923ce24984e1dd90af47ab5f0e2118d8044c4b9d2ee898339a4ef6e7276de4"
        );
        assert_ne!(super::signature("k", 1, "a"), super::signature("k", 2, "a"));
        assert_ne!(super::signature("k", 1, "a"), super::signature("k", 1, "b"));
        assert_ne!(super::signature("k", 1, "a"), super::signature("j", 1, "a"));
    }
}
