//! Request ids: every request has one, sent back in `x-request-id`, carried
//! by the request's span (and so by every log line written while it is
//! served) and shown on the error page, so that a reader's report of a
//! failed page leads to its log lines. An id a proxy or CDN already gave
//! the request is kept, so its logs and ours name the same request.

use std::sync::{
    LazyLock,
    atomic::{AtomicU64, Ordering},
};

use axum::http::{HeaderMap, HeaderName, HeaderValue};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// The longest id taken from a request.
const MAX_LEN: usize = 64;

tokio::task_local! {
    static CURRENT: RequestId;
}

#[derive(Debug, Clone)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The request's own id if it brought a usable one, else a new one:
    /// this process's random prefix and a counter, unique across nodes
    /// without asking the system for randomness per request.
    pub fn for_request(headers: &HeaderMap) -> Self {
        headers
            .get(&HEADER)
            .filter(|value| usable(value.as_bytes()))
            .map_or_else(Self::new, |value| Self(value.clone()))
    }

    fn new() -> Self {
        static PREFIX: LazyLock<u32> = LazyLock::new(|| {
            let mut bytes = [0; 4];
            getrandom::fill(&mut bytes).expect("the system's random numbers");
            u32::from_ne_bytes(bytes)
        });
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = format!("{:08x}-{n:x}", *PREFIX);
        Self(HeaderValue::from_str(&id).expect("hex digits are a header value"))
    }

    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }

    pub fn header_value(&self) -> HeaderValue {
        self.0.clone()
    }

    /// Runs `future` with this as the current request's id.
    pub fn scope<F: Future>(self, future: F) -> tokio::task::futures::TaskLocalFuture<Self, F> {
        CURRENT.scope(self, future)
    }

    /// The id of the request being served, if any.
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Letters, digits and `-_.:` only, at most [`MAX_LEN`]: safe in a log
/// line and on a page.
fn usable(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_id_is_kept_when_it_is_plain_and_short() {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_static("cdn-7f3a.42"));
        assert_eq!(RequestId::for_request(&headers).as_str(), "cdn-7f3a.42");
        for odd in ["", "a b", "<script>", &"x".repeat(65)] {
            headers.insert(HEADER, HeaderValue::from_str(odd).unwrap());
            let id = RequestId::for_request(&headers);
            assert_ne!(id.as_str(), odd);
            assert!(usable(id.as_str().as_bytes()));
        }
    }

    #[test]
    fn new_ids_differ() {
        let (a, b) = (RequestId::new(), RequestId::new());
        assert_ne!(a.as_str(), b.as_str());
    }
}
