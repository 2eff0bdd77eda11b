//! Making a backup while the site serves.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use anyhow::Context;
use dateline_store::snapshot::{Cell, SnapshotVisitor};
use flate2::{Compression, write::GzEncoder};
use tokio::sync::mpsc;

use super::archive::{
    self, BUCKET_KEYS, CONFIG, DATABASE, FILES, HEADER, Hashing, Header, MANIFEST, Manifest,
};
use crate::services::Services;

/// The data directory's folders a backup carries as files: pictures
/// (unless they live in S3), the old demo pictures and the theme's
/// overrides.
pub(super) const FOLDERS: [&str; 3] = ["blobs", "media", "theme"];
/// Exports waiting to be imported are not the site's.
const SKIPPED: &str = "blobs/imports";

/// Writes a backup of the site `app` serves from `data_dir` to `out`
/// (complete or not at all: it is written beside `out` and renamed into
/// place), and returns its manifest.
pub async fn backup(app: &Services, data_dir: &Path, out: &Path) -> anyhow::Result<Manifest> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned();
    let scratch = tempfile::Builder::new()
        .prefix(".dateline-backup-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write beside {}", out.display()))?;
    let made_at = jiff::Timestamp::now();

    // The database first, as of one moment, into one file per table,
    // written by a blocking thread as the rows arrive.
    let (mut tables, writer) = TableFiles::start(scratch.path().join("database"))?;
    let dumped = app.store.snapshot(&mut tables).await;
    drop(tables);
    let written = writer.await?;
    let migrations = dumped?;
    let tables = written?;

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
        bucket,
        secrets_removed,
    };
    let gathered = Gathered {
        header,
        config,
        data_dir: data_dir.to_owned(),
        bucket_keys,
        tables,
    };
    let out = out.to_owned();
    tokio::task::spawn_blocking(move || {
        let file = tempfile::NamedTempFile::new_in(scratch.path())?;
        let (manifest, file) = write_archive(file, gathered)?;
        file.persist(&out)
            .with_context(|| format!("cannot write {}", out.display()))?;
        Ok(manifest)
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

/// The archive itself, into `file`, synced.
fn write_archive(
    file: tempfile::NamedTempFile,
    gathered: Gathered,
) -> anyhow::Result<(Manifest, tempfile::NamedTempFile)> {
    let Gathered {
        header,
        config,
        data_dir,
        bucket_keys,
        tables,
    } = gathered;
    let mut archive = ArchiveWriter {
        tar: tar::Builder::new(BufWriter::new(file)),
        entries: BTreeMap::new(),
    };
    archive.add_bytes(HEADER, &serde_json::to_vec_pretty(&header)?)?;
    archive.add_bytes(CONFIG, config.as_bytes())?;
    let mut listed = 0;
    if let Some(keys) = bucket_keys {
        listed = keys.len() as u64;
        let mut lines = Vec::new();
        for (key, size) in keys {
            serde_json::to_writer(&mut lines, &serde_json::json!({"key": key, "bytes": size}))?;
            lines.push(b'\n');
        }
        archive.add_bytes(BUCKET_KEYS, &lines)?;
    }
    let skipped = data_dir.join(SKIPPED);
    for folder in FOLDERS {
        if folder == "blobs" && header.bucket.is_some() {
            continue;
        }
        for path in files_under(&data_dir.join(folder))? {
            if path.starts_with(&skipped) {
                continue;
            }
            let relative = path.strip_prefix(&data_dir)?;
            let relative = relative
                .to_str()
                .with_context(|| format!("{}: not a UTF-8 name", path.display()))?;
            archive.add_file(&format!("{FILES}{relative}"), &path)?;
        }
    }
    for (table, path) in &tables.files {
        archive.add_file(&format!("{DATABASE}{table}.jsonl.gz"), path)?;
    }
    let ArchiveWriter { mut tar, entries } = archive;
    let manifest = Manifest {
        header,
        entries,
        tables: tables.rows,
        bucket_keys: listed,
    };
    // Last and unlisted: it lists the others.
    let json = serde_json::to_vec_pretty(&manifest)?;
    let mut last = tar::Header::new_gnu();
    last.set_size(json.len() as u64);
    last.set_mode(0o644);
    tar.append_data(&mut last, MANIFEST, json.as_slice())?;
    let file = tar.into_inner()?.into_inner().map_err(|e| e.into_error())?;
    file.as_file().sync_all()?;
    Ok((manifest, file))
}

/// A tar being written, with each entry's size and digest noted.
struct ArchiveWriter<W: Write> {
    tar: tar::Builder<W>,
    entries: BTreeMap<String, archive::Entry>,
}

impl<W: Write> ArchiveWriter<W> {
    fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.add(path, bytes.len() as u64, bytes)
    }

    /// Adds the file at `source` as it is now. A file that grows meanwhile
    /// is taken at the size it had; one that shrinks fails the backup.
    fn add_file(&mut self, path: &str, source: &Path) -> anyhow::Result<()> {
        let file = File::open(source).with_context(|| format!("{}", source.display()))?;
        let size = file.metadata()?.len();
        self.add(path, size, file.take(size))
    }

    fn add(&mut self, path: &str, size: u64, reader: impl Read) -> anyhow::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o644);
        let mut reader = Hashing::new(reader);
        self.tar
            .append_data(&mut header, path, &mut reader)
            .with_context(|| format!("cannot add {path}"))?;
        let (entry, _) = reader.finish();
        anyhow::ensure!(
            entry.bytes == size,
            "{path} shrank while it was copied ({size} → {} bytes)",
            entry.bytes
        );
        self.entries.insert(path.to_owned(), entry);
        Ok(())
    }
}

