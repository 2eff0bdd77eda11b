//! Where originals and renditions are kept: a directory of the data
//! directory by default, or an S3-compatible bucket that several nodes
//! share; one interface (object_store's) over both.
//!
//! Keys are made of lowercase letters, digits, `.` and `/`. Pictures'
//! keys are content-addressed (named by a hash of what they hold): a key
//! is written once and never changes, so writing it again is skipped and
//! the files can be served as immutable. Exports uploaded to be imported
//! wait under `imports/`, by a random name, and are deleted after their
//! run: every node can reach them, whichever runs the import.

use std::{path::Path, sync::Arc};

use anyhow::Context;
use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload, aws::AmazonS3Builder, local::LocalFileSystem,
    path::Path as Key,
};

use crate::config::MediaConfig;

#[derive(Debug, Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

impl Blobs {
    /// The store `config` names: its S3 bucket if one is set, else the
    /// `blobs` directory of `data_dir`.
    pub fn open(config: &MediaConfig, data_dir: &Path) -> anyhow::Result<Self> {
        match &config.s3_bucket {
            Some(bucket) => Self::s3(config, bucket),
            None => Self::local(&data_dir.join("blobs")),
        }
    }

    /// Blobs kept as files under `root`.
    pub fn local(root: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create the blob directory {}", root.display()))?;
        let store = LocalFileSystem::new_with_prefix(root)
            .with_context(|| format!("the blob directory {}", root.display()))?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    fn s3(config: &MediaConfig, bucket: &str) -> anyhow::Result<Self> {
        crate::install_tls_provider();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&config.s3_region);
        if let Some(endpoint) = &config.s3_endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                // Self-hosted S3 (MinIO, Ceph, Garage) names buckets in the path.
                .with_virtual_hosted_style_request(false);
        }
        if let (Some(id), Some(secret)) = (&config.s3_access_key_id, &config.s3_secret_access_key) {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .with_context(|| format!("media.s3_bucket {bucket:?}"))?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    /// Every key with its size, in no set order (a backup's list of a
    /// bucket's objects).
    pub async fn list(&self) -> anyhow::Result<Vec<(String, u64)>> {
        use futures_util::TryStreamExt;
        let listed: Vec<object_store::ObjectMeta> = self
            .store
            .list(None)
            .try_collect()
            .await
            .context("cannot list the blob store")?;
        Ok(listed
            .into_iter()
            .map(|meta| (meta.location.to_string(), meta.size))
            .collect())
    }

    /// Stores `bytes` under `key` unless something is there already; a
    /// half-written blob is never visible under the key.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let key = checked(key)?;
        match self.store.head(&key).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e).with_context(|| format!("blob {key}")),
        }
        self.store
            .put(&key, PutPayload::from(bytes.to_vec()))
            .await
            .with_context(|| format!("cannot store blob {key}"))?;
        Ok(())
    }

    /// The blob under `key`, if there is one.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let key = checked(key)?;
        match self.store.get(&key).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read blob {key}")),
        }
    }

    /// A writer that streams a new blob to `key`, in parts (a large upload
    /// never sits in memory whole); the blob appears once the writer is
    /// shut down.
    pub fn writer(&self, key: &str) -> anyhow::Result<object_store::buffered::BufWriter> {
        // Parts of 5 MiB, S3's smallest: a file larger than one part is
        // written as a multipart upload, which an abort takes back.
        Ok(object_store::buffered::BufWriter::with_capacity(
            self.store.clone(),
            checked(key)?,
            5 << 20,
        ))
    }

    /// Streams the blob under `key` into `file`; `false` when there is none.
    pub async fn copy_to(&self, key: &str, file: &mut tokio::fs::File) -> anyhow::Result<bool> {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        let key = checked(key)?;
        let found = match self.store.get(&key).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(e).with_context(|| format!("cannot read blob {key}")),
        };
        let mut chunks = found.into_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.with_context(|| format!("cannot read blob {key}"))?;
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(true)
    }

    /// Deletes the blob under `key`, if there is one.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let key = checked(key)?;
        match self.store.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot delete blob {key}")),
        }
    }
}

fn checked(key: &str) -> anyhow::Result<Key> {
    anyhow::ensure!(valid_key(key), "{key:?} is not a blob key");
    Ok(Key::from(key))
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

/// The blob key of the rendition at `/img/{path}`, if `path` can be one.
pub fn rendition_key(path: &str) -> Option<String> {
    let key = format!("renditions/{path}");
    let ok = valid_key(&key)
        && (path.ends_with(".webp") || path.ends_with(".jpg"))
        && path.split('/').count() == 2;
    ok.then_some(key)
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
        let blobs = Blobs::local(dir.path()).unwrap();
        blobs.put("renditions/ab/ab.jpg", b"one").await.unwrap();
        blobs.put("renditions/ab/ab.jpg", b"two").await.unwrap();
        assert_eq!(
            blobs.get("renditions/ab/ab.jpg").await.unwrap().unwrap(),
            b"one"
        );
        assert!(blobs.get("renditions/ab/cd.jpg").await.unwrap().is_none());
        assert!(blobs.get("../secret").await.is_err());
        assert!(dir.path().join("renditions/ab/ab.jpg").is_file());
    }
}
