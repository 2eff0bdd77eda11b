//! Configuration: defaults, then `dateline.toml` in the data directory, then
//! `DATELINE_*` environment variables (`__` between levels, e.g.
//! `DATELINE_SITE__TIME_ZONE`), then command-line flags. Loaded once in
//! `main` and passed down.

mod file;
mod operations;

use std::{net::SocketAddr, path::Path};

use anyhow::{Context, bail};
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
pub use operations::{BackupConfig, CdnConfig, CdnProvider, LogConfig, LogFormat, MetricsConfig};
use serde::{Deserialize, Serialize};

/// The configuration file's name inside the data directory.
pub const FILE_NAME: &str = "dateline.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub site: SiteConfig,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub cache: CacheConfig,
    pub mail: MailConfig,
    pub media: MediaConfig,
    pub feeds: FeedsConfig,
    pub newsletters: NewslettersConfig,
    pub api: ApiConfig,
    pub wire: WireConfig,
    pub log: LogConfig,
    pub metrics: MetricsConfig,
    pub backup: BackupConfig,
    pub cdn: CdnConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WireConfig {
    /// Folders this node watches for agency files, by source slug
    /// (`watch = { dws = "/srv/wire/dws" }`): a file is taken once it has
    /// stopped changing, then moved to `done/` or, with a `.reason` file
    /// beside it, to `failed/`.
    pub watch: std::collections::BTreeMap<String, std::path::PathBuf>,
    /// How often the folders are looked at and due feeds claimed (see
    /// `wire::poll`), in milliseconds.
    pub scan_millis: u64,
    /// Whether feeds and agencies' pictures may be fetched from loopback,
    /// private and other non-public addresses (an agency's server on your
    /// own network, or tests). Off: such addresses are refused.
    pub fetch_private_addresses: bool,
}

