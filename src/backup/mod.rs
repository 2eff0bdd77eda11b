//! Backups of a whole site in one archive (see [`archive`] for its
//! layout): made while the site serves, checked, and restored into a new
//! data directory on SQLite or PostgreSQL whatever the backup came from.

pub mod archive;
mod make;
mod restore;
pub mod schedule;

use std::path::Path;

use anyhow::{Context, ensure};
pub use archive::Manifest;
pub use make::backup;

use crate::config::Config;

/// Checks the archive at `path` whole: every entry against the manifest's
/// sizes and digests, every table's rows parsed and counted.
pub async fn verify(path: &Path) -> anyhow::Result<Manifest> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let manifest = restore::read_archive(&path, None)?;
        restore::count_rows(&path, &manifest)?;
        Ok(manifest)
    })
    .await?
}

/// Restores the archive at `path` into `data_dir`, which must be new or
/// empty: files there, the database in SQLite there or at `database_url`
/// (a PostgreSQL database holding no site), the search index rebuilt. On
/// failure the data directory is removed again and the database keeps no
/// rows (the load is one transaction).
pub async fn restore(
    path: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Manifest> {
    let fresh = match std::fs::read_dir(data_dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("{}", data_dir.display())),
    };
    ensure!(
        fresh,
        "{} is not empty: restore into a new data directory",
        data_dir.display()
    );
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let restored = restore_into(path, data_dir, database_url).await;
    if restored.is_err() {
        let _ = std::fs::remove_dir_all(data_dir);
    }
    restored
}

async fn restore_into(
    path: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Manifest> {
    let manifest = {
        let (path, dir) = (path.to_owned(), data_dir.to_owned());
        tokio::task::spawn_blocking(move || restore::read_archive(&path, Some(&dir))).await??
    };
    let mut config: toml::Table = restore::kept_config(data_dir)?
        .parse()
        .context("the archive's config.toml")?;
    if let Some(url) = database_url {
        let database = config
            .entry("database")
            .or_insert_with(|| toml::Value::Table(Default::default()));
        if let toml::Value::Table(database) = database {
            database.insert("url".into(), toml::Value::String(url.to_owned()));
        }
    }
    std::fs::write(
        data_dir.join(crate::config::FILE_NAME),
        toml::to_string(&config)?,
    )?;
    let config = Config::load(data_dir)?;
    let store = dateline_store::Store::open(config.database.url.as_deref(), data_dir).await?;
    let loaded = restore::load_tables(&store, data_dir, &manifest).await;
    if let Err(e) = loaded {
        store.close().await;
        return Err(e);
    }
    let index = crate::search::SearchIndex::open(
        &data_dir.join(crate::search::INDEX_DIR),
        &config.site.language,
    )?;
    crate::search::indexer::rebuild(&store, &std::sync::Arc::new(index), |_| {}).await?;
    store.close().await;
    Ok(manifest)
}
