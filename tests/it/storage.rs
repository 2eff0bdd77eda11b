//! The store and the search index under a full disk: writes are refused
//! while there is no space, readiness says so, and both recover by
//! themselves once space returns, with nothing acknowledged lost.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
    time::{Duration, Instant},
};

use dateline::search::{SearchIndex, SearchQuery, indexer};
use dateline_core::{ArticleStatus, Role, Scope};
use serde_json::json;

use crate::{
    api_calls::{call, token_for},
    support::{TestServer, draft, eventually, move_to},
};

/// A tmpfs of `megabytes` mounted on a new directory, unmounted on drop;
/// `None` where this process may not mount (not root, no CAP_SYS_ADMIN).
struct Tmpfs {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl Tmpfs {
    fn mount(megabytes: u32) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m")])
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .ok()?;
        if !mounted.status.success() {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs here ({}): the full-disk test needs root",
                String::from_utf8_lossy(&mounted.stderr).trim()
            );
            return None;
        }
        let path = dir.path().to_owned();
        Some(Self {
            dir: Some(dir),
            path,
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily: the server's tasks may hold files open until the test's
        // runtime ends.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        drop(self.dir.take());
    }
}

/// Fills the filesystem of `dir` with one file until no byte more fits.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0xA5u8; 64 << 10];
    let mut size = block.len();
    // Down to single bytes, so that not even a page is left.
    while size > 0 {
        match file.write_all(&block[..size]) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(28) => size /= 2,
            Err(e) => panic!("filling {}: {e}", path.display()),
        }
    }
    path
}

