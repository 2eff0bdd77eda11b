//! The HTTP client for addresses that come from outside: polled feeds,
//! the pictures agencies' documents link to, and webhooks. Unless
//! `wire.fetch_private_addresses` is set the client connects to public
//! addresses only: never to loopback, private, link-local, shared or other
//! special-purpose ranges, where it could reach the server's own services
//! or a cloud's metadata endpoint. Names are checked after resolution, so
//! one that resolves inward is refused too; literal addresses are checked
//! before the request and on every redirect.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::Context;
use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
    redirect,
};

/// The most redirects a fetch follows.
const MAX_REDIRECTS: usize = 5;

#[derive(Clone)]
pub struct WireHttp {
    client: reqwest::Client,
    allow_private: bool,
}

impl WireHttp {
    pub fn new(base: reqwest::ClientBuilder, allow_private: bool) -> anyhow::Result<Self> {
        let client = if allow_private {
            base.redirect(redirect::Policy::limited(MAX_REDIRECTS))
        } else {
            // A proxy would resolve names itself, past the resolver.
            base.no_proxy()
                .dns_resolver(PublicOnly)
                .redirect(redirect::Policy::custom(|attempt| {
                    if attempt.previous().len() >= MAX_REDIRECTS {
                        attempt.error("too many redirects")
                    } else if let Err(e) = literal_is_public(attempt.url()) {
                        attempt.error(e)
                    } else {
                        attempt.follow()
                    }
                }))
        };
        Ok(Self {
            client: client
                .build()
                .context("cannot make the wire's HTTP client")?,
            allow_private,
        })
    }

    /// A GET of `url`, refused here if it is not http(s) or names a
    /// non-public address.
    pub fn get(&self, url: &str) -> anyhow::Result<reqwest::RequestBuilder> {
        Ok(self.client.get(self.checked(url)?))
    }

    /// A POST to `url` (a webhook's), refused as [`WireHttp::get`] refuses:
    /// a webhook's address is typed by an admin, but a session stolen from
    /// one must not turn the server into a way into its own network.
    pub fn post(&self, url: &str) -> anyhow::Result<reqwest::RequestBuilder> {
        Ok(self.client.post(self.checked(url)?))
    }

    fn checked(&self, url: &str) -> anyhow::Result<Url> {
        // Errors leave the address out: it may hold credentials.
        let url = Url::parse(url).context("not an address")?;
        anyhow::ensure!(
            matches!(url.scheme(), "http" | "https"),
            "not an http(s) address"
        );
        if !self.allow_private {
            literal_is_public(&url).map_err(anyhow::Error::msg)?;
        }
        Ok(url)
    }
}

/// Refuses a URL whose host is a literal non-public address (a name is
/// checked when it is resolved).
fn literal_is_public(url: &Url) -> Result<(), String> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(format!("{ip} is not a public address"))
    }
}

/// Resolves names with the system's resolver, keeping public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> =
                all.iter().copied().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() && !all.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `ip` is on the public internet: not loopback, private,
/// link-local, shared (CGNAT), documentation, benchmarking, multicast,
/// broadcast, unspecified or reserved. IPv6 addresses carrying an IPv4 one
/// (mapped, translated, NAT64, 6to4) are judged by it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match embedded_v4(ip) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// The IPv4 address an IPv6 one stands for: IPv4-mapped (`::ffff:a.b.c.d`),
/// IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`, what
/// DNS64 answers on an IPv6-only network) and 6to4 (`2002:AABB:CCDD::`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => Some(low()),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low()),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local, deprecated
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x64 && s[1] == 0xff9b) // local-use NAT64 (64:ff9b:1::/48)
        || s[..6] == [0; 6]) // IPv4-compatible, deprecated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for inward in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:0:7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::808:808",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            "fec0::1",
        ] {
            assert!(!is_public(inward.parse().unwrap()), "{inward}");
        }
        for outward in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(outward.parse().unwrap()), "{outward}");
        }
    }

    #[tokio::test]
    async fn inward_addresses_are_refused_by_literal_and_by_name() {
        crate::install_tls_provider();
        let http = WireHttp::new(reqwest::Client::builder(), false).unwrap();
        for url in [
            "http://127.0.0.1:9/feed.xml",
            "http://[::1]:9/",
            "http://169.254.169.254/",
        ] {
            let refused = http.get(url).unwrap_err().to_string();
            assert!(refused.contains("not a public address"), "{url}: {refused}");
        }
        assert!(http.get("file:///etc/passwd").is_err());
        // `localhost` resolves to loopback: refused at connection.
        let response = http.get("http://localhost:9/").unwrap().send().await;
        let e = anyhow::Error::from(response.unwrap_err());
        assert!(format!("{e:#}").contains("no public address"), "{e:#}");
        // Allowed, the same address is asked (and refused by nobody there).
        let open = WireHttp::new(reqwest::Client::builder(), true).unwrap();
        assert!(open.get("http://127.0.0.1:9/").is_ok());
    }
}