/// Every file under `dir` (none if it does not exist), sorted. A file
/// being written by the media store (under a `#` name until it is renamed
/// into place) is not one yet.
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
            } else if kind.is_file() && !entry.file_name().to_string_lossy().contains('#') {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The data directory's `dateline.toml` without its secrets, and which
/// keys were left out (a database URL is the restore's to choose).
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
    for (section, key) in crate::config::SECRET_KEYS {
        if let Some(toml::Value::Table(section_table)) = table.get_mut(section)
            && section_table.remove(key).is_some()
        {
            removed.push(format!("{section}.{key}"));
        }
    }
    Ok((toml::to_string(&table)?, removed))
}

/// The snapshot's tables as written: rows per table, and each table's file.
#[derive(Default)]
struct Tables {
    rows: BTreeMap<String, u64>,
    files: Vec<(String, PathBuf)>,
}

/// What the snapshot hands the writing thread.
enum Piece {
    Table(String, Vec<String>),
    Row(Vec<Cell>),
}

/// Receives the snapshot and passes it to the thread writing the files.
struct TableFiles {
    pieces: mpsc::Sender<Piece>,
}

/// Rows in flight between the snapshot and the writing thread.
const IN_FLIGHT: usize = 1024;

impl TableFiles {
    /// The visitor, and the thread writing each table under `dir` as a
    /// gzipped file of JSON lines until the visitor is dropped.
    fn start(
        dir: PathBuf,
    ) -> anyhow::Result<(Self, tokio::task::JoinHandle<anyhow::Result<Tables>>)> {
        std::fs::create_dir_all(&dir)?;
        let (pieces, mut arriving) = mpsc::channel(IN_FLIGHT);
        let writer = tokio::task::spawn_blocking(move || {
            let mut tables = Tables::default();
            let mut open: Option<OpenTable> = None;
            while let Some(piece) = arriving.blocking_recv() {
                match piece {
                    Piece::Table(name, columns) => {
                        if let Some(done) = open.take() {
                            done.close(&mut tables)?;
                        }
                        let path = dir.join(format!("{name}.jsonl.gz"));
                        let file = File::create(&path)?;
                        let mut gz = GzEncoder::new(BufWriter::new(file), Compression::fast());
                        serde_json::to_writer(&mut gz, &columns)?;
                        gz.write_all(b"\n")?;
                        open = Some(OpenTable {
                            name,
                            path,
                            gz,
                            rows: 0,
                        });
                    }
                    Piece::Row(row) => {
                        let table = open.as_mut().context("a row before its table")?;
                        serde_json::to_writer(&mut table.gz, &row)?;
                        table.gz.write_all(b"\n")?;
                        table.rows += 1;
                    }
                }
            }
            if let Some(done) = open {
                done.close(&mut tables)?;
            }
            Ok(tables)
        });
        Ok((Self { pieces }, writer))
    }

    async fn send(&mut self, piece: Piece) -> std::io::Result<()> {
        // The writer stopped: its own error says why.
        self.pieces
            .send(piece)
            .await
            .map_err(|_| std::io::Error::other("the backup's writer stopped"))
    }
}

/// The table the writing thread is on.
struct OpenTable {
    name: String,
    path: PathBuf,
    gz: GzEncoder<BufWriter<File>>,
    rows: u64,
}

impl OpenTable {
    fn close(self, tables: &mut Tables) -> std::io::Result<()> {
        self.gz.finish()?.flush()?;
        tables.rows.insert(self.name.clone(), self.rows);
        tables.files.push((self.name, self.path));
        Ok(())
    }
}

impl SnapshotVisitor for TableFiles {
    async fn table(&mut self, name: &str, columns: &[String]) -> std::io::Result<()> {
        self.send(Piece::Table(name.to_owned(), columns.to_vec()))
            .await
    }

    async fn row(&mut self, row: Vec<Cell>) -> std::io::Result<()> {
        self.send(Piece::Row(row)).await
    }
}
