//! The theme's static files, prepared once at start: each under its own
//! name and under a name with a hash of its bytes (`site.3f2a9c1b0e.css`),
//! text files compressed ahead with gzip and brotli at their best. Pages
//! link the hashed names (the `asset()` template function), which never
//! change, so browsers and CDNs keep them for a year without asking; a new
//! stylesheet is a new name. The plain names stay for links from outside
//! (an old page in a cache, a feed reader's icon).

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::encoding::{Encoding, compress_best};

/// Hex digits of the content hash in a hashed name: enough that two
/// versions of a file never share one.
const HASH_CHARS: usize = 10;

pub struct Asset {
    identity: Bytes,
    /// Made ahead for text; `None` for what is compressed already (PNG).
    compressed: Option<(Bytes, Bytes)>,
    mime: &'static str,
    /// Served under its hashed name: cached for a year, never asked again.
    immutable: bool,
    etag: HeaderValue,
}

#[derive(Default)]
pub struct StaticAssets {
    /// By the path after `/static/`, plain and hashed names alike.
    files: HashMap<String, Arc<Asset>>,
    /// Plain name → hashed name, for the templates.
    hashed: HashMap<String, String>,
}

impl StaticAssets {
    /// Every static file of the theme: `names` of the embedded default
    /// theme, each read through `read` (which prefers the data directory's
    /// theme folder), plus files only that folder has.
    pub fn load(
        names: impl IntoIterator<Item = String>,
        theme_dir: Option<&PathBuf>,
        read: impl Fn(&str) -> Option<Vec<u8>>,
    ) -> Self {
        let mut names: Vec<String> = names.into_iter().collect();
        if let Some(dir) = theme_dir {
            files_below(&dir.join("static"), "", &mut names);
        }
        names.sort();
        names.dedup();
        let mut assets = Self::default();
        for name in names {
            if let Some(bytes) = read(&name) {
                assets.add(name, bytes);
            }
        }
        assets
    }

    fn add(&mut self, name: String, bytes: Vec<u8>) {
        let hash = hex(&Sha256::digest(&bytes))[..HASH_CHARS].to_owned();
        let (folder, file) = name
            .rsplit_once('/')
            .map_or(("", name.as_str()), |(d, f)| (d, f));
        let folder = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let hashed = match file.rsplit_once('.') {
            Some((stem, ext)) => format!("{folder}{stem}.{hash}.{ext}"),
            None => format!("{folder}{file}.{hash}"),
        };
        let mime = mime_of(&name);
        let text = mime.starts_with("text/") || mime == "image/svg+xml";
        let compressed = text.then(|| compress_best(&bytes));
        let etag = HeaderValue::from_str(&format!("\"{hash}\"")).expect("hex is header text");
        let asset = |immutable| Asset {
            identity: Bytes::from(bytes.clone()),
            compressed: compressed.clone(),
            mime,
            immutable,
            etag: etag.clone(),
        };
        self.files.insert(name.clone(), Arc::new(asset(false)));
        self.files.insert(hashed.clone(), Arc::new(asset(true)));
        self.hashed.insert(name, hashed);
    }

    /// The address pages link `name` by: its hashed name, or the plain one
    /// for a file the theme does not have.
    pub fn url(&self, name: &str) -> String {
        format!(
            "/static/{}",
            self.hashed.get(name).map_or(name, String::as_str)
        )
    }

    /// The answer to `GET /static/{path}`: the best encoding the client
    /// accepts, 304 for a current copy; `None` for no such file.
    pub fn respond(&self, path: &str, request: &HeaderMap) -> Option<Response> {
        let asset = self.files.get(path)?;
        let cache_control = if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=3600"
        };
        let current = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim().as_bytes() == asset.etag.as_bytes())
            });
        let (body, encoding) = match (&asset.compressed, Encoding::negotiate(request)) {
            (Some((_, br)), Encoding::Brotli) => (br.clone(), Some("br")),
            (Some((gz, _)), Encoding::Gzip) => (gz.clone(), Some("gzip")),
            _ => (asset.identity.clone(), None),
        };
        let mut response = if current {
            axum::http::StatusCode::NOT_MODIFIED.into_response()
        } else {
            body.into_response()
        };
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.mime));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        headers.insert(header::ETAG, asset.etag.clone());
        if asset.compressed.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        if let (Some(encoding), false) = (encoding, current) {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        Some(response)
    }
}

fn mime_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("json" | "webmanifest") => "application/json",
        _ => "application/octet-stream",
    }
}

fn hex(bytes: &[u8]) -> String {
    crate::encoding::hex(bytes)
}

/// How deep a theme's `static/` folders are followed (`fonts/`, `img/`).
const MAX_FOLDER_DEPTH: usize = 4;

/// The files below `dir`, named by their path from the theme's `static/`
/// (`prefix` is the folders walked so far); hidden ones and links are
/// left out, as [`super`] would refuse to read them.
fn files_below(dir: &std::path::Path, prefix: &str, names: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let (Ok(kind), Ok(name)) = (entry.file_type(), entry.file_name().into_string()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}{name}");
        if kind.is_file() {
            names.push(path);
        } else if kind.is_dir() && prefix.matches('/').count() < MAX_FOLDER_DEPTH {
            files_below(&entry.path(), &format!("{path}/"), names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets() -> StaticAssets {
        let mut assets = StaticAssets::default();
        assets.add("site.css".into(), b"body { color: #222; }\n".repeat(50));
        assets
    }

    #[test]
    fn a_hashed_name_is_immutable_and_sent_compressed() {
        let assets = assets();
        let url = assets.url("site.css");
        assert!(
            url.starts_with("/static/site.") && url.ends_with(".css"),
            "{url}"
        );
        let mut accept = HeaderMap::new();
        accept.insert(header::ACCEPT_ENCODING, "gzip, br".parse().unwrap());
        let hashed = assets.respond(&url["/static/".len()..], &accept).unwrap();
        assert_eq!(hashed.headers()[header::CONTENT_ENCODING], "br");
        assert!(
            hashed.headers()[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let plain = assets.respond("site.css", &HeaderMap::new()).unwrap();
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            plain.headers()[header::CACHE_CONTROL],
            "public, max-age=3600"
        );
        assert_eq!(assets.url("missing.css"), "/static/missing.css");
        assert!(assets.respond("missing.css", &HeaderMap::new()).is_none());
    }

    #[test]
    fn a_site_themes_files_in_folders_are_served_and_hashed_in_place() {
        let theme = tempfile::tempdir().unwrap();
        let fonts = theme.path().join("static/fonts");
        std::fs::create_dir_all(&fonts).unwrap();
        std::fs::write(fonts.join("serif.v2.woff2"), b"wOF2").unwrap();
        std::fs::write(theme.path().join("static/.hidden"), b"x").unwrap();
        let dir = theme.path().to_path_buf();
        let assets = StaticAssets::load(Vec::new(), Some(&dir), |name| {
            std::fs::read(dir.join("static").join(name)).ok()
        });
        let url = assets.url("fonts/serif.v2.woff2");
        assert!(
            url.starts_with("/static/fonts/serif.v2.") && url.ends_with(".woff2"),
            "{url}"
        );
        for path in ["fonts/serif.v2.woff2", &url["/static/".len()..]] {
            assert!(assets.respond(path, &HeaderMap::new()).is_some(), "{path}");
        }
        assert!(assets.respond(".hidden", &HeaderMap::new()).is_none());
    }
}
