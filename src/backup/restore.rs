//! Reading an archive: checking it, and unpacking and loading one into a
//! new data directory on SQLite or PostgreSQL.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufRead, BufReader, Read, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail, ensure};
use dateline_store::{Store, snapshot::Cell};
use flate2::read::GzDecoder;

use super::{
    archive::{
        self, BUCKET_KEYS, CONFIG, DATABASE, FILES, HEADER, Hashing, Header, MANIFEST, Manifest,
    },
    make::FOLDERS,
};

/// Where a restore keeps the tables until they are loaded.
const STAGING: &str = ".restore";
/// The longest line a table file may have (a row with a long story and
/// its revisions is far below it): a damaged or hostile file cannot make
/// a reader hold unbounded memory.
const MAX_LINE: u64 = 256 << 20;

/// What to do with an archive while reading it.
pub enum Reading<'a> {
    /// Check it: every table's rows parsed and counted as they pass.
    Verify,
    /// Write media files under this data directory and the tables and
    /// configuration under its `.restore/` (their rows are counted as
    /// they are loaded).
    Unpack(&'a Path),
}

/// Reads the archive at `path` in one pass and checks it: every entry is
/// one a backup makes, each entry's size and digest matches the
/// manifest's, nothing is missing or extra.
pub fn read_archive(path: &Path, reading: Reading) -> anyhow::Result<Manifest> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut tar = tar::Archive::new(BufReader::new(file));
    let mut seen = BTreeMap::new();
    let mut counted = BTreeMap::new();
    let mut header: Option<Header> = None;
    let mut manifest: Option<Manifest> = None;
    for entry in tar.entries().context("not a tar archive")? {
        let mut entry = entry.context("a damaged tar entry")?;
        let name = entry.path()?.to_string_lossy().into_owned();
        ensure!(manifest.is_none(), "{name} follows the manifest");
        ensure!(
            entry.header().entry_type().is_file(),
            "{name}: not a plain file"
        );
        let kind = EntryKind::of(&name)
            .with_context(|| format!("{name}: not a Dateline backup's entry"))?;
        if kind == EntryKind::Manifest {
            let mut json = Vec::new();
            entry.read_to_end(&mut json)?;
            manifest = Some(serde_json::from_slice(&json).context("manifest.json")?);
            continue;
        }
        let digest = match (&kind, &reading) {
            (EntryKind::Header, _) => {
                let mut reader = Hashing::new(&mut entry);
                let mut json = Vec::new();
                reader.read_to_end(&mut json)?;
                let read: Header = serde_json::from_slice(&json).context("header.json")?;
                // Before anything else is read: a newer layout may mean
                // anything.
                ensure!(
                    read.format <= archive::FORMAT,
                    "made by a newer Dateline (format {}, {}); restore it with that version",
                    read.format,
                    read.made_by
                );
                header = Some(read);
                reader.finish().0
            }
            (EntryKind::Table(table), Reading::Verify) => {
                let mut hashed = Hashing::new(&mut entry);
                let rows = count_rows(table, GzDecoder::new(&mut hashed))
                    .with_context(|| format!("{name} is damaged"))?;
                counted.insert(table.to_string(), rows);
                // Whatever follows the gzip stream counts towards the digest.
                std::io::copy(&mut hashed, &mut std::io::sink())?;
                hashed.finish().0
            }
            (_, Reading::Verify) => {
                let mut hashed = Hashing::new(&mut entry);
                std::io::copy(&mut hashed, &mut std::io::sink())
                    .with_context(|| format!("{name}: cut short"))?;
                hashed.finish().0
            }
            (_, Reading::Unpack(dir)) => {
                let target = match name.strip_prefix(FILES) {
                    Some(file) => dir.join(file),
                    None => dir.join(STAGING).join(&name[archive::ROOT.len()..]),
                };
                std::fs::create_dir_all(target.parent().expect("under the directory"))?;
                let mut writer = Hashing::new(std::io::BufWriter::new(File::create(&target)?));
                std::io::copy(&mut entry, &mut writer)
                    .with_context(|| format!("{name}: cut short"))?;
                let (digest, mut file) = writer.finish();
                file.flush()?;
                digest
            }
        };
        ensure!(
            seen.insert(name.clone(), digest).is_none(),
            "{name} appears twice"
        );
    }
    let manifest = manifest.context("no manifest: the archive is incomplete")?;
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
    if let Reading::Verify = reading {
        ensure!(
            counted == manifest.tables,
            "the tables' rows disagree with the manifest: {counted:?} found, {:?} listed",
            manifest.tables
        );
    }
    Ok(manifest)
}

/// The entries a backup makes; anything else is refused before a byte of
/// it is written anywhere.
#[derive(Debug, PartialEq)]
enum EntryKind<'a> {
    Header,
    Manifest,
    Table(&'a str),
    /// The configuration, the bucket's key list, a media or theme file.
    Other,
}

