//! The sections an operator sets for running the site rather than for
//! what readers see: logs and metrics.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` for people at a terminal, `json` for one JSON object per
    /// line (a log shipper's input). `DATELINE_LOG` still picks what is
    /// logged, e.g. `DATELINE_LOG=dateline=debug`.
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Whether `/metrics` answers at all.
    pub enabled: bool,
    /// The networks (CIDR blocks) whose direct connections may read
    /// `/metrics`. A request that came through a proxy (it carries a
    /// forwarding header) is refused whatever its address: behind a proxy
    /// on the same machine every reader connects from loopback.
    pub allow: Vec<ipnet::IpNet>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            allow: vec![
                "127.0.0.0/8".parse().expect("a CIDR block"),
                "::1/128".parse().expect("a CIDR block"),
            ],
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// How often a node makes a backup by itself, as `24h` or `6h 30m`;
    /// unset: never (make them with `dateline backup`). However many
    /// nodes run, each period's backup is made once.
    pub every: Option<String>,
    /// How many scheduled backups to keep; older ones are deleted.
    pub keep: u32,
    /// Where scheduled backups are written; relative paths are inside the
    /// data directory. With several nodes, a folder they all reach.
    pub dir: std::path::PathBuf,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self {
            every: None,
            keep: 7,
            dir: "backups".into(),
        }
    }
}

impl BackupConfig {
    /// The period between scheduled backups, if any (checked when the
    /// configuration was loaded).
    pub fn period(&self) -> Option<std::time::Duration> {
        let every: jiff::SignedDuration = self.every.as_deref()?.parse().ok()?;
        std::time::Duration::try_from(every).ok()
    }

    pub(super) fn validate(&self) -> anyhow::Result<()> {
        if let Some(every) = &self.every {
            let period: jiff::SignedDuration = every.parse().map_err(|_| {
                anyhow::anyhow!("backup.every: {every:?} is not a duration such as \"24h\"")
            })?;
            anyhow::ensure!(
                period >= jiff::SignedDuration::from_mins(10),
                "backup.every: at least 10m"
            );
        }
        anyhow::ensure!(self.keep >= 1, "backup.keep: at least 1");
        Ok(())
    }
}

/// The CDN in front, told to drop the pages a change touches.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CdnConfig {
    /// `varnish`, `fastly` or `cloudflare`; unset: no CDN to tell.
    pub provider: Option<CdnProvider>,
    /// Varnish: where `PURGE` requests go (`http://127.0.0.1:6081/`);
    /// Fastly and Cloudflare: their API's address (set only to test or
    /// to go through a proxy).
    pub url: Option<String>,
    /// Fastly: the service's id.
    pub service_id: Option<String>,
    /// Cloudflare: the zone's id.
    pub zone_id: Option<String>,
    /// Fastly: an API token with purge rights; Cloudflare: an API token
    /// with the Cache Purge permission. A secret.
    pub api_token: Option<String>,
    /// Purge requests a node sends per second at most (each carries many
    /// keys).
    pub requests_per_second: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CdnProvider {
    Varnish,
    Fastly,
    Cloudflare,
}

impl Default for CdnConfig {
    fn default() -> Self {
        Self {
            provider: None,
            url: None,
            service_id: None,
            zone_id: None,
            api_token: None,
            requests_per_second: 10,
        }
    }
}

impl CdnConfig {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        let needs = |value: &Option<String>, key: &str| {
            anyhow::ensure!(
                value.as_deref().is_some_and(|v| !v.trim().is_empty()),
                "cdn.{key}: needed for cdn.provider {:?}",
                self.provider
            );
            Ok(())
        };
        match self.provider {
            None => {}
            Some(CdnProvider::Varnish) => needs(&self.url, "url")?,
            Some(CdnProvider::Fastly) => {
                needs(&self.service_id, "service_id")?;
                needs(&self.api_token, "api_token")?;
            }
            Some(CdnProvider::Cloudflare) => {
                needs(&self.zone_id, "zone_id")?;
                needs(&self.api_token, "api_token")?;
            }
        }
        if let Some(url) = &self.url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "cdn.url: {url:?} must start with http:// or https://"
            );
        }
        anyhow::ensure!(
            self.requests_per_second >= 1,
            "cdn.requests_per_second: at least 1"
        );
        Ok(())
    }
}
