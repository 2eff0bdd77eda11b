//! Backups of a whole site in one archive (see [`archive`] for its
//! layout): made while the site serves, checked, and restored into a new
//! data directory on SQLite or PostgreSQL whatever the backup came from.

pub mod archive;
mod make;
mod restore;
pub mod schedule;

use std::path::Path;

use anyhow::{Context, bail, ensure};
pub use archive::Manifest;
use dateline_store::Store;
pub use make::backup;

use crate::config::Config;

/// Checks the archive at `path` whole, in one pass: every entry against
/// the manifest's sizes and digests, every table's rows parsed and
/// counted.
pub async fn verify(path: &Path) -> anyhow::Result<Manifest> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || restore::read_archive(&path, restore::Reading::Verify))
        .await?
}

/// Restores the archive at `path` into `data_dir`, which must be new or
/// empty: files there, the database in SQLite there or at `database_url`
/// (a PostgreSQL database holding no site), the search index rebuilt.
/// Until the rows are committed a failure leaves nothing: the data
/// directory is emptied again and the database keeps no rows (the load is
/// one transaction). After it, a failure leaves the site restored and says
/// how to finish.
pub async fn restore(
    path: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Manifest> {
    let existed = match std::fs::read_dir(data_dir) {
        Ok(mut entries) => {
            ensure!(
                entries.next().is_none(),
                "{} is not empty: restore into a new data directory",
                data_dir.display()
            );
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e).with_context(|| format!("{}", data_dir.display())),
    };
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let (store, manifest, language) = match load(path, data_dir, database_url).await {
        Ok(loaded) => loaded,
        Err(e) => {
            clean_up(data_dir, existed);
            return Err(e);
        }
    };
    let finished = finish(&store, data_dir, &language).await;
    store.close().await;
    finished.with_context(|| {
        format!(
            "the site's rows are restored, but not all that follows: run `dateline migrate --data {0}` and `dateline reindex --data {0}`",
            data_dir.display()
        )
    })?;
    Ok(manifest)
}

/// Unpacks the archive into `data_dir`, writes its configuration there
/// (with `database_url`), and loads its rows: the store, the manifest and
/// the site's language.
async fn load(
    path: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<(Store, Manifest, String)> {
    let manifest = {
        let (path, dir) = (path.to_owned(), data_dir.to_owned());
        tokio::task::spawn_blocking(move || {
            restore::read_archive(&path, restore::Reading::Unpack(&dir))
        })
        .await??
    };
    let mut config: toml::Table = restore::kept_config(data_dir)?
        .parse()
        .context("the archive's config.toml")?;
    if let Some(url) = database_url {
        let toml::Value::Table(database) = config
            .entry("database")
            .or_insert_with(|| toml::Value::Table(Default::default()))
        else {
            bail!("the archive's config.toml: [database] is not a table");
        };
        database.insert("url".into(), toml::Value::String(url.to_owned()));
    }
    std::fs::write(
        data_dir.join(crate::config::FILE_NAME),
        toml::to_string(&config)?,
    )?;
    let language = config
        .get("site")
        .and_then(|site| site.get("language"))
        .and_then(|language| language.as_str())
        .map_or_else(|| Config::default().site.language, str::to_owned);
    // Opened as the command line says, not as the configuration would be
    // loaded (the environment's DATELINE_DATABASE__URL does not redirect a
    // restore; settings whose secrets were left out need not validate yet).
    let store = Store::open(database_url, data_dir).await?;
    let loaded = load_rows(&store, data_dir, &manifest).await;
    if let Err(e) = loaded {
        store.close().await;
        return Err(e);
    }
    Ok((store, manifest, language))
}

async fn load_rows(store: &Store, data_dir: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let header = &manifest.header;
    let carried = store.carried_migrations();
    if let Some(unknown) = header.migrations.iter().find(|v| !carried.contains(v)) {
        bail!(
            "the backup's schema has migration {unknown}, which this build lacks: restore it with Dateline {} or newer",
            header.made_by
        );
    }
    store.prepare_load(&header.migrations).await?;
    restore::load_tables(store, data_dir, manifest).await
}

/// What follows the committed load: the rest of this build's migrations,
/// the staging files gone, the search index rebuilt.
async fn finish(store: &Store, data_dir: &Path, language: &str) -> anyhow::Result<()> {
    store.migrate().await?;
    if let Err(e) = restore::remove_staging(data_dir) {
        tracing::warn!(error = %e, "cannot delete the restore's staging files");
    }
    let index =
        crate::search::SearchIndex::open(&data_dir.join(crate::search::INDEX_DIR), language)?;
    crate::search::indexer::rebuild(store, &std::sync::Arc::new(index), |_| {}).await?;
    Ok(())
}

/// Empties `data_dir` after a failed restore: removed if the restore made
/// it, emptied if it was there before.
fn clean_up(data_dir: &Path, existed: bool) {
    let cleaned = if existed {
        std::fs::read_dir(data_dir).and_then(|mut entries| {
            entries.try_for_each(|entry| {
                let path = entry?.path();
                if path.is_dir() {
                    std::fs::remove_dir_all(path)
                } else {
                    std::fs::remove_file(path)
                }
            })
        })
    } else {
        std::fs::remove_dir_all(data_dir)
    };
    if let Err(e) = cleaned {
        tracing::warn!(error = %e, path = %data_dir.display(), "cannot clean up after the failed restore");
    }
}
