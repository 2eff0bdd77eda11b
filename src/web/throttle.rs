//! Limits on actions a robot could repeat: a client (by network address) or
//! an account (by its address) may act so many times, then must wait.

use std::{
    hash::Hash,
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    time::Duration,
};

use axum::http::HeaderMap;
use governor::{DefaultKeyedRateLimiter, Quota, clock::Clock};

/// Addresses remembered before idle ones are forgotten.
const TRACKED: usize = 10_000;

/// Kept in this process's memory: on several nodes each node counts alone.
pub struct Throttle<K: Hash + Eq + Clone = IpAddr> {
    limiter: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    /// `burst` actions at once, then one more every `period`.
    pub fn new(burst: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(period)
            .expect("a throttle period is not zero")
            .allow_burst(burst);
        Self {
            limiter: DefaultKeyedRateLimiter::keyed(quota),
        }
    }

    /// `n` actions at once, refilled over a minute; `None` for 0 (no limit).
    pub fn per_minute(n: u32) -> Option<Self> {
        (n > 0).then(|| Self::new(n, Duration::from_secs(60) / n))
    }

    /// Counts an action by `client`; `Err` says how long it must wait.
    pub fn check(&self, client: K) -> Result<(), Duration> {
        if self.limiter.len() > TRACKED {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::DefaultClock::default().now())
        })
    }
}

/// The 429 answer to a throttled client: `text` is told how long to wait
/// (`{wait}` in it becomes "12 seconds", "3 minutes"), and `Retry-After`
/// says the same to a program.
pub fn refusal(wait: Duration, title: &'static str, text: &str) -> axum::response::Response {
    use axum::{
        http::{HeaderValue, StatusCode, header},
        response::IntoResponse,
    };
    let seconds = wait.as_secs().max(1);
    let wait_words = match seconds {
        1 => "a second".to_owned(),
        s if s < 90 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    };
    let mut response = crate::web::AppError::refused(
        StatusCode::TOO_MANY_REQUESTS,
        title,
        text.replace("{wait}", &wait_words),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The reader's address: from `header` when a trusted proxy sets it (the
/// first address in the list), else the connection's.
pub fn client_address(headers: &HeaderMap, header: Option<&str>, peer: SocketAddr) -> IpAddr {
    header
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|first| first.trim().parse().ok())
        .unwrap_or(peer.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_the_client_waits() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let reader: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(throttle.check(reader).is_ok());
        assert!(throttle.check(reader).is_ok());
        let wait = throttle.check(reader).unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
        assert!(throttle.check(other).is_ok(), "limits are per address");
    }

    #[test]
    fn the_proxy_header_names_the_reader() {
        let peer: SocketAddr = "10.0.0.1:4000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.1".parse().unwrap());
        let from_header = client_address(&headers, Some("x-forwarded-for"), peer);
        assert_eq!(from_header, "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(client_address(&headers, None, peer), peer.ip());
        headers.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(
            client_address(&headers, Some("x-forwarded-for"), peer),
            peer.ip()
        );
    }
}