impl Default for WireConfig {
    fn default() -> Self {
        Self {
            watch: Default::default(),
            scan_millis: 5000,
            fetch_private_addresses: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    pub name: String,
    /// The public address of the site, used for canonical links. Empty
    /// means `http://` and the listen address.
    pub base_url: String,
    /// An IANA time zone name; every time a reader sees is shown in it.
    pub time_zone: String,
    /// A BCP 47 language tag for `<html lang>` and articles without their own.
    pub language: String,
}

impl SiteConfig {
    /// The base URL without a trailing slash, for joining with paths.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// The site's time zone (checked when the configuration was loaded;
    /// UTC for one that was not).
    pub fn zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            name: "Dateline".into(),
            base_url: String::new(),
            time_zone: "UTC".into(),
            language: "en".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The request header a trusted proxy or CDN puts the reader's address
    /// in (`x-forwarded-for`, `cf-connecting-ip`, …), for per-reader limits.
    /// Unset means the connecting address, which is right without a proxy.
    pub client_ip_header: Option<String>,
    /// The proxies (CIDR blocks) whose connections may name the reader in
    /// `client_ip_header`, and whose own entries in it are skipped: the
    /// reader is the rightmost address that is not one of them. Empty means
    /// the connecting machine is the one proxy.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Logs every request at `info` (method, route, path, status, time
    /// and request id), not only at `debug`.
    pub access_log: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            client_ip_header: None,
            trusted_proxies: Vec::new(),
            access_log: false,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://…` or `sqlite://PATH`; unset means `dateline.db` in the data directory.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Origins whose pages may read the API from a browser; `*` means any
    /// (the content API is public).
    pub cors_origins: Vec<String>,
    /// Requests one network address may make to the API per minute (and at
    /// once); 0 means no limit.
    pub requests_per_minute: u32,
    /// Requests one access token may make to the admin API per minute (and
    /// at once), wherever they come from; 0 means no limit.
    pub token_requests_per_minute: u32,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            cors_origins: vec!["*".to_owned()],
            requests_per_minute: 1200,
            token_requests_per_minute: 600,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// Memory for rendered pages (all encodings), in bytes; 0 turns the page cache off.
    pub max_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// `smtp://host:25` (unencrypted), `smtp://host:587?tls=required`
    /// (STARTTLS), `smtps://host:465` (TLS); user and password in the URL,
    /// percent-encoded (see `mailer::smtp`). Unset: no mail is sent, and
    /// features that need it say so.
    pub smtp_url: Option<String>,
    /// The sender of every message, `Name <address>`.
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Dateline <newsroom@localhost>".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaConfig {
    /// The largest file an upload may be, in bytes.
    pub max_upload_bytes: u64,
    /// The largest export `/admin/import` takes, in bytes; a larger one
    /// goes through `dateline import` on the server.
    pub max_import_bytes: u64,
    /// The most pixels an uploaded picture may have, in millions; checked
    /// from the file's header before anything is decoded.
    pub max_megapixels: u64,
    /// Keep pictures in this S3 bucket (shared by every node) instead of
    /// the data directory.
    pub s3_bucket: Option<String>,
    /// An S3-compatible service's address (MinIO, Ceph, R2, …); unset: AWS.
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    /// Unset: the usual AWS sources (environment, instance role).
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            max_upload_bytes: 32 << 20,
            max_import_bytes: 1 << 30,
            max_megapixels: 50,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// A WebSub hub (`https://pubsubhubbub.appspot.com/`, a Superfeedr or
    /// your own): feeds name it, and it is told when they change, so that
    /// subscribers hear of a story in seconds instead of at their next poll.
    pub websub_hub: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewslettersConfig {
    /// The sign-up box's heading on every reader page.
    pub signup_heading: String,
    /// The line under it.
    pub signup_text: String,
    /// The most newsletter messages this node sends per second; 0: as fast
    /// as the SMTP server takes them.
    pub messages_per_second: u32,
    /// SMTP connections this node keeps open while it sends an issue.
    pub connections: u32,
    /// The address of `List-Unsubscribe`'s mailto choice (requests to it
    /// name the subscriber's token in the subject); unset: the sender's.
    pub unsubscribe_mailto: Option<String>,
    /// Whether this node makes digests at their times. Each is made once
    /// however many nodes do; off, a node leaves them to the others.
    pub schedule_digests: bool,
}

impl Default for NewslettersConfig {
    fn default() -> Self {
        Self {
            signup_heading: "Get News in your Inbox".into(),
            signup_text: "The day's top stories every morning, and breaking news as it happens."
                .into(),
            messages_per_second: 0,
            connections: 4,
            unsubscribe_mailto: None,
            schedule_digests: true,
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            max_bytes: 64 << 20,
        }
    }
}

impl Config {
    /// Loads the configuration for the data directory `data_dir`.
    pub fn load(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(FILE_NAME);
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(text) = file::read_checked(&path)? {
            figment = figment.merge(Toml::string(&text));
        }
        // Only nested keys are configuration; other DATELINE_ variables
        // (DATELINE_DATA, test switches) are not.
        warn_about_unknown_variables();
        let env = Env::prefixed("DATELINE_")
            .filter(|key| key.as_str().contains("__"))
            .split("__");
        let config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| anyhow::anyhow!("{}", one_line(&e.to_string())))
            .with_context(|| format!("{}", path.display()))?;
        config
            .validate()
            .with_context(|| format!("{}", path.display()))?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        jiff::tz::TimeZone::get(&self.site.time_zone).map_err(|_| {
            anyhow::anyhow!(
                "site.time_zone: {:?} is not a known IANA time zone",
                self.site.time_zone
            )
        })?;
        let base = &self.site.base_url;
        if !(base.is_empty()
            || base.starts_with("http://")
            || self.site.base_url.starts_with("https://"))
        {
            bail!(
                "site.base_url: {:?} must start with http:// or https://",
                self.site.base_url
            );
        }
        if self.site.name.trim().is_empty() {
            bail!("site.name: must not be empty");
        }
        if !(1..=1000).contains(&self.media.max_megapixels) {
            bail!("media.max_megapixels: must be from 1 to 1000");
        }
        if !(1..=64).contains(&self.newsletters.connections) {
            bail!("newsletters.connections: must be from 1 to 64");
        }
        if self.wire.scan_millis == 0 {
            bail!("wire.scan_millis: must be more than 0");
        }
        if self.media.max_upload_bytes == 0 {
            bail!("media.max_upload_bytes: must be more than 0");
        }
        if self.media.max_import_bytes == 0 {
            bail!("media.max_import_bytes: must be more than 0");
        }
        if let Some(hub) = &self.feeds.websub_hub
            && !(hub.starts_with("http://") || hub.starts_with("https://"))
        {
            bail!("feeds.websub_hub: {hub:?} must start with http:// or https://");
        }
        self.backup.validate()?;
        self.cdn.validate()?;
        if self.site.language.trim().is_empty() {
            bail!("site.language: must not be empty");
        }
        Ok(())
    }

    /// Applies a `--listen` flag, then derives the base URL from the listen
    /// address if none is configured.
    pub fn apply_listen(&mut self, listen: Option<SocketAddr>) {
        if let Some(listen) = listen {
            self.server.listen = listen;
        }
        if self.site.base_url.is_empty() {
            self.site.base_url = format!("http://{}", self.server.listen);
        }
    }

    /// The configuration as TOML with every [`SECRET_KEYS`] value hidden
    /// (an address keeps its host): for `dateline config check`.
    pub fn to_redacted_toml(&self) -> String {
        let Ok(mut table) = toml::Table::try_from(self) else {
            return String::new();
        };
        for (section, key) in SECRET_KEYS {
            if let Some(toml::Value::Table(section)) = table.get_mut(section)
                && let Some(toml::Value::String(value)) = section.get_mut(key)
            {
                *value = if value.contains("://") {
                    dateline_store::redact(value)
                } else {
                    "(hidden)".into()
                };
            }
        }
        toml::to_string_pretty(&table).unwrap_or_default()
    }
}

/// Configuration keys that hold secrets, by section: hidden by
/// `dateline config check`, left out of backups.
pub const SECRET_KEYS: [(&str, &str); 5] = [
    ("database", "url"),
    ("mail", "smtp_url"),
    ("media", "s3_access_key_id"),
    ("media", "s3_secret_access_key"),
    ("cdn", "api_token"),
];

/// `DATELINE_*` variables that are not configuration keys but are read elsewhere.
const OTHER_VARIABLES: &[&str] = &["DATA", "LOG", "TOOLS"];

/// A misspelt variable would otherwise be silently ignored. Test switches
/// (`DATELINE_TEST_*`, `DATELINE_REQUIRE_*`) are not the server's business.
fn warn_about_unknown_variables() {
    for (name, _) in std::env::vars_os() {
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("DATELINE_")) else {
            continue;
        };
        let known = rest.contains("__")
            || OTHER_VARIABLES.contains(&rest)
            || rest.starts_with("TEST_")
            || rest.starts_with("REQUIRE_");
        if !known {
            tracing::warn!(variable = %format!("DATELINE_{rest}"), "unknown variable ignored; configuration keys use __ between levels, e.g. DATELINE_SITE__NAME");
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
