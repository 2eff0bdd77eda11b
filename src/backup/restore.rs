//! Checking an archive, and restoring one into a new data directory on
//! SQLite or PostgreSQL.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail, ensure};
use dateline_store::{Store, snapshot::Cell};
use flate2::read::GzDecoder;

use super::archive::{self, CONFIG, DATABASE, FILES, HEADER, Hashing, Header, MANIFEST, Manifest};

/// Where a restore keeps the tables until they are loaded.
const STAGING: &str = ".restore";

/// What an archive holds, checked: every entry's size and digest against
/// the manifest, every table's rows counted, nothing missing or extra.
/// With `unpack_to`, media files are written under that directory and the
/// tables under its `.restore/` as they are read.
pub fn read_archive(path: &Path, unpack_to: Option<&Path>) -> anyhow::Result<Manifest> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut tar = tar::Archive::new(BufReader::new(file));
    let mut seen = BTreeMap::new();
    let mut header: Option<Header> = None;
    let mut manifest: Option<Manifest> = None;
    for entry in tar.entries().context("not a tar archive")? {
        let mut entry = entry.context("a damaged tar entry")?;
        let name = entry.path()?.to_string_lossy().into_owned();
        ensure!(manifest.is_none(), "{name} follows the manifest");
        let relative = name
            .strip_prefix(archive::ROOT)
            .filter(|r| archive::is_safe(r))
            .with_context(|| format!("{name}: not a Dateline backup's entry"))?;
        if name == MANIFEST {
            let mut json = Vec::new();
            entry.read_to_end(&mut json)?;
            manifest = Some(serde_json::from_slice(&json).context("manifest.json")?);
            continue;
        }
        if name == HEADER {
            let mut reader = Hashing::new(&mut entry);
            let mut json = Vec::new();
            reader.read_to_end(&mut json)?;
            let (digest, _) = reader.finish();
            header = Some(serde_json::from_slice(&json).context("header.json")?);
            seen.insert(name, digest);
            continue;
        }
        let target = unpack_to.map(|dir| match name.strip_prefix(FILES) {
            Some(file) => dir.join(file),
            None => dir.join(STAGING).join(relative),
        });
        let sink: Box<dyn std::io::Write> = match &target {
            Some(target) => {
                std::fs::create_dir_all(target.parent().expect("under the directory"))?;
                Box::new(std::io::BufWriter::new(File::create(target)?))
            }
            None => Box::new(std::io::sink()),
        };
        let mut writer = Hashing::new(sink);
        std::io::copy(&mut entry, &mut writer).with_context(|| format!("{name}: cut short"))?;
        let (digest, mut sink) = writer.finish();
        sink.flush()?;
        drop(sink);
        seen.insert(name, digest);
    }
    let manifest = manifest.context("no manifest: the archive is incomplete")?;
    ensure!(
        manifest.header.format <= archive::FORMAT,
        "made by a newer Dateline (format {}); restore it with that version",
        manifest.header.format
    );
    ensure!(
        header.as_ref() == Some(&manifest.header),
        "header.json is missing or disagrees with the manifest"
    );
    for (name, expected) in &manifest.entries {
        let found = seen
            .remove(name)
            .with_context(|| format!("{name} is missing"))?;
        ensure!(
            &found == expected,
            "{name} is damaged: {} bytes with SHA-256 {}, the manifest says {} bytes with {}",
            found.bytes,
            found.sha256,
            expected.bytes,
            expected.sha256
        );
    }
    if let Some(extra) = seen.keys().next() {
        bail!("{extra} is not in the manifest");
    }
    Ok(manifest)
}

/// Counts the rows of each table file of an archive `path` (a full read of
/// the tables: `dateline backup --verify`).
pub fn count_rows(path: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let file = File::open(path)?;
    let mut tar = tar::Archive::new(BufReader::new(file));
    for entry in tar.entries()? {
        let entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        let Some(table) = name
            .strip_prefix(DATABASE)
            .and_then(|t| t.strip_suffix(".jsonl.gz"))
        else {
            continue;
        };
        let mut lines = BufReader::new(GzDecoder::new(entry)).lines();
        lines.next().context("no column names")??;
        let mut rows = 0u64;
        for line in lines {
            serde_json::from_str::<Vec<Cell>>(&line?)
                .with_context(|| format!("{table}: row {}", rows + 1))?;
            rows += 1;
        }
        let expected = manifest.tables.get(table).copied().unwrap_or_default();
        ensure!(
            rows == expected,
            "{table}: {rows} rows, the manifest says {expected}"
        );
    }
    Ok(())
}

/// Loads the tables unpacked under `data_dir/.restore/` into `store`,
/// which is migrated to the archive's schema first and to this build's
/// after; checks every table's row count.
pub async fn load_tables(
    store: &Store,
    data_dir: &Path,
    manifest: &Manifest,
) -> anyhow::Result<()> {
    let carried: Vec<i64> = Store::migration_names()[0]
        .iter()
        .map(|(v, _)| *v)
        .collect();
    let newest = *manifest
        .header
        .migrations
        .iter()
        .max()
        .context("no migrations")?;
    if let Some(unknown) = manifest
        .header
        .migrations
        .iter()
        .find(|v| !carried.contains(v))
    {
        bail!(
            "the backup's schema has migration {unknown}, which this build lacks: restore it with Dateline {} or newer",
            manifest.header.made_by
        );
    }
    store.migrate_to(newest).await?;
    let mut load = store.begin_load().await?;
    let staging = data_dir.join(STAGING);
    for (table, expected) in &manifest.tables {
        let path: PathBuf = staging.join(format!("database/{table}.jsonl.gz"));
        let mut lines = BufReader::new(GzDecoder::new(File::open(&path)?)).lines();
        let columns: Vec<String> =
            serde_json::from_str(&lines.next().context("no column names")??)?;
        load.table(table, &columns).await?;
        let mut rows = 0u64;
        for line in lines {
            let row: Vec<Cell> = serde_json::from_str(&line?)
                .with_context(|| format!("{table}: row {}", rows + 1))?;
            load.row(row).await?;
            rows += 1;
        }
        ensure!(
            rows == *expected,
            "{table}: {rows} rows, the manifest says {expected}"
        );
    }
    load.finish().await?;
    store.migrate().await?;
    std::fs::remove_dir_all(staging)?;
    Ok(())
}

/// The configuration kept in the archive, unpacked beside the tables.
pub fn kept_config(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir
        .join(STAGING)
        .join(CONFIG.trim_start_matches(archive::ROOT));
    Ok(std::fs::read_to_string(path)?)
}
