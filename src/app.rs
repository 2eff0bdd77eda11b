//! The state every request handler shares.

use std::{path::PathBuf, sync::Arc};

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
    pub data_dir: PathBuf,
}

pub type AppState = Arc<App>;

impl App {
    /// Opens (and migrates) the store and loads the theme for `config`.
    pub async fn open(config: Config, data_dir: PathBuf) -> anyhow::Result<AppState> {
        let store = open_store(&config, &data_dir).await?;
        let templates = Templates::new(&config.site, Some(data_dir.join("theme")))?;
        let pages = Arc::new(PageCache::new(config.cache.max_bytes));
        Ok(Arc::new(App {
            store,
            config,
            templates,
            pages,
            chrome: ChromeCache::default(),
            feedback_throttle: Throttle::new(5, std::time::Duration::from_secs(60)),
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
