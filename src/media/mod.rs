//! The media library: uploads checked and kept, renditions made by a job.
//!
//! An upload is read as an image (format from its bytes, size checked before
//! decoding, fully decoded so a damaged file is refused, turned upright) on
//! a blocking thread; its original is kept under a key named by its SHA-256
//! and never served, since it may carry GPS data. The renditions job decodes
//! it again and writes the ladder of WebP and JPEG files, named by the hash
//! of their bytes and served as immutable from `/img/`.

pub mod probe;
pub mod renditions;

use bytes::Bytes;
use dateline_core::{Invalid, MediaId, Renditions, Text};
use dateline_store::NewUpload;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

pub use crate::blobs::{Blobs, rendition_key};
pub use probe::Refusal;
use renditions::Focus;

use crate::services::Services;

/// The longest caption or credit, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// What the upload form carries.
pub struct Upload {
    pub bytes: Bytes,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The hex SHA-256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `dir/ab/abcdef….ext`: sharded by the first two characters.
fn key(dir: &str, hash: &str, extension: &str) -> String {
    format!("{dir}/{}/{hash}.{extension}", &hash[..2])
}

/// Keeps a picture that needs no checking (one Dateline drew itself, the
/// demo's) as an upload: its original in the blob store, a library item,
/// and its renditions job. Its id.
pub async fn add_own_picture(
    store: &dateline_store::Store,
    blobs: &Blobs,
    jpeg: &[u8],
    (width, height): (u32, u32),
    (alt, caption, credit): (Text, &str, &str),
    now: Timestamp,
) -> anyhow::Result<MediaId> {
    let sha256 = sha256_hex(jpeg);
    let original_key = key("originals", &sha256, "jpg");
    blobs.put(&original_key, jpeg).await?;
    let new = NewUpload {
        sha256,
        original_key,
        content_type: "image/jpeg".to_owned(),
        width,
        height,
        byte_size: jpeg.len() as u64,
        alt,
        caption: caption.to_owned(),
        credit: credit.to_owned(),
    };
    Ok(store.add_upload(&new, now).await?.0)
}

/// Checks and keeps an upload; `(id, false)` when the same file was
/// uploaded before. Nothing is written unless the file is a readable image
/// of an accepted size with alt text.
pub async fn upload(app: &Services, upload: Upload) -> Result<(MediaId, bool), UploadError> {
    let library = Library {
        store: &app.store,
        blobs: &app.blobs,
        image_work: &app.image_work,
        max_pixels: app.config.media.max_megapixels * 1_000_000,
    };
    library.keep(upload).await
}

/// What keeping a picture needs: for [`upload`], and for an import, which
/// runs without the rest of the services.
pub struct Library<'a> {
    pub store: &'a dateline_store::Store,
    pub blobs: &'a Blobs,
    /// Bounds how many pictures are decoded at once.
    pub image_work: &'a tokio::sync::Semaphore,
    pub max_pixels: u64,
}

impl Library<'_> {
    /// See [`upload`].
    pub async fn keep(&self, mut upload: Upload) -> Result<(MediaId, bool), UploadError> {
        // Multipart fields do not pass through the form reader: cleaned here,
        // the one way in for the library's form, the API and imports.
        for text in [&mut upload.alt, &mut upload.caption, &mut upload.credit] {
            *text = dateline_core::clean_text(text).into_owned();
        }
        let alt = Text::parse("alt", &upload.alt, 500)?;
        for (field, text) in [("caption", &upload.caption), ("credit", &upload.credit)] {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(Invalid::new(field, "must be at most 1000 characters").into());
            }
        }
        let max_pixels = self.max_pixels;
        let bytes = upload.bytes.clone();
        let probed = {
            let _permit = self
                .image_work
                .acquire()
                .await
                .map_err(anyhow::Error::from)?;
            tokio::task::spawn_blocking(move || probe::probe(&bytes, max_pixels))
                .await
                .map_err(anyhow::Error::from)??
        };
        let sha256 = sha256_hex(&upload.bytes);
        let original_key = key("originals", &sha256, probed.kind.extension());
        self.blobs.put(&original_key, &upload.bytes).await?;
        let new = NewUpload {
            sha256,
            original_key,
            content_type: probed.kind.content_type().to_owned(),
            width: probed.width,
            height: probed.height,
            byte_size: upload.bytes.len() as u64,
            alt,
            caption: upload.caption,
            credit: upload.credit,
        };
        let added = self
            .store
            .add_upload(&new, Timestamp::now())
            .await
            .map_err(anyhow::Error::from)?;
        Ok(added)
    }
}

/// The renditions job: makes every rendition of upload `id` and records
/// them. Safe to run again: files are named by their content.
pub async fn make_renditions(app: &Services, id: MediaId) -> anyhow::Result<()> {
    let Some(source) = app.store.upload_source(id).await? else {
        anyhow::bail!("media {id} is not an upload");
    };
    let original = app
        .blobs
        .get(&source.original_key)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the original of media {id} is missing"))?;
    let focus = Focus {
        x: source.focal_x,
        y: source.focal_y,
    };
    let encoded = {
        let _permit = app.image_work.acquire().await?;
        tokio::task::spawn_blocking(move || {
            // The original was checked on upload; it is read the same way.
            let probed = probe::probe(&original, u64::MAX)?;
            renditions::make(&probed.image, focus)
        })
        .await??
    };
    let mut made = Renditions::default();
    for rendition in &encoded {
        let webp = key("renditions", &sha256_hex(&rendition.webp)[..32], "webp");
        let jpeg = key("renditions", &sha256_hex(&rendition.jpeg)[..32], "jpg");
        app.blobs.put(&webp, &rendition.webp).await?;
        app.blobs.put(&jpeg, &rendition.jpeg).await?;
        made.push(
            rendition.shape,
            renditions::described(rendition, public(&webp), public(&jpeg)),
        );
    }
    app.store
        .set_renditions(id, &made, Timestamp::now())
        .await?;
    tracing::info!(media = id.0, files = encoded.len() * 2, "renditions made");
    Ok(())
}

/// A rendition's key as its address under `/img/`.
fn public(key: &str) -> String {
    key.trim_start_matches("renditions/").to_owned()
}
