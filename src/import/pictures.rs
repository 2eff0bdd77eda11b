//! Pictures of an old site into the media library, from a copy of its
//! uploads folder or fetched from where it published them (public
//! addresses only), each kept once however often it is used.

use std::{
    collections::HashMap,
    path::{Component, Path, PathBuf},
};

use bytes::Bytes;
use dateline_core::MediaId;

use crate::{
    media::{Library, Upload},
    outbound::WireHttp,
};

/// Where the pictures' files are.
#[derive(Default)]
pub struct MediaSource {
    /// A copy of the old site's uploads folder (`wp-content/uploads`).
    pub uploads: Option<PathBuf>,
    /// Fetch what is not in `uploads` from its address.
    pub fetch: Option<WireHttp>,
}

impl std::fmt::Debug for MediaSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSource")
            .field("uploads", &self.uploads)
            .field("fetch", &self.fetch.is_some())
            .finish()
    }
}

impl MediaSource {
    pub fn is_none(&self) -> bool {
        self.uploads.is_none() && self.fetch.is_none()
    }
}

/// The pictures of one run.
pub(super) struct Pictures<'a> {
    pub library: Library<'a>,
    pub source: &'a MediaSource,
    pub max_bytes: u64,
    kept: HashMap<String, MediaId>,
}

/// What a picture says about itself.
pub(super) struct Described<'s> {
    pub url: &'s str,
    pub alt: &'s str,
    pub caption: &'s str,
    pub title: &'s str,
    pub credit: &'s str,
}

impl<'a> Pictures<'a> {
    pub fn new(library: Library<'a>, source: &'a MediaSource, max_bytes: u64) -> Self {
        Self {
            library,
            source,
            max_bytes,
            kept: HashMap::new(),
        }
    }

    /// The library's item for the picture at `url`, kept now if it is not
    /// yet; the reason when it cannot be.
    pub async fn keep(&mut self, picture: Described<'_>) -> Result<MediaId, String> {
        if let Some(id) = self.kept.get(picture.url) {
            return Ok(*id);
        }
        let bytes = self.bytes(picture.url).await?;
        let file_name = picture
            .url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        let alt = [picture.alt, picture.title, file_name, "Picture"]
            .into_iter()
            .map(str::trim)
            .find(|a| !a.is_empty())
            .unwrap_or("Picture");
        let upload = Upload {
            bytes,
            alt: alt.chars().take(500).collect(),
            caption: picture
                .caption
                .chars()
                .take(crate::media::MAX_TEXT_CHARS)
                .collect(),
            credit: picture
                .credit
                .trim()
                .chars()
                .take(crate::media::MAX_TEXT_CHARS)
                .collect(),
        };
        let (id, _) = self
            .library
            .keep(upload)
            .await
            .map_err(|e| format!("its file was refused: {e}"))?;
        self.kept.insert(picture.url.to_owned(), id);
        Ok(id)
    }

    /// Why no picture can be kept, when the run was given nowhere to
    /// take pictures from.
    pub fn no_source(&self) -> Option<&'static str> {
        (self.source.uploads.is_none() && self.source.fetch.is_none()).then_some(
            "no file for it: give a copy of the uploads folder (--uploads) or fetch pictures from the old site (--fetch-media)",
        )
    }

    async fn bytes(&self, url: &str) -> Result<Bytes, String> {
        if let Some(dir) = &self.source.uploads
            && let Some(path) = in_uploads(dir, url)
        {
            return tokio::fs::read(&path)
                .await
                .map(Bytes::from)
                .map_err(|e| format!("cannot read {}: {e}", path.display()));
        }
        if let Some(missing) = self.no_source() {
            return Err(missing.into());
        }
        let Some(http) = &self.source.fetch else {
            return Err(
                "its file is not in the uploads folder (fetching pictures from the old site would find it)"
                    .into(),
            );
        };
        let response = http
            .get(url)
            .map_err(|e| format!("cannot fetch it: {e}"))?
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("cannot fetch it: {e}"))?;
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes)
        {
            return Err("its file is larger than media.max_upload_bytes".into());
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("cannot fetch it: {e}"))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err("its file is larger than media.max_upload_bytes".into());
        }
        Ok(bytes)
    }
}

/// The file in a copy of the uploads folder that `url` names: the part of
/// its path after `wp-content/uploads/` (or `files/`, as multisite and
/// WordPress.com write it, or Ghost's `content/images/`), else the whole
/// path; never outside `dir`.
pub(super) fn in_uploads(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url::Url::parse(url)
        .ok()
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|| url.to_owned());
    let path = percent_encoding::percent_decode_str(&path)
        .decode_utf8()
        .ok()?
        .into_owned();
    let candidates = [
        path.split_once("/wp-content/uploads/")
            .map(|(_, rest)| rest),
        path.split_once("/files/").map(|(_, rest)| rest),
        // Ghost's `content/images`.
        path.split_once("/content/images/").map(|(_, rest)| rest),
        Some(path.trim_start_matches('/')),
    ];
    candidates.into_iter().flatten().find_map(|relative| {
        let relative = Path::new(relative);
        let safe = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        let file = dir.join(relative);
        (safe && file.is_file()).then_some(file)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_addresses_find_their_files_and_nothing_outside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("2008/06")).unwrap();
        std::fs::write(dir.path().join("2008/06/boat.jpg"), b"x").unwrap();
        let found = |url| in_uploads(dir.path(), url);
        let expected = Some(dir.path().join("2008/06/boat.jpg"));
        assert_eq!(
            found("https://old.example/wp-content/uploads/2008/06/boat.jpg"),
            expected
        );
        assert_eq!(
            found("https://example.files.wordpress.com/2008/06/boat.jpg"),
            expected
        );
        assert_eq!(
            found("https://old.example/blog/files/2008/06/boat.jpg"),
            expected
        );
        assert_eq!(found("/content/images/2008/06/boat.jpg"), expected);
        assert_eq!(
            found("https://old.example/wp-content/uploads/2008/06/other.jpg"),
            None
        );
        assert_eq!(
            found("https://old.example/wp-content/uploads/../../etc/passwd"),
            None
        );
        assert_eq!(
            found("https://old.example/wp-content/uploads/2008/%2e%2e/06/boat.jpg"),
            None
        );
    }
}
