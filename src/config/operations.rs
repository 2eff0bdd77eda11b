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
