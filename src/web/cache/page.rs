//! A rendered page as the cache keeps it: its bytes in every encoding we
//! serve, made once, with the validators that let clients revalidate.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use bytes::Bytes;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::keys::{DepKey, surrogate_keys};
use crate::encoding::{Effort, Encoding, brotli, gzip, hex};

/// What a handler produces for the cache: a page and what it depends on.
pub struct Rendered {
    pub status: StatusCode,
    pub html: String,
    /// `text/html` for pages; feeds say what they are.
    pub content_type: &'static str,
    /// Set for redirects.
    pub location: Option<String>,
    pub keys: Vec<DepKey>,
    /// How many versions of the page there are (a front with headline
    /// tests has one per mix of headlines; see `reader::headlines`).
    pub variants: u8,
}

impl Rendered {
    pub fn page(html: String, keys: Vec<DepKey>) -> Self {
        Self {
            status: StatusCode::OK,
            html,
            content_type: HTML,
            location: None,
            keys,
            variants: 1,
        }
    }

    /// The same page, one of `variants` versions of it.
    pub fn in_variants(self, variants: u8) -> Self {
        Self { variants, ..self }
    }

    /// A document that is not HTML (a feed), with its media type.
    pub fn document(body: String, content_type: &'static str, keys: Vec<DepKey>) -> Self {
        Self {
            content_type,
            ..Self::page(body, keys)
        }
    }

    pub fn moved_permanently(location: String, keys: Vec<DepKey>) -> Self {
        Self {
            status: StatusCode::MOVED_PERMANENTLY,
            html: String::new(),
            content_type: HTML,
            location: Some(location),
            keys,
            variants: 1,
        }
    }
}

const HTML: &str = "text/html; charset=utf-8";

pub struct CachedPage {
    status: StatusCode,
    content_type: &'static str,
    location: Option<String>,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    etag: HeaderValue,
    last_modified: HeaderValue,
    surrogate_keys: HeaderValue,
    /// The same keys comma-separated, as Cloudflare reads them, when it is
    /// the CDN in front.
    cache_tags: Option<HeaderValue>,
    pub keys: Vec<DepKey>,
    /// Versions of the page ([`Rendered::variants`]); this is the first,
    /// the others are kept under their own keys.
    pub variants: u8,
    /// The change-log position the page's own data was read at.
    pub seq: i64,
    /// The oldest position of the site-wide data (navigation, footer) it shows.
    pub site_seq: i64,
}

/// Where in the change log a render's data comes from.
#[derive(Debug, Clone, Copy)]
pub struct Seqs {
    pub data: i64,
    pub site: i64,
}

impl CachedPage {
    /// Builds the page with the encodings `wanted`: all of them, compressed
    /// hard, for a page that will be cached; only the one asked for,
    /// compressed fast, for a page made for one response.
    pub fn new(
        rendered: Rendered,
        seqs: Seqs,
        at: Timestamp,
        wanted: &[Encoding],
        cache_tags: bool,
    ) -> Self {
        let effort = if wanted.len() > 1 {
            Effort::Best
        } else {
            Effort::Fast
        };
        let identity = Bytes::from(rendered.html);
        let digest = Sha256::digest(&identity);
        let etag = format!("\"{}\"", hex(&digest[..12]));
        let compress = |enc| wanted.contains(&enc) && !identity.is_empty();
        let keys = surrogate_keys(&rendered.keys);
        let cache_tags = cache_tags.then(|| {
            HeaderValue::from_str(&keys.replace(' ', ",")).expect("dependency keys are ASCII")
        });
        Self {
            status: rendered.status,
            content_type: rendered.content_type,
            location: rendered.location,
            gzip: compress(Encoding::Gzip).then(|| gzip(&identity, effort)),
            brotli: compress(Encoding::Brotli).then(|| brotli(&identity, effort)),
            identity,
            etag: HeaderValue::from_str(&etag).expect("hex digits are a valid header value"),
            last_modified: HeaderValue::from_str(&http_date(at))
                .expect("an HTTP date is a valid header value"),
            surrogate_keys: HeaderValue::from_str(&keys).expect("dependency keys are ASCII"),
            cache_tags,
            keys: rendered.keys,
            variants: rendered.variants,
            seq: seqs.data,
            site_seq: seqs.site,
        }
    }

