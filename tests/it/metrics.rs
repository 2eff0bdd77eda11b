//! `/metrics` after a known workload: the counters moved by exactly what
//! was done, the text parses with Prometheus's own Python parser, and only
//! direct connections from the allowed networks may read it. `/readyz`
//! follows the database: unreachable, behind on migrations, and back.
//!
//! The recorder is the process's own: the exact counts hold because
//! nextest runs each test in a process of its own (`cargo test` would
//! count other tests' requests too).

use std::time::Duration;

use crate::{
    mail::SmtpSink,
    support::{TestServer, encode, eventually, installed, validator, validators_available},
};

/// One sample of a scrape.
#[derive(Debug, serde::Deserialize)]
struct Sample {
    name: String,
    labels: std::collections::BTreeMap<String, String>,
    value: f64,
}

/// The samples of `/metrics`, read by `prometheus_client.parser`.
async fn scrape(server: &TestServer) -> Vec<Sample> {
    let response = server.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let mut parser = tokio::process::Command::new(installed("venv/bin/python"))
        .arg(validator("prometheus-parse.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = parser.stdin.take().unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stdin, text.as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = parser.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The value of the sample `name` whose labels include `labels` (0 when
/// there is none yet: a counter that has not moved is not written).
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .find(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map_or(0.0, |s| s.value)
}

#[tokio::test]
async fn a_known_workload_moves_the_counters_by_what_it_did() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = crate::subscribers::server_with(&sink).await;
    let article = server.newest_article_path("news").await;
    let before = scrape(&server).await;

    for _ in 0..5 {
        assert_eq!(server.get(&article).await.status(), 200);
    }
    for n in 0..3 {
        let missing = server.get(&format!("/no-such-page-{n}/at/all")).await;
        assert_eq!(missing.status(), 404);
    }
    for _ in 0..2 {
        assert_eq!(server.get("/search?q=monsoon").await.status(), 200);
    }
    // A sign-up: one confirmation job, one message.
    let signed_up = server
        .client
        .post(format!("{}/newsletter", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&[("email", "counted@example.org")]))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 303);
    eventually(Duration::from_secs(10), || async {
        sink.messages().len() == 1
    })
    .await;

    // The job counts itself once the message is handed over.
    let confirmed = [("kind", "newsletter_confirm"), ("outcome", "completed")];
    eventually(Duration::from_secs(10), || async {
        value(
            &scrape(&server).await,
            "dateline_jobs_finished_total",
            &confirmed,
        ) > 0.0
    })
    .await;
    let after = scrape(&server).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    let article_route = [
        ("route", "/{section}/{article}"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(moved("dateline_http_requests_total", &article_route), 5.0);
    let unrouted = [("route", "(no route)"), ("status", "404")];
    assert_eq!(moved("dateline_http_requests_total", &unrouted), 3.0);
    let article_time = [("route", "/{section}/{article}"), ("method", "GET")];
    assert_eq!(
        moved(
            "dateline_http_request_duration_seconds_count",
            &article_time
        ),
        5.0
    );
    // The first view of the article rendered it; the rest were served.
    assert_eq!(moved("dateline_page_cache_misses_total", &[]), 1.0);
    assert_eq!(moved("dateline_page_cache_hits_total", &[]), 4.0);
    assert_eq!(
        moved("dateline_search_query_duration_seconds_count", &[]),
        2.0
    );
    assert_eq!(moved("dateline_mail_sent_total", &[]), 1.0);
    assert_eq!(moved("dateline_mail_failed_total", &[]), 0.0);
    assert_eq!(moved("dateline_jobs_finished_total", &confirmed), 1.0);

    // State read when scraped.
    assert!(value(&after, "dateline_page_cache_pages", &[]) >= 1.0);
    assert!(value(&after, "dateline_page_cache_bytes", &[]) > 1000.0);
    assert!(value(&after, "dateline_change_log_head", &[]) > 0.0);
    let lag = [("consumer", "page_cache")];
    assert!(after.iter().any(|s| s.name == "dateline_change_log_lag"
        && s.labels.get("consumer").map(String::as_str) == Some("page_cache")));
    assert_eq!(value(&after, "dateline_change_log_lag", &lag), 0.0);
    let waiting = [("kind", "publish_scheduled"), ("state", "waiting")];
    assert!(after.iter().any(|s| s.name == "dateline_jobs" && {
        waiting
            .iter()
            .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
    }));
    let read_pool = [("pool", "read"), ("state", "idle")];
    assert!(value(&after, "dateline_db_pool_connections", &read_pool) >= 1.0);
    assert!(
        value(
            &after,
            "dateline_db_pool_wait_seconds_count",
            &[("pool", "write")]
        ) >= 1.0
    );
    assert!(value(&after, "process_resident_memory_bytes", &[]) > 1e6);
    assert!(value(&after, "process_open_fds", &[]) >= 3.0);
}

#[tokio::test]
async fn metrics_are_refused_through_a_proxy_and_from_other_networks() {
    let server = TestServer::with_demo().await;
    assert_eq!(server.get("/metrics").await.status(), 200);
    let proxied = server
        .client
        .get(format!("{}/metrics", server.base))
        .header("x-forwarded-for", "127.0.0.1")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 403);
    let elsewhere = TestServer::with_demo_and(|config| {
        config.metrics.allow = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    assert_eq!(elsewhere.get("/metrics").await.status(), 403);
    // A proxy on the allowed network passes readers on, headers or not.
    let behind = TestServer::with_demo_and(|config| {
        config.server.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    assert_eq!(behind.get("/metrics").await.status(), 403);
    let off = TestServer::with_demo_and(|config| config.metrics.enabled = false).await;
    assert_eq!(off.get("/metrics").await.status(), 404);
}

#[tokio::test]
async fn readiness_follows_the_database_out_and_back() {
    let Some(db) = dateline_store::testing::postgres().await else {
        return;
    };
    let server = TestServer::on_database(&db.postgres_url().unwrap()).await;
    let ready = || async {
        let response = server.get("/readyz").await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(ready().await.0, 200);
    db.allow_connections(false).await;
    eventually(Duration::from_secs(10), || async {
        let (status, reason) = ready().await;
        status == 503 && reason.contains("database unavailable")
    })
    .await;
    assert_eq!(server.get("/healthz").await.status(), 503);
    db.allow_connections(true).await;
    eventually(Duration::from_secs(10), || async { ready().await.0 == 200 }).await;

    // A database behind this build's migrations: not ready, saying what to do.
    let newest = server
        .app
        .store
        .carried_migrations()
        .into_iter()
        .max()
        .unwrap();
    db.set_migration_applied(newest, false).await;
    let (status, reason) = ready().await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("dateline migrate"), "{reason}");
    db.set_migration_applied(newest, true).await;
    assert_eq!(ready().await.0, 200);
}
