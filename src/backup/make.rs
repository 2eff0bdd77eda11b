//! Making a backup while the site serves.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use anyhow::Context;
use dateline_store::snapshot::{Cell, SnapshotVisitor};
use flate2::{Compression, write::GzEncoder};

use super::archive::{
    self, BUCKET_KEYS, CONFIG, DATABASE, FILES, HEADER, Hashing, Header, MANIFEST, Manifest,
};
use crate::services::Services;

/// The data directory's folders a backup carries as files: pictures
/// (unless they live in S3), the old demo pictures and the theme's
/// overrides. Exports waiting to be imported (`blobs/imports/`) are not
/// the site's.
const FOLDERS: [&str; 3] = ["blobs", "media", "theme"];
const SKIPPED: &str = "blobs/imports";

/// Configuration keys that hold secrets, by section: left out of the
/// archive (a database URL is the restore's to choose).
const SECRETS: [(&str, &str); 5] = [
    ("database", "url"),
    ("mail", "smtp_url"),
    ("media", "s3_access_key_id"),
    ("media", "s3_secret_access_key"),
    ("cdn", "api_token"),
];

/// Writes a backup of the site `app` serves from `data_dir` to `out`
/// (complete or not at all: it is written beside `out` and renamed into
/// place), and returns its manifest.
pub async fn backup(app: &Services, data_dir: &Path, out: &Path) -> anyhow::Result<Manifest> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let scratch = tempfile::Builder::new()
        .prefix(".dateline-backup-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot write beside {}", out.display()))?;
    let made_at = jiff::Timestamp::now();
    let migrations = app.store.applied_migrations().await?;

    // The database first, as of one moment, into one file per table.
    let mut tables = TableFiles::new(scratch.path().join("database"))?;
    app.store.snapshot(&mut tables).await?;
    let tables = tables.finish()?;

    let bucket = app.config.media.s3_bucket.clone();
    let bucket_keys = match &bucket {
        Some(_) => Some(app.blobs.list().await?),
        None => None,
    };
    let (config, secrets_removed) = config_without_secrets(data_dir)?;
    let header = Header {
        format: archive::FORMAT,
        made_by: env!("CARGO_PKG_VERSION").to_owned(),
        made_at,
        backend: app.store.backend_name().to_owned(),
        migrations,
        site: app.config.site.name.clone(),
        media: bucket.unwrap_or_else(|| "files".into()),
        secrets_removed,
    };
    let gathered = Gathered {
        header,
        config,
        data_dir: data_dir.to_owned(),
        bucket_keys,
        tables,
    };
    let (parent, out) = (parent.to_owned(), out.to_owned());
    tokio::task::spawn_blocking(move || {
        let manifest = write_archive(&parent, &out, gathered);
        drop(scratch);
        manifest
    })
    .await?
}

/// What goes into the archive.
struct Gathered {
    header: Header,
    /// `dateline.toml` without its secrets.
    config: String,
    data_dir: PathBuf,
    /// The bucket's keys and sizes, when media lives in S3.
    bucket_keys: Option<Vec<(String, u64)>>,
    tables: Tables,
}

