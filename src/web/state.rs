//! The state every request handler shares: the services, and what only
//! HTTP needs besides (the page cache, the site's chrome, throttles).

use std::{ops::Deref, path::PathBuf, sync::Arc, time::Duration};

use super::{cache::PageCache, reader::ChromeCache, throttle::Throttle};
use crate::{config::Config, newsroom::ReviewQueue, services::Services};

pub struct App {
    pub services: Arc<Services>,
    pub pages: Arc<PageCache>,
    pub chrome: ChromeCache,
    /// Feedback messages per reader: a few at once, then one a minute.
    pub feedback_throttle: Throttle,
    /// Sign-in attempts per network address.
    pub sign_in_by_address: Throttle,
    /// Sign-in attempts per account (its lowercased address).
    pub sign_in_by_account: Throttle<String>,
    /// Reader-account mail (links) per recipient address: three at once,
    /// then one every five minutes, so the forms cannot flood a mailbox.
    pub account_mail: Throttle<String>,
    /// Opens `/admin/setup` from anywhere while there is no admin; printed
    /// to the log at start.
    pub setup_token: String,
    /// Newsletter sign-ups per network address: ten at once, then one every 6 s.
    pub signup_throttle: Throttle,
    /// API requests per network address (`api.requests_per_minute`; none: no limit).
    pub api_throttle: Option<Throttle>,
    /// Admin API requests per access token (`api.token_requests_per_minute`).
    pub token_throttle: Option<Throttle<i64>>,
    /// Tokens whose use this node noted in the last minute: the store is
    /// told of a token's use at most once a minute per node.
    pub token_uses: moka::sync::Cache<i64, ()>,
    /// The last readiness probe write: when, and why it failed if it did.
    pub ready_probe: tokio::sync::Mutex<Option<(std::time::Instant, Result<(), String>)>>,
    /// The review queue's count, started by the first page that shows it
    /// (a node that serves only readers never counts).
    review_queue: tokio::sync::OnceCell<ReviewQueue>,
    /// Page views counted from beacons, written every few seconds.
    pub views: crate::web::reader::views::ViewCounter,
    /// Most read lists, read at most every half minute.
    pub most_read: crate::web::reader::most_read::MostRead,
}

pub type AppState = Arc<App>;

/// Sign-in attempts one account may make at once; then one every 6 s (10 a minute).
pub const SIGN_INS_PER_ACCOUNT: u32 = 10;
/// Sign-in attempts one network address may make at once; then one every 2 s
/// (30 a minute: a newsroom behind one NAT signs in together of a morning).
pub const SIGN_INS_PER_ADDRESS: u32 = 30;

impl App {
    /// Opens the services for `config` and the web layer's state around them.
    pub async fn open(config: Config, data_dir: PathBuf) -> anyhow::Result<AppState> {
        Ok(Self::around(Services::open(config, data_dir).await?))
    }

    /// The web layer's state around `services`.
    pub fn around(services: Arc<Services>) -> AppState {
        let config = &services.config;
        Arc::new(App {
            pages: Arc::new(PageCache::new(
                config.cache.max_bytes,
                config.cdn.provider == Some(crate::config::CdnProvider::Cloudflare),
            )),
            chrome: ChromeCache::default(),
            feedback_throttle: Throttle::new(5, Duration::from_secs(60)),
            sign_in_by_address: Throttle::new(SIGN_INS_PER_ADDRESS, Duration::from_secs(2)),
            sign_in_by_account: Throttle::new(SIGN_INS_PER_ACCOUNT, Duration::from_secs(6)),
            account_mail: Throttle::new(3, Duration::from_secs(300)),
            signup_throttle: Throttle::new(10, Duration::from_secs(6)),
            api_throttle: Throttle::per_minute(config.api.requests_per_minute),
            token_throttle: Throttle::per_minute(config.api.token_requests_per_minute),
            token_uses: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(60))
                .build(),
            ready_probe: tokio::sync::Mutex::default(),
            review_queue: tokio::sync::OnceCell::new(),
            views: Default::default(),
            most_read: Default::default(),
            setup_token: crate::accounts::new_token(),
            services,
        })
    }

    /// The review queue's count, kept current from the first call on.
    pub async fn review_queue(&self) -> dateline_store::Result<&ReviewQueue> {
        self.review_queue
            .get_or_try_init(|| ReviewQueue::start(self.store.clone()))
            .await
    }
}

impl Deref for App {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}
