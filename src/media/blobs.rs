//! Where originals and renditions are kept: files under a directory, named
//! by keys made of lowercase letters, digits, `.` and `/`.
//!
//! Every key is content-addressed (named by a hash of what it holds), so a
//! key is written once and never changes: writing it again is a no-op, and
//! the files can be served as immutable.

use std::{
    io,
    path::{Path, PathBuf},
};

#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
}

impl Blobs {
    /// Blobs kept under `root`, created on first write.
    pub fn local(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Stores `bytes` under `key` unless something is there already; a
    /// half-written file is never visible under the key.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(dir).await?;
        let temp = dir.join(format!(".{}.partial", crate::accounts::new_token()));
        tokio::fs::write(&temp, bytes).await?;
        tokio::fs::rename(&temp, &path).await
    }

    /// The blob under `key`, if there is one.
    pub async fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !valid_key(key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{key:?} is not a blob key"),
            ));
        }
        Ok(self.root.join(Path::new(key)))
    }
}

/// Segments of lowercase letters, digits and dots (not only dots), joined
/// by `/`: nothing can climb out of the root.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.bytes().all(|b| b == b'.')
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_the_root() {
        assert!(valid_key("renditions/ab/ab12.webp"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "A.jpg",
            "a/./b",
            "a\\b",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_blob_is_written_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::local(dir.path());
        blobs.put("renditions/ab/ab.jpg", b"one").await.unwrap();
        blobs.put("renditions/ab/ab.jpg", b"two").await.unwrap();
        assert_eq!(
            blobs.get("renditions/ab/ab.jpg").await.unwrap().unwrap(),
            b"one"
        );
        assert!(blobs.get("renditions/ab/cd.jpg").await.unwrap().is_none());
        assert!(blobs.get("../secret").await.is_err());
    }
}
