//! Dateline: a newsroom publishing platform in one binary.
//!
//! The app crate wires the parts together: configuration, the web server
//! (reader site and newsroom; the API later), the media library, the demo content and the
//! command line in `src/bin/dateline`.

pub mod accounts;
pub mod app;
pub mod config;
pub mod demo;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod telemetry;
pub mod web;
