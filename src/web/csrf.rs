//! Cross-site request forgery: a state-changing request must come from a
//! page of this site.
//!
//! Browsers say where a request comes from: `Sec-Fetch-Site` in every
//! current browser, `Origin` on every cross-origin POST in older ones. A
//! request carrying neither did not come from a browser page, so it cannot
//! be a forgery riding on a reader's cookies (the approach of Go's
//! `http.CrossOriginProtection`). This covers forms on cached pages, which
//! cannot carry a per-visitor token; forms behind a sign-in also carry a
//! token bound to the session.

use axum::http::{HeaderMap, Method, StatusCode, header};

use crate::web::AppError;

/// The refusal for an unsafe request (anything but GET, HEAD, OPTIONS) that
/// a browser says came from another site; `None` lets it through.
pub fn refusal(method: &Method, headers: &HeaderMap, base_url: &str) -> Option<AppError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || is_same_site(headers, base_url)
    {
        return None;
    }
    Some(AppError::refused(
        StatusCode::FORBIDDEN,
        "Request refused",
        "This form was sent from another site. Please use the form on our own page.",
    ))
}

fn is_same_site(headers: &HeaderMap, base_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let origin = origin.as_bytes();
    // The configured address, or the address the request was sent to (a
    // test server, or a site reached by more than one name).
    let host = headers.get(header::HOST).map(|h| h.as_bytes());
    origin == base_url.trim_end_matches('/').as_bytes()
        || host.is_some_and(|host| {
            [b"http://".as_slice(), b"https://"]
                .iter()
                .any(|scheme| origin.strip_prefix(*scheme) == Some(host))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    const BASE: &str = "https://news.example";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            BASE
        ));
        assert!(is_same_site(&headers(&[("sec-fetch-site", "none")]), BASE));
        assert!(!is_same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            BASE
        ));
        assert!(!is_same_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            BASE
        ));
        assert!(!is_same_site(
            &headers(&[("sec-fetch-site", "cross-site"), ("origin", BASE)]),
            BASE
        ));
    }

    #[test]
    fn origin_must_be_this_site() {
        assert!(is_same_site(&headers(&[("origin", BASE)]), BASE));
        assert!(is_same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            BASE
        ));
        assert!(!is_same_site(
            &headers(&[("origin", "https://evil.example")]),
            BASE
        ));
        assert!(!is_same_site(
            &headers(&[("origin", "https://evil.example"), ("host", "news.example")]),
            BASE
        ));
        assert!(!is_same_site(&headers(&[("origin", "null")]), BASE));
    }

    #[test]
    fn requests_not_from_a_browser_page_pass() {
        assert!(is_same_site(&HeaderMap::new(), BASE));
    }
}
