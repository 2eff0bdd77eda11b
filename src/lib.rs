//! Dateline: a newsroom publishing platform in one binary.
//!
//! The app crate wires the parts together: configuration, the web server
//! (reader site and newsroom; the API later), the media library, the demo content and the
//! command line in `src/bin/dateline`.

pub mod accounts;
pub mod backup;
pub mod blobs;
pub mod cdn;
pub mod config;
pub mod demo;
pub mod encoding;
pub mod export;
pub mod follow;
pub mod import;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod mailer;
pub mod media;
pub mod newsroom;
pub mod outbound;
pub mod search;
pub mod services;
pub mod telemetry;
pub mod theme;
pub mod web;
pub mod webhooks;
pub mod websub;
pub mod wire;

/// HTTP clients (object_store's S3 client) use rustls built without a
/// crypto provider, since the default one (aws-lc) is a C build; ring's is
/// installed for the whole process instead. Safe to call more than once.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
