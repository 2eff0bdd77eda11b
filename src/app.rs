//! The state every request handler shares.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use dateline_store::Store;

use crate::{
    config::Config,
    web::{cache::PageCache, reader::ChromeCache, templates::Templates, throttle::Throttle},
};

pub struct App {
    pub store: Store,
    pub config: Config,
    pub templates: Templates,
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
    pub data_dir: PathBuf,
    pub mailer: crate::mail::Mailer,
    /// Opens `/admin/setup` from anywhere while there is no admin; printed
    /// to the log at start.
    pub setup_token: String,
    /// Woken when this node enqueues a job, so the worker need not wait out its sleep.
    pub jobs_enqueued: tokio::sync::Notify,
    /// Woken when this node makes a newsletter issue, for the sender.
    pub newsletter_queued: tokio::sync::Notify,
    /// Newsletter sign-ups per network address: ten at once, then one every 6 s.
    pub signup_throttle: Throttle,
    /// The same for the media worker (renditions).
    pub media_jobs_enqueued: tokio::sync::Notify,
    /// Originals and renditions of uploaded pictures.
    pub blobs: crate::media::Blobs,
    /// Decoding and resizing pictures takes a core and up to hundreds of
    /// megabytes each: at most this many at once on a node.
    pub image_work: tokio::sync::Semaphore,
    /// For calls out (WebSub hubs; webhooks later): one pool of connections.
    pub http: reqwest::Client,
    /// For the addresses agencies give: public ones only, unless configured.
    pub wire_http: crate::wire::fetch::WireHttp,
    /// The search index in the data directory (this node's own).
    pub search: Arc<crate::search::SearchIndex>,
    /// Article events for the open live streams (`/api/v1/live`).
    pub live: Arc<crate::live::Live>,
    /// API requests per network address (`api.requests_per_minute`; none: no limit).
    pub api_throttle: Option<Throttle>,
    /// Admin API requests per access token (`api.token_requests_per_minute`).
    pub token_throttle: Option<Throttle<i64>>,
    /// Tokens whose use this node noted in the last minute: the store is
    /// told of a token's use at most once a minute per node.
    pub token_uses: moka::sync::Cache<i64, ()>,
    /// The last readiness probe write: when, and why it failed if it did.
    pub ready_probe: tokio::sync::Mutex<Option<(std::time::Instant, Result<(), String>)>>,
}

pub type AppState = Arc<App>;

/// Sign-in attempts one account may make at once; then one every 6 s (10 a minute).
pub const SIGN_INS_PER_ACCOUNT: u32 = 10;
/// Sign-in attempts one network address may make at once; then one every 2 s
/// (30 a minute: a newsroom behind one NAT signs in together of a morning).
pub const SIGN_INS_PER_ADDRESS: u32 = 30;

impl App {
    /// Opens (and migrates) the store and loads the theme for `config`.
    pub async fn open(config: Config, data_dir: PathBuf) -> anyhow::Result<AppState> {
        let store = open_store(&config, &data_dir).await?;
        let templates = Templates::new(&config, Some(data_dir.join("theme")))?;
        let pages = Arc::new(PageCache::new(config.cache.max_bytes));
        let mailer = crate::mail::Mailer::new(&config.mail, &config.newsletters)?;
        let blobs = crate::media::Blobs::open(&config.media, &data_dir)?;
        let search = crate::search::SearchIndex::open(
            &data_dir.join(crate::search::INDEX_DIR),
            &config.site.language,
        )?;
        crate::install_tls_provider();
        let http_client = || {
            reqwest::Client::builder()
                .user_agent(concat!("Dateline/", env!("CARGO_PKG_VERSION")))
                .timeout(Duration::from_secs(10))
        };
        let http = http_client()
            .build()
            .context("cannot make an HTTP client")?;
        let wire_http =
            crate::wire::fetch::WireHttp::new(http_client(), config.wire.fetch_private_addresses)?;
        let api_throttle = Throttle::per_minute(config.api.requests_per_minute);
        let token_throttle = Throttle::per_minute(config.api.token_requests_per_minute);
        Ok(Arc::new(App {
            store,
            config,
            templates,
            pages,
            chrome: ChromeCache::default(),
            feedback_throttle: Throttle::new(5, std::time::Duration::from_secs(60)),
            sign_in_by_address: Throttle::new(SIGN_INS_PER_ADDRESS, Duration::from_secs(2)),
            sign_in_by_account: Throttle::new(SIGN_INS_PER_ACCOUNT, Duration::from_secs(6)),
            account_mail: Throttle::new(3, Duration::from_secs(300)),
            jobs_enqueued: tokio::sync::Notify::new(),
            media_jobs_enqueued: tokio::sync::Notify::new(),
            newsletter_queued: tokio::sync::Notify::new(),
            signup_throttle: Throttle::new(10, std::time::Duration::from_secs(6)),
            blobs,
            image_work: tokio::sync::Semaphore::new(2),
            http,
            wire_http,
            search: Arc::new(search),
            live: Arc::default(),
            api_throttle,
            token_throttle,
            token_uses: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(60))
                .build(),
            ready_probe: tokio::sync::Mutex::default(),
            setup_token: crate::accounts::new_token(),
            mailer,
            data_dir,
        }))
    }

    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}

/// Opens the configured database and brings its schema up to date.
pub async fn open_store(config: &Config, data_dir: &std::path::Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let store = Store::open(config.database.url.as_deref(), data_dir).await?;
    store.migrate().await?;
    Ok(store)
}
