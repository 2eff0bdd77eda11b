//! Limits on actions a robot could repeat: a client (by network address) or
//! an account (by its address) may act so many times, then must wait.

use std::{
    hash::Hash,
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    time::Duration,
};

use axum::{http::HeaderMap, response::Response};

use crate::{config::ServerConfig, web::AppState};
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

/// The reader's address. Without `server.client_ip_header`, the
/// connection's. With it, the header counts only on a connection from a
/// trusted proxy (`server.trusted_proxies`; with none listed, the
/// connecting machine is the one proxy trusted), and the reader is the
/// rightmost address in it that is not a trusted proxy: each proxy appends
/// the address it was reached from, so entries left of the proxies' own
/// are whatever the client wrote, and a client rotating a made-up first
/// entry would have escaped every limit.
pub fn client_address(headers: &HeaderMap, server: &ServerConfig, peer: SocketAddr) -> IpAddr {
    let Some(name) = server.client_ip_header.as_deref() else {
        return peer.ip();
    };
    let trusted = |ip: &IpAddr| server.trusted_proxies.iter().any(|net| net.contains(ip));
    if !server.trusted_proxies.is_empty() && !trusted(&peer.ip()) {
        return peer.ip();
    }
    let entries: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut reader = peer.ip();
    for entry in entries.iter().rev() {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            // Not an address (garbage, or a port we do not expect): what
            // lies left of it cannot be trusted either.
            break;
        };
        reader = ip;
        if !trusted(&ip) {
            break;
        }
    }
    reader
}

/// Counts an attempt to sign in or to get a reset link, for the network
/// address and for the account; the 429 answer once either has used its
/// allowance. Counted before any password is checked.
pub fn sign_in_throttled(
    app: &AppState,
    headers: &axum::http::HeaderMap,
    peer: SocketAddr,
    email: &str,
) -> Option<Response> {
    let client = client_address(headers, &app.config.server, peer);
    let account = email.trim().to_lowercase();
    let wait = app
        .sign_in_by_address
        .check(client)
        .and_then(|()| app.sign_in_by_account.check(account))
        .err()?;
    tracing::warn!(%client, "sign-in attempts throttled");
    Some(refusal(
        wait,
        "Too many attempts",
        "Too many sign-in attempts. Please wait {wait} and try again.",
    ))
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

    fn server(header: Option<&str>, trusted: &[&str]) -> ServerConfig {
        ServerConfig {
            client_ip_header: header.map(str::to_owned),
            trusted_proxies: trusted.iter().map(|n| n.parse().unwrap()).collect(),
            ..ServerConfig::default()
        }
    }

    fn forwarded_for(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn the_reader_is_the_rightmost_address_no_trusted_proxy_added() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let peer: SocketAddr = "10.0.0.1:4000".parse().unwrap();
        let xff = server(Some("x-forwarded-for"), &[]);
        // One proxy (the peer): the entry it appended.
        let spoofed = forwarded_for("10.9.0.7, 203.0.113.9");
        assert_eq!(client_address(&spoofed, &xff, peer), ip("203.0.113.9"));
        assert_eq!(
            client_address(&spoofed, &server(None, &[]), peer),
            peer.ip()
        );
        // A CDN and a load balancer, both trusted: past both.
        let chain = server(Some("x-forwarded-for"), &["10.0.0.0/8", "198.51.100.0/24"]);
        let headers = forwarded_for("1.2.3.4, 203.0.113.9, 198.51.100.20");
        assert_eq!(client_address(&headers, &chain, peer), ip("203.0.113.9"));
        // From outside the trusted proxies, the header is the client's own word.
        let outsider: SocketAddr = "192.0.2.50:4000".parse().unwrap();
        assert_eq!(client_address(&headers, &chain, outsider), outsider.ip());
        // Garbage stops the walk; with nothing usable it is the peer.
        assert_eq!(
            client_address(&forwarded_for("garbage"), &xff, peer),
            peer.ip()
        );
        assert_eq!(
            client_address(&forwarded_for("203.0.113.9, junk, 10.0.0.2"), &chain, peer),
            ip("10.0.0.2")
        );
    }
}