impl<'a> EntryKind<'a> {
    fn of(name: &'a str) -> Option<Self> {
        match name {
            HEADER => return Some(Self::Header),
            MANIFEST => return Some(Self::Manifest),
            CONFIG | BUCKET_KEYS => return Some(Self::Other),
            _ => {}
        }
        if let Some(file) = name.strip_prefix(DATABASE) {
            let table = file.strip_suffix(".jsonl.gz")?;
            let plain = !table.is_empty()
                && table
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            return plain.then_some(Self::Table(table));
        }
        let file = name.strip_prefix(FILES)?;
        let folder = file.split('/').next()?;
        (FOLDERS.contains(&folder) && file.contains('/') && archive::is_safe(file))
            .then_some(Self::Other)
    }
}

/// One table file's lines: the column names, then each row, none longer
/// than [`MAX_LINE`] and each as wide as the columns.
struct TableLines<'a, R> {
    table: &'a str,
    lines: R,
    columns: Vec<String>,
    rows: u64,
    line: Vec<u8>,
}

impl<'a, R: BufRead> TableLines<'a, R> {
    fn open(table: &'a str, lines: R) -> anyhow::Result<Self> {
        let mut read = Self {
            table,
            lines,
            columns: Vec::new(),
            rows: 0,
            line: Vec::new(),
        };
        ensure!(read.next_line()?, "{table}: no column names");
        read.columns = serde_json::from_slice(&read.line)
            .with_context(|| format!("{table}: the column names"))?;
        Ok(read)
    }

    fn next_line(&mut self) -> anyhow::Result<bool> {
        self.line.clear();
        let read = (&mut self.lines)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.line)
            .with_context(|| format!("{}: cannot read row {}", self.table, self.rows + 1))?;
        ensure!(
            read as u64 <= MAX_LINE,
            "{}: row {} is longer than {MAX_LINE} bytes",
            self.table,
            self.rows + 1
        );
        Ok(read > 0)
    }

    fn next_row(&mut self) -> anyhow::Result<Option<Vec<Cell>>> {
        if !self.next_line()? {
            return Ok(None);
        }
        self.rows += 1;
        let row: Vec<Cell> = serde_json::from_slice(&self.line)
            .with_context(|| format!("{}: row {}", self.table, self.rows))?;
        ensure!(
            row.len() == self.columns.len(),
            "{}: row {} has {} values for {} columns",
            self.table,
            self.rows,
            row.len(),
            self.columns.len()
        );
        Ok(Some(row))
    }
}

/// Reads a table file's rows whole, checking each: how many there are.
fn count_rows(table: &str, gzipped: impl Read) -> anyhow::Result<u64> {
    let mut lines = TableLines::open(table, BufReader::new(gzipped))?;
    while lines.next_row()?.is_some() {}
    Ok(lines.rows)
}

/// Loads the tables unpacked under `data_dir/.restore/` into `store`,
/// which [`Store::prepare_load`] readied; checks every table's row count.
/// The load is one transaction: on failure the database keeps no row.
pub async fn load_tables(
    store: &Store,
    data_dir: &Path,
    manifest: &Manifest,
) -> anyhow::Result<()> {
    let mut load = store.begin_load().await?;
    let staging = data_dir.join(STAGING);
    for (table, expected) in &manifest.tables {
        let path: PathBuf = staging.join(format!("database/{table}.jsonl.gz"));
        let file = File::open(&path).with_context(|| format!("{table}: its file"))?;
        let mut lines = TableLines::open(table, BufReader::new(GzDecoder::new(file)))?;
        load.table(table, &lines.columns).await?;
        while let Some(row) = lines.next_row()? {
            load.row(row).await?;
        }
        ensure!(
            lines.rows == *expected,
            "{table}: {} rows, the manifest says {expected}",
            lines.rows
        );
    }
    load.finish().await?;
    Ok(())
}

/// The configuration kept in the archive, unpacked beside the tables.
pub fn kept_config(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join(STAGING).join(&CONFIG[archive::ROOT.len()..]);
    Ok(std::fs::read_to_string(path)?)
}

/// Deletes what the restore staged, once loaded.
pub fn remove_staging(data_dir: &Path) -> std::io::Result<()> {
    std::fs::remove_dir_all(data_dir.join(STAGING))
}

#[cfg(test)]
mod tests {
    use super::EntryKind;

    #[test]
    fn only_a_backups_own_entries_are_read() {
        for (name, kind) in [
            ("dateline-backup/header.json", Some(EntryKind::Header)),
            ("dateline-backup/manifest.json", Some(EntryKind::Manifest)),
            (
                "dateline-backup/database/articles.jsonl.gz",
                Some(EntryKind::Table("articles")),
            ),
            (
                "dateline-backup/files/blobs/ab/cd.jpg",
                Some(EntryKind::Other),
            ),
            (
                "dateline-backup/files/theme/site.css",
                Some(EntryKind::Other),
            ),
            ("dateline-backup/files/dateline.db", None),
            ("dateline-backup/files/search/meta.json", None),
            ("dateline-backup/files/blobs/../dateline.db", None),
            ("dateline-backup/files/.restore/database/x.jsonl.gz", None),
            ("dateline-backup/database/../x.jsonl.gz", None),
            ("dateline-backup/database/a b.jsonl.gz", None),
            ("dateline-backup/notes.txt", None),
            ("elsewhere/header.json", None),
        ] {
            assert_eq!(EntryKind::of(name), kind, "{name}");
        }
    }
}
