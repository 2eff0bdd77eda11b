//! Setting a site up from several nodes at once: the demo newsroom is
//! seeded once, whichever node comes first, on either database.

use dateline::demo;
use dateline_store::{Store, testing::TestDb};

async fn two_nodes_seed_once(db: TestDb) {
    let first = db.store().clone();
    let second = first.another_node().await;
    let media = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let blobs = media
        .each_ref()
        .map(|dir| dateline::media::Blobs::local(dir.path()).unwrap());
    let now = jiff::Timestamp::now();
    let (a, b) = tokio::join!(
        demo::seed_if_empty(&first, &blobs[0], now),
        demo::seed_if_empty(&second, &blobs[1], now),
    );
    let (a, b) = (a.expect("first node"), b.expect("second node"));
    assert!(
        a.is_some() != b.is_some(),
        "exactly one node seeds: {:?} {:?}",
        a.map(|s| s.articles),
        b.map(|s| s.articles)
    );
    let sections = |store: &Store| {
        let store = store.clone();
        async move { store.sections().await.unwrap().len() }
    };
    assert_eq!(sections(&first).await, sections(&second).await);
    assert!(sections(&first).await > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_started_with_the_demo_on_one_empty_sqlite_file_seed_it_once() {
    two_nodes_seed_once(dateline_store::testing::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_started_with_the_demo_on_one_empty_postgres_database_seed_it_once() {
    let Some(db) = dateline_store::testing::postgres().await else {
        return;
    };
    two_nodes_seed_once(db).await;
}

/// Every managed PostgreSQL asks for TLS. The local server's certificate is
/// Debian's self-signed one: `sslmode=require` encrypts without checking
/// it, `verify-ca` checks it against the `sslrootcert` given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_is_reached_over_tls_when_the_url_asks_for_it() {
    let Some(db) = dateline_store::testing::postgres().await else {
        return;
    };
    dateline::install_tls_provider();
    let url = db.postgres_url().unwrap();
    let join = if url.contains('?') { '&' } else { '?' };
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let mut modes = vec![format!("{url}{join}sslmode=require")];
    if std::path::Path::new(snakeoil).exists() {
        modes.push(format!(
            "{url}{join}sslmode=verify-ca&sslrootcert={snakeoil}"
        ));
    }
    for url in modes {
        let store = Store::open(Some(&url), std::path::Path::new("."))
            .await
            .unwrap_or_else(|e| panic!("{url}: {e:#}"));
        assert!(store.connection_is_encrypted().await.unwrap(), "{url}");
        store.close().await;
    }
}
