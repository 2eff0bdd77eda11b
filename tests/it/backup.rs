//! A backup made while a writer publishes 20 stories a second restores
//! into a fresh SQLite data directory and into a fresh PostgreSQL
//! database with every story acknowledged before it started, every media
//! file byte for byte, and the reader pages the site served.

use std::{
    collections::BTreeMap,
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use dateline_core::{ArticleId, NewSection, Role, Scope, Slug, Text, article_path};
use dateline_store::ArticleList;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{
    api_calls::{call, token_for},
    support::{TestServer, eventually},
};

/// The writer's stories go to a section of their own: pages that do not
/// list them stand still while it writes, so they can be compared.
const WRITER_SECTION: &str = "trials";

/// Creates and publishes one story through the admin API: its id once
/// both were acknowledged.
async fn publish(server: &TestServer, token: &str, n: usize) -> Option<i64> {
    let body = json!({
        "headline": format!("Backup trial dispatch {n}"),
        "body": format!("Dispatch loadprobe{n}q from the trial desk."),
        "section": WRITER_SECTION,
    });
    let (status, draft) = call(server, "POST", "/api/v1/admin/articles", token, Some(body)).await;
    let id = draft["id"].as_i64().filter(|_| status == 201)?;
    let path = format!("/api/v1/admin/articles/{id}/status");
    let body = Some(json!({ "status": "published" }));
    let (status, _) = call(server, "POST", &path, token, body).await;
    (status == 200).then_some(id)
}

/// SHA-256 of every file under the data directory's media folders, by
/// path.
fn media_files(data_dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending: Vec<_> = ["blobs", "media", "theme"]
        .iter()
        .map(|f| data_dir.join(f))
        .collect();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let digest = Sha256::digest(std::fs::read(&path).unwrap());
                let name = path.strip_prefix(data_dir).unwrap().display().to_string();
                files.insert(name, dateline::encoding::hex(&digest));
            }
        }
    }
    files
}

/// The reader pages the writer does not touch: every demo story, the
/// other sections' fronts and feeds, tag, topic, author and static pages.
async fn still_pages(server: &TestServer) -> Vec<String> {
    let stories = server
        .app
        .store
        .published_articles(ArticleList::All, 1000, 0)
        .await
        .unwrap();
    let mut pages: Vec<String> = stories
        .iter()
        .filter(|s| s.section.slug != WRITER_SECTION)
        .map(|s| article_path(&s.section.slug, &s.slug, s.id))
        .collect();
    pages.extend(
        [
            "/news",
            "/feed/section/news/rss.xml",
            "/tag/monsoon",
            "/topic/monsoon-watch-2026",
            "/author/neha-iyer",
            "/about",
        ]
        .map(String::from),
    );
    pages
}

/// A page's body without what docs/operating.md says may differ on a
/// restored site: its address (it answers on another port here) and the
/// order of "More like this", which the rebuilt search index ranks anew.
async fn page_at(server: &TestServer, path: &str) -> String {
    let response = server.get(path).await;
    assert_eq!(response.status(), 200, "{path} on {}", server.base);
    let page = response.text().await.unwrap().replace(&server.base, "SITE");
    match page.find("<section class=\"more-like-this\"") {
        Some(start) => {
            let end = start + page[start..].find("</section>").unwrap();
            format!("{}{}", &page[..start], &page[end..])
        }
        None => page,
    }
}