/// The archive itself, written beside `out` and renamed into place.
fn write_archive(parent: &Path, out: &Path, gathered: Gathered) -> anyhow::Result<Manifest> {
    let Gathered {
        header,
        config,
        data_dir,
        bucket_keys,
        tables,
    } = gathered;
    let file = tempfile::NamedTempFile::new_in(parent)?;
    let mut tar = tar::Builder::new(BufWriter::new(file));
    let mut entries = BTreeMap::new();
    let add = |tar: &mut tar::Builder<_>, path: &str, bytes: &[u8], entries: &mut _| {
        append(tar, path, bytes.len() as u64, Hashing::new(bytes), entries)
    };
    add(
        &mut tar,
        HEADER,
        &serde_json::to_vec_pretty(&header)?,
        &mut entries,
    )?;
    add(&mut tar, CONFIG, config.as_bytes(), &mut entries)?;
    let mut listed = 0;
    if let Some(keys) = bucket_keys {
        listed = keys.len() as u64;
        let mut lines = Vec::new();
        for (key, size) in keys {
            serde_json::to_writer(&mut lines, &serde_json::json!({"key": key, "bytes": size}))?;
            lines.push(b'\n');
        }
        add(&mut tar, BUCKET_KEYS, &lines, &mut entries)?;
    }
    for folder in FOLDERS {
        for path in files_under(&data_dir.join(folder))? {
            let relative = path.strip_prefix(&data_dir)?.to_string_lossy().into_owned();
            if relative.starts_with(SKIPPED) || (header.media != "files" && folder == "blobs") {
                continue;
            }
            let file = File::open(&path).with_context(|| format!("{}", path.display()))?;
            let size = file.metadata()?.len();
            let name = format!("{FILES}{relative}");
            append(&mut tar, &name, size, Hashing::new(file), &mut entries)?;
        }
    }
    for (table, path) in &tables.files {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        let name = format!("{DATABASE}{table}.jsonl.gz");
        append(&mut tar, &name, size, Hashing::new(file), &mut entries)?;
    }
    let manifest = Manifest {
        header,
        entries,
        tables: tables.rows,
        bucket_keys: listed,
    };
    let json = serde_json::to_vec_pretty(&manifest)?;
    let mut last = tar::Header::new_gnu();
    last.set_size(json.len() as u64);
    last.set_mode(0o644);
    tar.append_data(&mut last, MANIFEST, json.as_slice())?;
    let file = tar.into_inner()?.into_inner().map_err(|e| e.into_error())?;
    file.as_file().sync_all()?;
    file.persist(out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(manifest)
}

/// Adds an entry of `size` bytes read from `reader`, noting its digest.
fn append<W: Write, R: std::io::Read>(
    tar: &mut tar::Builder<W>,
    path: &str,
    size: u64,
    mut reader: Hashing<R>,
    entries: &mut BTreeMap<String, archive::Entry>,
) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o644);
    tar.append_data(&mut header, path, &mut reader)
        .with_context(|| format!("cannot add {path}"))?;
    let (entry, _) = reader.finish();
    anyhow::ensure!(
        entry.bytes == size,
        "{path} changed size while it was copied ({size} → {} bytes)",
        entry.bytes
    );
    entries.insert(path.to_owned(), entry);
    Ok(())
}

/// Every file under `dir` (none if it does not exist), sorted.
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("{}", dir.display())),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The data directory's `dateline.toml` without its secrets, and which
/// keys were left out.
fn config_without_secrets(data_dir: &Path) -> anyhow::Result<(String, Vec<String>)> {
    let path = data_dir.join(crate::config::FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((String::new(), Vec::new()));
        }
        Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
    };
    let mut table: toml::Table = text
        .parse()
        .with_context(|| format!("{}", path.display()))?;
    let mut removed = Vec::new();
    for (section, key) in SECRETS {
        if let Some(toml::Value::Table(section_table)) = table.get_mut(section)
            && section_table.remove(key).is_some()
        {
            removed.push(format!("{section}.{key}"));
        }
    }
    Ok((toml::to_string(&table)?, removed))
}

/// The snapshot's tables as written: rows per table, and each table's file.
struct Tables {
    rows: BTreeMap<String, u64>,
    files: Vec<(String, PathBuf)>,
}

/// The snapshot's tables, each into a gzipped file of JSON lines.
struct TableFiles {
    dir: PathBuf,
    done: Vec<(String, PathBuf)>,
    rows: BTreeMap<String, u64>,
    current: Option<(String, GzEncoder<BufWriter<File>>)>,
}

impl TableFiles {
    fn new(dir: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self {
            dir,
            done: Vec::new(),
            rows: BTreeMap::new(),
            current: None,
        })
    }

    fn close(&mut self) -> std::io::Result<()> {
        if let Some((table, gz)) = self.current.take() {
            gz.finish()?.flush()?;
            self.done
                .push((table.clone(), self.dir.join(format!("{table}.jsonl.gz"))));
        }
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<Tables> {
        self.close()?;
        Ok(Tables {
            rows: self.rows,
            files: self.done,
        })
    }
}

impl SnapshotVisitor for TableFiles {
    fn table(&mut self, name: &str, columns: &[String]) -> std::io::Result<()> {
        self.close()?;
        let file = File::create(self.dir.join(format!("{name}.jsonl.gz")))?;
        let mut gz = GzEncoder::new(BufWriter::new(file), Compression::fast());
        serde_json::to_writer(&mut gz, columns)?;
        gz.write_all(b"\n")?;
        self.rows.insert(name.to_owned(), 0);
        self.current = Some((name.to_owned(), gz));
        Ok(())
    }

    fn row(&mut self, row: Vec<Cell>) -> std::io::Result<()> {
        let Some((table, gz)) = &mut self.current else {
            return Err(std::io::Error::other("a row before its table"));
        };
        serde_json::to_writer(&mut *gz, &row)?;
        gz.write_all(b"\n")?;
        *self
            .rows
            .get_mut(table.as_str())
            .expect("counted at its start") += 1;
        Ok(())
    }
}
