//! Embedded posts and videos, recognised by their address. Readers get a
//! placeholder that asks nothing of the provider until they choose to load
//! it; feeds, the API and newsletters get the plain link.

use url::Url;

use crate::Invalid;

/// Where embedded content comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    YouTube,
    Vimeo,
    X,
    Instagram,
    Facebook,
    Spotify,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Self::YouTube => "YouTube",
            Self::Vimeo => "Vimeo",
            Self::X => "X",
            Self::Instagram => "Instagram",
            Self::Facebook => "Facebook",
            Self::Spotify => "Spotify",
        }
    }

    /// A short lowercase name, for classes and tests.
    pub fn key(self) -> &'static str {
        match self {
            Self::YouTube => "youtube",
            Self::Vimeo => "vimeo",
            Self::X => "x",
            Self::Instagram => "instagram",
            Self::Facebook => "facebook",
            Self::Spotify => "spotify",
        }
    }

    /// The origins the players load from (for the reader pages' CSP).
    pub const FRAME_ORIGINS: [&'static str; 6] = [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://platform.twitter.com",
        "https://www.instagram.com",
        "https://www.facebook.com",
        "https://open.spotify.com",
    ];
}

/// An embed: the address the journalist gave, its provider and the
/// player's address that is framed once the reader asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub url: String,
    pub provider: Provider,
    pub player: String,
}

impl Embed {
    /// The embed for `address`, or why it cannot be embedded.
    pub fn recognise(address: &str) -> Result<Self, Invalid> {
        let refuse = |why: String| Invalid::new("body", why);
        let url = Url::parse(address.trim())
            .map_err(|_| refuse(format!("{address:?} is not a web address")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(refuse(format!("{address:?} is not a web address")));
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let host = host.strip_prefix("m.").unwrap_or(host);
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let found = match (host, segments.as_slice()) {
            ("youtube.com", ["watch"]) => query("v")
                .filter(|id| youtube_id(id))
                .map(|id| (Provider::YouTube, youtube(&id))),
            ("youtube.com", ["shorts" | "embed" | "live", id]) | ("youtu.be", [id])
                if youtube_id(id) =>
            {
                Some((Provider::YouTube, youtube(id)))
            }
            ("vimeo.com", [id]) | ("player.vimeo.com", ["video", id]) if digits(id) => Some((
                Provider::Vimeo,
                format!("https://player.vimeo.com/video/{id}?dnt=1"),
            )),
            ("x.com" | "twitter.com" | "mobile.twitter.com", [_, "status", id]) if digits(id) => {
                Some((
                    Provider::X,
                    format!("https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true"),
                ))
            }
            ("instagram.com", [kind @ ("p" | "reel" | "tv"), id]) if token(id) => Some((
                Provider::Instagram,
                format!("https://www.instagram.com/{kind}/{id}/embed/"),
            )),
            ("facebook.com", [.., "posts" | "videos" | "reel", id]) if token(id) => {
                let plugin = if segments.contains(&"posts") {
                    "post"
                } else {
                    "video"
                };
                let href: String = url::form_urlencoded::byte_serialize(
                    format!("https://www.facebook.com{}", url.path()).as_bytes(),
                )
                .collect();
                Some((
                    Provider::Facebook,
                    format!("https://www.facebook.com/plugins/{plugin}.php?href={href}"),
                ))
            }
            (
                "open.spotify.com",
                [
                    kind @ ("track" | "album" | "episode" | "show" | "playlist" | "artist"),
                    id,
                ],
            ) if token(id) => Some((
                Provider::Spotify,
                format!("https://open.spotify.com/embed/{kind}/{id}"),
            )),
            _ => None,
        };
        let (provider, player) = found.ok_or_else(|| {
            refuse(format!(
                "{host:?} cannot be embedded: give the address of a YouTube or Vimeo video, \
                 a post on X, Instagram or Facebook, or a Spotify page"
            ))
        })?;
        Ok(Self {
            url: url.to_string(),
            provider,
            player,
        })
    }
}

fn youtube(id: &str) -> String {
    format!("https://www.youtube-nocookie.com/embed/{id}")
}

fn youtube_id(id: &str) -> bool {
    id.len() == 11 && token(id)
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.len() <= 24 && text.bytes().all(|b| b.is_ascii_digit())
}

fn token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_is_recognised_by_its_addresses() {
        let cases = [
            (
                "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=3",
                Provider::YouTube,
            ),
            ("https://youtu.be/aqz-KE-bpKQ", Provider::YouTube),
            (
                "https://m.youtube.com/shorts/aqz-KE-bpKQ",
                Provider::YouTube,
            ),
            ("https://vimeo.com/76979871", Provider::Vimeo),
            (
                "https://x.com/someone/status/1460323737035677698",
                Provider::X,
            ),
            (
                "https://twitter.com/someone/status/1460323737035677698",
                Provider::X,
            ),
            (
                "https://www.instagram.com/p/CsKkO8Xv7Yd/",
                Provider::Instagram,
            ),
            (
                "https://www.facebook.com/somepage/posts/pfbid02abc",
                Provider::Facebook,
            ),
            (
                "https://www.facebook.com/somepage/videos/123456",
                Provider::Facebook,
            ),
            (
                "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
                Provider::Spotify,
            ),
        ];
        for (address, provider) in cases {
            let embed = Embed::recognise(address).unwrap();
            assert_eq!(embed.provider, provider, "{address}");
            assert!(
                Provider::FRAME_ORIGINS
                    .iter()
                    .any(|origin| embed.player.starts_with(&format!("{origin}/"))),
                "{}",
                embed.player
            );
        }
        assert_eq!(
            Embed::recognise("https://youtu.be/aqz-KE-bpKQ")
                .unwrap()
                .player,
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
        );
    }

    #[test]
    fn other_addresses_are_refused_with_the_reason() {
        for address in [
            "https://evil.example/watch?v=aqz-KE-bpKQ",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/watch?v=aqz-KE-bpK\"",
            "javascript:alert(1)",
            "https://vimeo.com/not-a-number",
            "https://x.com/someone",
            "not an address",
        ] {
            let why = Embed::recognise(address).unwrap_err().reason;
            assert!(
                why.contains("cannot be embedded") || why.contains("not a web address"),
                "{address}: {why}"
            );
        }
    }
}
