//! Telling the CDN in front which pages to drop: after a node's own page
//! cache drops what a change touched (`web::cache`), the same keys — the
//! names in the pages' `Surrogate-Key` headers — are purged at Varnish
//! (the `xkey` module), Fastly (purge by surrogate key) or Cloudflare
//! (purge by cache tag).
//!
//! Every node purges after its own cache: the CDN may refetch a page from
//! any node, and the last purge comes after the last node's cache is
//! clean. Keys are gathered for a moment (a publish is several changes)
//! and sent in as few requests as the provider allows, at a bounded rate,
//! retried with backoff; keys the CDN could not take are kept for a later
//! round, and a change touching very many pages purges the site.

use std::{
    collections::BTreeSet,
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::Duration,
};

use governor::{DefaultDirectRateLimiter, Quota};
use reqwest::{Method, StatusCode};
use tokio::sync::Notify;

use crate::config::{CdnConfig, CdnProvider};

/// The key every page carries: purging it drops the whole site.
pub const SITE_KEY: &str = "site";

/// How long keys are gathered before they are sent.
const GATHER: Duration = Duration::from_millis(50);
/// Tries per request in one round; keys still not purged wait for the
/// next round, [`ROUND_AFTER_FAILURE`] later.
const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const ROUND_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// More keys than this many requests carry are purged as the whole site.
const REQUESTS_BEFORE_SITE_PURGE: usize = 10;

/// The keys waiting to be purged, and the task that sends them.
pub struct Cdn {
    pending: Mutex<BTreeSet<String>>,
    wake: Notify,
}

impl Cdn {
    /// Starts purging at the CDN `config` names; `None` without one.
    pub fn start(config: &CdnConfig, http: reqwest::Client) -> Option<Arc<Self>> {
        let api = Api::from(config)?;
        let per_second = NonZeroU32::new(config.requests_per_second).unwrap_or(NonZeroU32::MIN);
        let cdn = Arc::new(Self {
            pending: Mutex::default(),
            wake: Notify::new(),
        });
        let limiter = DefaultDirectRateLimiter::direct(Quota::per_second(per_second));
        tokio::spawn(send(cdn.clone(), api, http, limiter));
        Some(cdn)
    }

    /// Asks for `keys` to be purged soon.
    pub fn purge(&self, keys: impl IntoIterator<Item = String>) {
        self.pending.lock().expect("pending keys lock").extend(keys);
        self.wake.notify_one();
    }
}

/// Sends what is pending whenever something is, until the process ends.
async fn send(cdn: Arc<Cdn>, api: Api, http: reqwest::Client, limiter: DefaultDirectRateLimiter) {
    loop {
        cdn.wake.notified().await;
        tokio::time::sleep(GATHER).await;
        let mut keys: Vec<String> =
            std::mem::take(&mut *cdn.pending.lock().expect("pending keys lock"))
                .into_iter()
                .collect();
        // A bulk change (an import, a restore) would take many requests at
        // the bounded rate while pages stay stale: the whole site is
        // dropped instead.
        if keys.iter().any(|k| k == SITE_KEY)
            || keys.len() > REQUESTS_BEFORE_SITE_PURGE * api.keys_per_request()
        {
            keys = vec![SITE_KEY.to_owned()];
        }
        let mut failed = false;
        for batch in keys.chunks(api.keys_per_request()) {
            limiter.until_ready().await;
            let outcome = purge_batch(&api, &http, batch).await;
            metrics::counter!("dateline_cdn_purge_requests_total", "outcome" => outcome.label())
                .increment(1);
            match outcome {
                Outcome::Purged => metrics::counter!("dateline_cdn_purged_keys_total")
                    .increment(batch.len() as u64),
                // Kept for the next round: the CDN may be back by then.
                Outcome::Unavailable => {
                    cdn.purge(batch.iter().cloned());
                    failed = true;
                }
                Outcome::Refused => tracing::error!(
                    keys = batch.join(" "),
                    "the CDN refused to drop these pages"
                ),
            }
        }
        if failed {
            tokio::time::sleep(ROUND_AFTER_FAILURE).await;
        }
    }
}