async fn status_of(server: &TestServer, path: &str) -> (u16, String) {
    let response = server.get(path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Creates and publishes one article through the admin API: its id if
/// both were acknowledged.
async fn publish(server: &TestServer, token: &str, n: usize) -> Option<i64> {
    let body = json!({
        "headline": format!("Storage trial report {n}"),
        // A word of its own to find it by, and enough text to need pages.
        "body": format!("Marker diskprobe{n}x.\n\n{}", "Council minutes follow. ".repeat(400)),
        "section": "news",
    });
    let (status, draft) = call(server, "POST", "/api/v1/admin/articles", token, Some(body)).await;
    if status != 201 {
        return None;
    }
    let id = draft["id"].as_i64()?;
    let path = format!("/api/v1/admin/articles/{id}/status");
    let (status, _) = call(
        server,
        "POST",
        &path,
        token,
        Some(json!({ "status": "published" })),
    )
    .await;
    (status == 200).then_some(id)
}

fn found(index: &SearchIndex, word: &str) -> Vec<i64> {
    let query = SearchQuery {
        text: word.to_owned(),
        limit: 10,
        ..SearchQuery::default()
    };
    index
        .search(&query)
        .map(|r| r.hits.iter().map(|id| id.0).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_full_disk_refuses_writes_and_both_store_and_search_recover_without_a_restart() {
    let Some(disk) = Tmpfs::mount(48) else { return };
    let data = tempfile::Builder::new().tempdir_in(&disk.path).unwrap();
    let server = TestServer::with_demo_in(data, |_| {}).await;
    let (_, token) = token_for(
        &server,
        "desk@example.org",
        Role::Editor,
        &[Scope::ArticlesWrite, Scope::ArticlesPublish],
    )
    .await;
    assert_eq!(status_of(&server, "/readyz").await.0, 200);

    let mut acknowledged = Vec::new();
    for n in 0..5 {
        acknowledged.extend(publish(&server, &token, n).await.map(|id| (n, id)));
    }
    assert_eq!(
        acknowledged.len(),
        5,
        "publishing works before the disk fills"
    );

    let filler = fill(&disk.path);
    let mut refused = false;
    for n in 5..400 {
        match publish(&server, &token, n).await {
            Some(id) => acknowledged.push((n, id)),
            None => {
                refused = true;
                break;
            }
        }
    }
    assert!(refused, "a full disk refused no write");
    // A write transaction that changes nothing (an idle worker's claim, as
    // each lane makes every second) commits on a full disk, and must not
    // make the node look ready.
    let idle = server
        .app
        .store
        .claim_job(jiff::Timestamp::UNIX_EPOCH, Duration::from_secs(1))
        .await;
    assert!(matches!(idle, Ok(None)), "{idle:?}");
    assert!(
        dateline_store::write_trouble(Duration::from_secs(30)).is_some(),
        "an empty commit cleared the failure"
    );
    let (status, reason) = status_of(&server, "/readyz").await;
    assert_eq!(status, 503, "readiness while the disk is full: {reason}");
    assert!(reason.contains("cannot write"), "{reason}");
    assert_eq!(
        status_of(&server, "/healthz").await.0,
        200,
        "the node still reads"
    );
    eprintln!(
        "full: {} articles acknowledged, then refused; /readyz: {}",
        acknowledged.len(),
        reason.trim()
    );

    std::fs::remove_file(&filler).unwrap();
    let space_returned = Instant::now();
    let mut n = 1000;
    let recovered = eventually(Duration::from_secs(5), || {
        n += 1;
        let (server, token, n) = (&server, &token, n);
        async move { publish(server, token, n).await.is_some() }
    })
    .await;
    eprintln!(
        "space returned: a publish was accepted after {:?}",
        space_returned.elapsed()
    );
    assert!(recovered < Duration::from_secs(5));
    assert_eq!(status_of(&server, "/readyz").await.0, 200);

    // Every acknowledged article reaches search, the ones the index failed
    // to take while the disk was full included.
    let index = server.app.search.clone();
    let took = eventually(Duration::from_secs(10), || {
        let (index, acknowledged) = (index.clone(), acknowledged.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                acknowledged
                    .iter()
                    .all(|(n, id)| found(&index, &format!("diskprobe{n}x")).contains(id))
            })
            .await
            .unwrap()
        }
    })
    .await;
    eprintln!(
        "all {} acknowledged articles searchable {took:?} after the check began",
        acknowledged.len()
    );
}

#[tokio::test]
async fn an_index_missing_published_articles_is_rebuilt_at_start() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = crate::admin::add_staff(&server, "ed@example.org", Role::Editor).await;
    let id = draft(store, editor, "Lighthouse keepers return to the point").await;
    move_to(store, id, ArticleStatus::Published).await;

    // An index of this site's own, built, that then loses one published
    // article while recording that it is current (as an index did when a
    // failed commit was followed by a successful one).
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::open(dir.path(), "en").unwrap());
    indexer::rebuild(store, &index, |_| {}).await.unwrap();
    let head = store.last_change_seq().await.unwrap();
    let published = index.len();
    index
        .off_thread(move |i| i.apply(&[id], &[], head))
        .await
        .unwrap();
    assert_eq!(index.len(), published - 1);
    drop(index);

    let index = Arc::new(SearchIndex::open(dir.path(), "en").unwrap());
    let head = dateline::follow::Head::start(store.clone()).await.unwrap();
    let _follower = indexer::start(store.clone(), head, index.clone())
        .await
        .unwrap();
    eventually(Duration::from_secs(10), || {
        let index = index.clone();
        async move { index.len() == published }
    })
    .await;
    assert!(found(&index, "lighthouse keepers").contains(&id.0));
}

/// PostgreSQL says it cannot write with SQLSTATEs that are digits, as
/// SQLite's codes are: a database that refuses writes (a standby,
/// `default_transaction_read_only`) must count as storage trouble.
#[tokio::test]
async fn a_read_only_postgres_database_is_seen_as_unable_to_write() {
    let Some(db) = dateline_store::testing::postgres().await else {
        return;
    };
    db.make_read_only().await;
    let url = db.postgres_url().unwrap();
    let store = dateline_store::Store::open(Some(&url), std::path::Path::new("."))
        .await
        .unwrap();
    let refused = store.probe_write(jiff::Timestamp::now()).await;
    assert!(refused.is_err(), "a read-only database took a write");
    let trouble = dateline_store::write_trouble(Duration::from_secs(30));
    assert!(
        trouble.as_deref().is_some_and(|t| t.contains("read-only")),
        "{trouble:?} after {refused:?}"
    );
    store.close().await;
}