/// Fails naming the first line where `restored` differs from `served`.
fn assert_same_page(restored: &str, served: &str, what: &str) {
    if let Some((n, (a, b))) = restored
        .lines()
        .zip(served.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!("{what}, line {}: restored {a:?}, served {b:?}", n + 1);
    }
    assert_eq!(restored.lines().count(), served.lines().count(), "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_publishing_restores_into_sqlite_and_postgres_whole() {
    // Without PostgreSQL (and without DATELINE_REQUIRE_POSTGRES) the
    // SQLite restore is still checked.
    let postgres = dateline_store::testing::postgres_empty().await;
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let section = NewSection {
        slug: Slug::parse(WRITER_SECTION).unwrap(),
        name: Text::parse("section", "Trials", 80).unwrap(),
        parent: None,
        position: 9,
    };
    store
        .create_section(&section, jiff::Timestamp::now())
        .await
        .unwrap();
    let scopes = [Scope::ArticlesWrite, Scope::ArticlesPublish];
    let (_, token) = token_for(&server, "desk@example.org", Role::Editor, &scopes).await;

    // The writer: a story every 50 ms until told to stop.
    let server = Arc::new(server);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let writer = tokio::spawn({
        let (server, acknowledged) = (server.clone(), acknowledged.clone());
        async move {
            let mut every = tokio::time::interval(Duration::from_millis(50));
            for n in 0.. {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = stopped.changed() => break,
                }
                if let Some(id) = publish(&server, &token, n).await {
                    acknowledged.lock().unwrap().push(id);
                }
            }
        }
    });
    eventually(Duration::from_secs(30), || async {
        acknowledged.lock().unwrap().len() >= 10
    })
    .await;

    let data_dir = server.app.data_dir.clone();
    let pages = still_pages(&server).await;
    let mut served = Vec::new();
    for path in &pages {
        served.push(page_at(&server, path).await);
    }
    let media = media_files(&data_dir);
    let before: Vec<i64> = acknowledged.lock().unwrap().clone();
    let scratch = tempfile::tempdir().unwrap();
    let archive = scratch.path().join("site.tar");
    let backup = dateline(&[
        "backup",
        "--data",
        data_dir.to_str().unwrap(),
        archive.to_str().unwrap(),
    ])
    .await;
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let during = acknowledged.lock().unwrap().len() - before.len();
    stop.send(true).unwrap();
    writer.await.unwrap();
    println!(
        "{} stories before the backup, {during} while it ran: {}",
        before.len(),
        String::from_utf8_lossy(&backup.stdout)
    );

    let verified = dateline(&["backup", "--verify", archive.to_str().unwrap()]).await;
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    let url = postgres.as_ref().map(|db| db.postgres_url().unwrap());
    for database in [None].into_iter().chain(url.as_deref().map(Some)) {
        let into = tempfile::tempdir().unwrap();
        let dir = into.path();
        let mut args = vec![
            "restore",
            archive.to_str().unwrap(),
            "--data",
            dir.to_str().unwrap(),
        ];
        args.extend(database.iter().flat_map(|url| ["--database-url", url]));
        let restored = dateline(&args).await;
        assert!(
            restored.status.success(),
            "{}",
            String::from_utf8_lossy(&restored.stderr)
        );
        let files = media_files(dir);
        for (path, digest) in &media {
            assert_eq!(files.get(path), Some(digest), "{path} in {}", dir.display());
        }
        let shown = dir.display().to_string();
        let restored = TestServer::in_data_dir(into).await;
        for id in &before {
            let story = restored.app.store.article(ArticleId(*id)).await.unwrap();
            assert!(story.is_some(), "story {id} acknowledged before the backup");
        }
        for (path, page) in pages.iter().zip(&served) {
            let what = format!("{path} in {shown}");
            assert_same_page(&page_at(&restored, path).await, page, &what);
        }
        let found = restored
            .get("/search?q=loadprobe0q")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            found.contains("Backup trial dispatch 0"),
            "the search index was rebuilt"
        );
    }
}

/// Runs the binary to its end.
async fn dateline(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .env_remove("DATELINE_DATA")
        .env("DATELINE_LOG", "warn")
        .output()
        .await
        .unwrap()
}

