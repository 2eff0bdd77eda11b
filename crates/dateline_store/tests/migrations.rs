//! Several processes may start at once on one database; each migrates.

use dateline_store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_starting_together_on_one_sqlite_file_all_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    // Separate stores stand for separate processes: separate connections
    // and separate handles on the lock file.
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(Store::open_sqlite(&path).await.unwrap());
    }
    let runs: Vec<_> = stores
        .iter()
        .cloned()
        .map(|store| tokio::spawn(async move { store.migrate().await }))
        .collect();
    for run in runs {
        run.await
            .unwrap()
            .expect("every node migrates without error");
    }
    assert_eq!(stores[0].last_change_seq().await.unwrap(), 0);
}
