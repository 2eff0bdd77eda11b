//! The backup archive: a tar file whose entries sit under
//! `dateline-backup/`, in this order:
//!
//! - `header.json`: what made it, when, from which backend and schema
//! - `config.toml`: the data directory's configuration, secrets removed
//! - `files/…`: the data directory's media and theme files, when media
//!   lives there; `bucket-keys.jsonl` (key and size per line) when it lives
//!   in S3
//! - `database/TABLE.jsonl.gz`: each table, its column names on the first
//!   line and one row per line after, as JSON arrays of
//!   [`dateline_store::snapshot::Cell`]s
//! - `manifest.json`: the header again, every entry's size and SHA-256,
//!   each table's row count
//!
//! Plain tar (pictures are compressed already; tables are gzipped one by
//! one), read and written as a stream, so neither side needs the whole
//! archive in memory or on disk twice.

use std::{
    collections::BTreeMap,
    io::{Read, Write},
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Every entry's path starts with this.
pub const ROOT: &str = "dateline-backup/";
pub const HEADER: &str = "dateline-backup/header.json";
pub const CONFIG: &str = "dateline-backup/config.toml";
pub const FILES: &str = "dateline-backup/files/";
pub const BUCKET_KEYS: &str = "dateline-backup/bucket-keys.jsonl";
pub const DATABASE: &str = "dateline-backup/database/";
pub const MANIFEST: &str = "dateline-backup/manifest.json";

/// The layout's version: a reader refuses archives of a newer one.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    /// The version of Dateline that made it.
    pub made_by: String,
    pub made_at: jiff::Timestamp,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The schema's migrations, by version: a restore migrates to these,
    /// loads the rows, then migrates on.
    pub migrations: Vec<i64>,
    pub site: String,
    /// The S3 bucket media lived in (its keys listed; the objects stay in
    /// the bucket); `None`: media files are in the archive.
    pub bucket: Option<String>,
    /// Configuration keys left out because they hold secrets.
    pub secrets_removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub header: Header,
    /// Every entry but the manifest, by path.
    pub entries: BTreeMap<String, Entry>,
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// Keys listed in `bucket-keys.jsonl`.
    pub bucket_keys: u64,
}

impl Manifest {
    /// Media files the archive carries.
    pub fn files(&self) -> usize {
        self.entries.keys().filter(|p| p.starts_with(FILES)).count()
    }
}

/// Counts and hashes what passes through it.
pub struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    bytes: u64,
}

impl<T> Hashing<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// What passed: its size and digest, and the wrapped value.
    pub fn finish(self) -> (Entry, T) {
        let sha256 = crate::encoding::hex(&self.hasher.finalize());
        (
            Entry {
                bytes: self.bytes,
                sha256,
            },
            self.inner,
        )
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Whether `path`, a path inside the archive, stays inside the directory
/// it is unpacked to: relative, without `..` or other tricks.
pub fn is_safe(path: &str) -> bool {
    let path = std::path::Path::new(path);
    !path.as_os_str().is_empty()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_unpacked() {
        assert!(is_safe("blobs/originals/ab/cd.jpg"));
        for bad in ["", "/etc/passwd", "../up", "a/../../b", "./a"] {
            assert!(!is_safe(bad), "{bad}");
        }
    }

    #[test]
    fn hashing_counts_what_passes() {
        let mut w = Hashing::new(Vec::new());
        w.write_all(b"abc").unwrap();
        let (entry, bytes) = w.finish();
        assert_eq!(bytes, b"abc");
        assert_eq!(entry.bytes, 3);
        assert_eq!(
            entry.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