    /// Bytes held, for the cache's size bound.
    pub fn weight(&self) -> u32 {
        let len = |b: &Option<Bytes>| b.as_ref().map_or(0, Bytes::len);
        (self.identity.len() + len(&self.gzip) + len(&self.brotli) + 256)
            .try_into()
            .unwrap_or(u32::MAX)
    }

    /// The response for a request with these headers: 304 when the client's
    /// copy is current, else the body in the best encoding both sides have.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let not_modified = match request.get(header::IF_NONE_MATCH) {
            Some(tags) => tags.to_str().is_ok_and(|tags| {
                let ours = self.etag.to_str().unwrap_or_default();
                tags.split(',')
                    .map(|t| t.trim().trim_start_matches("W/"))
                    .any(|t| t == ours || t == "*")
            }),
            None => request
                .get(header::IF_MODIFIED_SINCE)
                .is_some_and(|since| since == self.last_modified),
        };
        let (status, body, encoding) = if not_modified {
            (StatusCode::NOT_MODIFIED, Bytes::new(), None)
        } else {
            match (Encoding::negotiate(request), &self.brotli, &self.gzip) {
                (Encoding::Brotli, Some(br), _) => (self.status, br.clone(), Some("br")),
                (Encoding::Brotli | Encoding::Gzip, _, Some(gz)) => {
                    (self.status, gz.clone(), Some("gzip"))
                }
                _ => (self.status, self.identity.clone(), None),
            }
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        // Room for ours, the site policy's and the server's own headers, so
        // that the map is never regrown while they are added.
        *response.headers_mut() = HeaderMap::with_capacity(16);
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::LAST_MODIFIED, self.last_modified.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(
                "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400",
            ),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.insert("surrogate-key", self.surrogate_keys.clone());
        if let Some(tags) = &self.cache_tags {
            headers.insert("cache-tag", tags.clone());
        }
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        if let Some(location) = self
            .location
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            headers.insert(header::LOCATION, location);
        }
        response
    }
}

/// An IMF-fixdate, as HTTP wants it: "Sun, 29 Nov 2026 02:59:14 GMT".
pub fn http_date(at: Timestamp) -> String {
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&at)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::from_str(v).unwrap()))
            .collect()
    }

    fn page() -> CachedPage {
        let html = "<p>hello</p>".repeat(200);
        let all = [Encoding::Identity, Encoding::Gzip, Encoding::Brotli];
        let seqs = Seqs { data: 1, site: 1 };
        CachedPage::new(
            Rendered::page(html, vec![DepKey::Home]),
            seqs,
            Timestamp::UNIX_EPOCH,
            &all,
            true,
        )
    }

    #[test]
    fn cloudflare_reads_the_keys_as_cache_tags() {
        let p = page().respond(&HeaderMap::new());
        assert_eq!(p.headers()["surrogate-key"], "site home");
        assert_eq!(p.headers()["cache-tag"], "site,home");
    }

    #[test]
    fn clients_get_the_best_encoding_they_accept() {
        let p = page();
        let br = p.respond(&headers(&[(header::ACCEPT_ENCODING, "gzip, deflate, br")]));
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        let gz = p.respond(&headers(&[(header::ACCEPT_ENCODING, "gzip;q=1.0, br;q=0")]));
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        let plain = p.respond(&HeaderMap::new());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::VARY], "Accept-Encoding");
    }

    #[test]
    fn a_current_copy_is_answered_with_not_modified() {
        let p = page();
        let etag = p.respond(&HeaderMap::new()).headers()[header::ETAG]
            .to_str()
            .unwrap()
            .to_owned();
        let again = p.respond(&headers(&[(header::IF_NONE_MATCH, &etag)]));
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let other = p.respond(&headers(&[(header::IF_NONE_MATCH, "\"other\"")]));
        assert_eq!(other.status(), StatusCode::OK);
        let since = p.respond(&headers(&[(
            header::IF_MODIFIED_SINCE,
            "Thu, 01 Jan 1970 00:00:00 GMT",
        )]));
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn compressed_bodies_are_smaller_and_made_once() {
        let p = page();
        assert!(p.gzip.as_ref().unwrap().len() < p.identity.len() / 5);
        assert!(p.brotli.as_ref().unwrap().len() < p.identity.len() / 5);
    }
}
