//! Prometheus metrics. The `metrics` facade records where the work happens
//! (the site policy, the page cache, the change log's followers, jobs,
//! mail, search, the store's pools); `metrics-exporter-prometheus` keeps
//! the values and writes the text format that `/metrics` serves. State
//! kept elsewhere (the job table, the pools, the process) is read into
//! gauges when scraped ([`scrape`]).
//!
//! Chosen over `prometheus-client`: a facade needs no registry passed to
//! every part that counts (the store crate records its pool waits without
//! knowing who exports them), and with no recorder installed (metrics
//! turned off) each record is a no-op.

use std::sync::OnceLock;

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Seconds, for request, query and pool-wait latencies: from a cache hit
/// (well under a millisecond) to a render that should have been faster.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// How often the recorder's histograms are folded in.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder for this process, once; `None` if another was
/// installed first (nothing is recorded for us then).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .expect("latency buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            // The recorder keeps every histogram sample until upkeep folds
            // them in; a site nobody scrapes would grow without bound. A
            // thread of its own, as the process outlives any one runtime.
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkeep.run_upkeep();
                    }
                })
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

/// The metrics in Prometheus's text format, after `collect` has set the
/// gauges read at scrape time.
pub fn scrape(collect: impl FnOnce()) -> Option<String> {
    let handle = HANDLE.get()?.as_ref()?;
    collect();
    process_gauges();
    Some(handle.render())
}

fn describe() {
    describe_counter!(
        "dateline_http_requests_total",
        "Requests answered, by route template, method and status."
    );
    describe_histogram!(
        "dateline_http_request_duration_seconds",
        Unit::Seconds,
        "Time to a request's response head (the body streams after), by route template and method."
    );
    describe_counter!(
        "dateline_page_cache_hits_total",
        "Reader pages answered from this node's page cache."
    );
    describe_counter!(
        "dateline_page_cache_misses_total",
        "Reader pages that had to be rendered."
    );
    describe_counter!(
        "dateline_page_cache_purged_pages_total",
        "Cached pages dropped because a change touched them."
    );
    describe_gauge!(
        "dateline_page_cache_bytes",
        Unit::Bytes,
        "Bytes of pages (every encoding) in the page cache."
    );
    describe_gauge!("dateline_page_cache_pages", "Pages in the page cache.");
    describe_gauge!(
        "dateline_change_log_head",
        "The newest change-log sequence this node has seen."
    );
    describe_gauge!(
        "dateline_change_log_lag",
        "How far (in change-log sequence numbers) a follower on this node is behind the head."
    );
    describe_gauge!(
        "dateline_jobs",
        "Unfinished jobs by kind and state (waiting: due; scheduled: due later; running)."
    );
    describe_gauge!(
        "dateline_jobs_oldest_waiting_seconds",
        Unit::Seconds,
        "How long the longest-waiting due job of a kind has waited."
    );
    describe_counter!(
        "dateline_jobs_finished_total",
        "Job attempts this node finished, by kind and outcome (completed, retried, failed)."
    );
    describe_counter!(
        "dateline_mail_sent_total",
        "Messages handed to the SMTP server."
    );
    describe_counter!(
        "dateline_mail_failed_total",
        "Messages the SMTP server did not take."
    );
    describe_counter!(
        "dateline_cdn_purge_requests_total",
        "Purge requests sent to the CDN, by outcome (ok, failed)."
    );
    describe_counter!(
        "dateline_cdn_purged_keys_total",
        "Surrogate keys the CDN took a purge of."
    );
    describe_histogram!(
        "dateline_search_query_duration_seconds",
        Unit::Seconds,
        "Time to answer a reader's search."
    );
    describe_gauge!(
        "dateline_db_pool_connections",
        "Database connections by pool and state (in_use, idle)."
    );
    describe_histogram!(
        "dateline_db_pool_wait_seconds",
        Unit::Seconds,
        "Time to get a database connection (for SQLite's writes, the write lock)."
    );
    describe_gauge!(
        "process_resident_memory_bytes",
        Unit::Bytes,
        "Resident memory of the process."
    );
    describe_gauge!("process_open_fds", "Open file descriptors.");
    describe_gauge!("process_max_fds", "The limit on open file descriptors.");
}

/// The gauges the operating system keeps (Linux's `/proc`; elsewhere none).
fn process_gauges() {
    let resident_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        });
    if let Some(kib) = resident_kib {
        gauge!("process_resident_memory_bytes").set(kib * 1024.0);
    }
    if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
        gauge!("process_open_fds").set(fds.count() as f64);
    }
    let max_fds = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse::<f64>().ok()
        });
    if let Some(max) = max_fds {
        gauge!("process_max_fds").set(max);
    }
}