/// With `backup.every`, a node makes the period's backup by itself (at
/// start, the current period having none), once however many nodes ask,
/// and admins see it on the dashboard.
#[tokio::test]
async fn a_scheduled_backup_is_made_once_a_period_and_shown_to_admins() {
    use crate::{admin::get_with, newsroom::session};
    let kept = tempfile::tempdir().unwrap();
    let dir = kept.path().to_owned();
    let server = TestServer::with_demo_and(|config| {
        config.backup.every = Some("1h".into());
        config.backup.dir = dir.clone();
    })
    .await;
    let store = &server.app.store;
    eventually(Duration::from_secs(60), || async {
        store.latest_backups().await.unwrap().1.is_some()
    })
    .await;
    let (_, made) = store.latest_backups().await.unwrap();
    let made = made.unwrap();
    assert!(
        made.path.starts_with(dir.to_str().unwrap()),
        "{}",
        made.path
    );
    let articles = store
        .count_published_articles(ArticleList::All)
        .await
        .unwrap();
    assert!(made.articles.unwrap() >= articles, "{made:?}");
    let verified = dateline(&["backup", "--verify", &made.path]).await;
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    // A second node's scheduler (or a restart) asks for the same period.
    let slot = made.slot;
    let again = dateline_store::NewJob::of(
        &dateline_store::BackupSite { slot },
        jiff::Timestamp::now(),
        Some(format!("backup:3600:{slot}")),
    );
    assert_eq!(
        store
            .enqueue_job(&again, jiff::Timestamp::now())
            .await
            .unwrap(),
        None
    );
    // Named after its period, so a retried job replaces its own attempt.
    let period_start = jiff::Timestamp::from_second(slot * 3600).unwrap();
    let name = format!("dateline-{}.tar", period_start.strftime("%Y%m%d-%H%M%S"));
    assert!(made.path.ends_with(&name), "{} for {name}", made.path);

    let admin = session(&server, Role::Admin).await;
    let dashboard = get_with(&server, "/admin", &admin.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("Last made"), "{dashboard}");
    assert!(dashboard.contains("Every 1h, the newest 7 kept"));
    let editor = session(&server, Role::Editor).await;
    let theirs = get_with(&server, "/admin", &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(!theirs.contains("backups-title"), "only admins see backups");
}

/// A damaged or doctored archive is refused by `--verify` and by
/// `restore`, naming what is wrong, and a refused restore leaves no data
/// directory behind.
#[tokio::test]
async fn a_damaged_or_doctored_archive_is_refused_and_leaves_nothing() {
    let server = TestServer::with_demo().await;
    let scratch = tempfile::tempdir().unwrap();
    let archive = scratch.path().join("site.tar");
    let data = server.app.data_dir.to_str().unwrap().to_owned();
    let made = dateline(&["backup", "--data", &data, archive.to_str().unwrap()]).await;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let whole = std::fs::read(&archive).unwrap();

    // Where the articles table's bytes sit in the archive.
    let mut tar = tar::Archive::new(whole.as_slice());
    let articles = tar
        .entries()
        .unwrap()
        .map(Result::unwrap)
        .find(|e| e.path().unwrap().ends_with("articles.jsonl.gz"))
        .unwrap();
    let (at, size) = (
        articles.raw_file_position() as usize,
        articles.size() as usize,
    );
    let mut flipped = whole.clone();
    flipped[at + size / 2] ^= 0x5a;
    let truncated = whole[..at + size / 2].to_vec();

    // The same archive with a file added that would land on the database.
    let mut doctored = tar::Builder::new(Vec::new());
    for entry in tar::Archive::new(whole.as_slice()).entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().into_owned();
        if path.ends_with("manifest.json") {
            let mut header = tar::Header::new_gnu();
            header.set_size(4);
            header.set_mode(0o644);
            doctored
                .append_data(
                    &mut header,
                    "dateline-backup/files/dateline.db",
                    &b"evil"[..],
                )
                .unwrap();
        }
        let mut header = entry.header().clone();
        doctored
            .append_data(&mut header, &path, &mut entry)
            .unwrap();
    }
    let doctored = doctored.into_inner().unwrap();

    for (bytes, says) in [
        (flipped, "articles.jsonl.gz is damaged"),
        (truncated, "articles.jsonl.gz"),
        (doctored, "files/dateline.db: not a Dateline backup's entry"),
    ] {
        std::fs::write(&archive, bytes).unwrap();
        let checked = dateline(&["backup", "--verify", archive.to_str().unwrap()]).await;
        let error = String::from_utf8_lossy(&checked.stderr);
        assert!(
            !checked.status.success() && error.contains(says),
            "{says}: {error}"
        );
        let into = scratch.path().join("restored");
        let restored = dateline(&[
            "restore",
            archive.to_str().unwrap(),
            "--data",
            into.to_str().unwrap(),
        ])
        .await;
        let error = String::from_utf8_lossy(&restored.stderr);
        assert!(!restored.status.success(), "{says}: restored");
        assert!(!into.exists(), "{says}: {error} left {}", into.display());
    }
}
