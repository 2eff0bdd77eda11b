//! `/metrics`: the node's Prometheus metrics, for the operator's scraper.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use metrics::gauge;

use crate::web::AppState;

/// Headers a proxy adds on the way: a request carrying one came through
/// it, so its connection's address says nothing about who asked.
const FORWARDING_HEADERS: [&str; 4] = [
    "forwarded",
    "x-forwarded-for",
    "x-real-ip",
    "cf-connecting-ip",
];

/// The metrics in Prometheus's text format, to a direct connection from a
/// network in `metrics.allow`; 403 to anyone else, 404 when turned off.
pub async fn metrics(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let config = &app.config.metrics;
    if !config.enabled {
        return (StatusCode::NOT_FOUND, "metrics are turned off\n").into_response();
    }
    let forwarded = FORWARDING_HEADERS
        .iter()
        .chain(app.config.server.client_ip_header.as_deref().as_slice())
        .any(|name| headers.contains_key(*name));
    // A dual-stack listener sees an IPv4 peer as ::ffff:a.b.c.d.
    let peer = peer.ip().to_canonical();
    // A configured proxy passes readers on, with or without a header.
    let proxy = app
        .config
        .server
        .trusted_proxies
        .iter()
        .any(|net| net.contains(&peer));
    if forwarded || proxy || !config.allow.iter().any(|net| net.contains(&peer)) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served only to the addresses in metrics.allow, not through a proxy\n",
        )
            .into_response();
    }
    let now = jiff::Timestamp::now();
    let jobs = app.store.job_counts(now).await;
    let (pages, bytes) = app.pages.size().await;
    let collect = || {
        gauge!("dateline_page_cache_pages").set(pages as f64);
        gauge!("dateline_page_cache_bytes").set(bytes as f64);
        for pool in app.store.pool_use() {
            gauge!("dateline_db_pool_connections", "pool" => pool.pool, "state" => "in_use")
                .set(pool.in_use as f64);
            gauge!("dateline_db_pool_connections", "pool" => pool.pool, "state" => "idle")
                .set(pool.idle as f64);
        }
        match jobs {
            Ok(kinds) => job_gauges(&kinds, now),
            Err(e) => tracing::warn!(error = format!("{e:#}"), "metrics: cannot count jobs"),
        }
    };
    match crate::telemetry::prometheus::scrape(collect) {
        Some(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "another metrics recorder was installed in this process\n",
        )
            .into_response(),
    }
}

/// The job table's backlog. A kind with nothing unfinished reads 0 (the
/// exporter keeps the last value it was given, so it is set explicitly).
fn job_gauges(kinds: &[dateline_store::JobCounts], now: jiff::Timestamp) {
    for kind in crate::jobs::KINDS {
        let counts = kinds.iter().find(|k| k.kind == kind);
        let (waiting, scheduled, running) =
            counts.map_or((0, 0, 0), |c| (c.waiting, c.scheduled, c.running));
        for (state, n) in [
            ("waiting", waiting),
            ("scheduled", scheduled),
            ("running", running),
        ] {
            gauge!("dateline_jobs", "kind" => kind, "state" => state).set(n as f64);
        }
        let waited = counts.and_then(|c| c.oldest_waiting).map_or(0.0, |since| {
            now.duration_since(since).as_secs_f64().max(0.0)
        });
        gauge!("dateline_jobs_oldest_waiting_seconds", "kind" => kind).set(waited);
    }
}
