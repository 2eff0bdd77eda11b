//! What the services share: the store, the configuration, the theme, mail,
//! media, search and the outbound HTTP clients. Built once per process;
//! the web layer's [`crate::web::App`] holds it and adds what only HTTP
//! needs (the page cache, throttles, sessions' helpers).

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use dateline_store::Store;

use crate::{config::Config, theme::Templates};

pub struct Services {
    pub store: Store,
    pub config: Config,
    /// Pages' and mails' templates and the theme's static files.
    pub templates: Templates,
    pub data_dir: PathBuf,
    pub mailer: crate::mailer::Mailer,
    /// Originals and renditions of uploaded pictures.
    pub blobs: crate::blobs::Blobs,
    /// Decoding and resizing pictures takes a core and up to hundreds of
    /// megabytes each: at most this many at once on a node.
    pub image_work: tokio::sync::Semaphore,
    /// For calls out (WebSub hubs): one pool of connections.
    pub http: reqwest::Client,
    /// For the addresses agencies and webhooks give: public ones only,
    /// unless configured.
    pub wire_http: crate::outbound::WireHttp,
    /// The search index in the data directory (this node's own).
    pub search: Arc<crate::search::SearchIndex>,
    /// Article events for the open live streams (`/api/v1/live`).
    pub live: Arc<crate::live::Live>,
}

impl Services {
    /// Opens (and migrates) the store and loads the theme for `config`.
    pub async fn open(config: Config, data_dir: PathBuf) -> anyhow::Result<Arc<Self>> {
        let store = open_store(&config, &data_dir).await?;
        let templates = Templates::new(&config, Some(data_dir.join("theme")))?;
        let mailer = crate::mailer::Mailer::new(&config.mail, &config.newsletters)?;
        let blobs = crate::blobs::Blobs::open(&config.media, &data_dir)?;
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
            crate::outbound::WireHttp::new(http_client(), config.wire.fetch_private_addresses)?;
        Ok(Arc::new(Self {
            store,
            config,
            templates,
            mailer,
            blobs,
            image_work: tokio::sync::Semaphore::new(2),
            http,
            wire_http,
            search: Arc::new(search),
            live: Arc::default(),
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