/// How a purge request ended.
#[derive(PartialEq)]
enum Outcome {
    Purged,
    /// Refused for good (a wrong token, a bad request): asking again will
    /// not change it.
    Refused,
    /// Unreachable or failing for now.
    Unavailable,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Self::Purged => "ok",
            Self::Refused | Self::Unavailable => "failed",
        }
    }
}

/// One request for `keys`, tried again on failures that may pass.
async fn purge_batch(api: &Api, http: &reqwest::Client, keys: &[String]) -> Outcome {
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=ATTEMPTS {
        let answer = api.request(http, keys).send().await;
        let status = match answer {
            Ok(response) if response.status().is_success() => return Outcome::Purged,
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                tracing::warn!(%status, body = body.chars().take(300).collect::<String>(), attempt, "the CDN refused a purge");
                Some(status)
            }
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    attempt,
                    "cannot reach the CDN to purge"
                );
                None
            }
        };
        let lasting = status.is_some_and(|s| {
            s.is_client_error()
                && s != StatusCode::TOO_MANY_REQUESTS
                && s != StatusCode::REQUEST_TIMEOUT
        });
        if lasting {
            return Outcome::Refused;
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }
    Outcome::Unavailable
}

/// A provider's purge request.
enum Api {
    /// `PURGE` with the keys in `xkey-purge`, which the VCL in
    /// `docs/varnish.vcl` hands to `xkey.purge`.
    Varnish { url: String },
    /// `POST /service/{id}/purge` with the keys in `Surrogate-Key`.
    Fastly {
        base: String,
        service: String,
        token: String,
    },
    /// `POST /client/v4/zones/{zone}/purge_cache` with `{"tags": [...]}`.
    Cloudflare {
        base: String,
        zone: String,
        token: String,
    },
}

impl Api {
    fn from(config: &CdnConfig) -> Option<Self> {
        let token = config.api_token.clone().unwrap_or_default();
        let base = |default: &str| {
            config
                .url
                .as_deref()
                .unwrap_or(default)
                .trim_end_matches('/')
                .to_owned()
        };
        Some(match config.provider? {
            CdnProvider::Varnish => Self::Varnish {
                url: config.url.clone()?,
            },
            CdnProvider::Fastly => Self::Fastly {
                base: base("https://api.fastly.com"),
                service: config.service_id.clone()?,
                token,
            },
            CdnProvider::Cloudflare => Self::Cloudflare {
                base: base("https://api.cloudflare.com"),
                zone: config.zone_id.clone()?,
                token,
            },
        })
    }

    /// The most keys one request may carry: Fastly takes 256 surrogate
    /// keys, Cloudflare 30 tags; Varnish's header is kept short.
    fn keys_per_request(&self) -> usize {
        match self {
            Self::Varnish { .. } => 100,
            Self::Fastly { .. } => 256,
            Self::Cloudflare { .. } => 30,
        }
    }

    fn request(&self, http: &reqwest::Client, keys: &[String]) -> reqwest::RequestBuilder {
        let timeout = Duration::from_secs(10);
        match self {
            Self::Varnish { url } => http
                .request(Method::from_bytes(b"PURGE").expect("a method"), url)
                .header("xkey-purge", keys.join(" ")),
            Self::Fastly {
                base,
                service,
                token,
            } => http
                .post(format!("{base}/service/{service}/purge"))
                .header("fastly-key", token)
                .header("surrogate-key", keys.join(" "))
                .header("accept", "application/json"),
            Self::Cloudflare { base, zone, token } => http
                .post(format!("{base}/client/v4/zones/{zone}/purge_cache"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(serde_json::json!({ "tags": keys }).to_string()),
        }
        .timeout(timeout)
    }
}
