//! A running Dateline with the demo site, on its own data directory and port.

use std::sync::Arc;

use dateline::{config::Config, demo, web, web::App};

pub struct TestServer {
    pub base: String,
    pub app: Arc<App>,
    pub client: reqwest::Client,
    _data: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on 127.0.0.1:0 with the demo site in a fresh SQLite
    /// data directory (a copy of one seeded once, see [`demo_template`]).
    pub async fn with_demo() -> Self {
        Self::with_demo_and(|_| {}).await
    }

    /// As [`TestServer::with_demo`], with `configure` applied to the
    /// configuration first.
    pub async fn with_demo_and(configure: impl FnOnce(&mut Config)) -> Self {
        Self::with_demo_in(tempfile::tempdir().unwrap(), configure).await
    }

    /// As [`TestServer::with_demo_and`], in the data directory `data`.
    pub async fn with_demo_in(
        data: tempfile::TempDir,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        copy_dir(&demo_template().await, data.path());
        Self::start(data, configure).await
    }

    /// A server on a new, empty site (no demo), with `configure` applied
    /// to the configuration first.
    pub async fn empty_and(configure: impl FnOnce(&mut Config)) -> Self {
        Self::start(tempfile::tempdir().unwrap(), configure).await
    }

    /// A server on the site already in `data` (a restored backup, say).
    pub async fn in_data_dir(data: tempfile::TempDir) -> Self {
        Self::start(data, |_| {}).await
    }

    /// A server on the database at `url` (migrated; empty, or another
    /// node's), with a data directory and search index of its own.
    pub async fn on_database(url: &str) -> Self {
        Self::on_database_and(url, |_| {}).await
    }

    /// As [`TestServer::on_database`], with `configure` applied to the
    /// configuration first.
    pub async fn on_database_and(url: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let url = url.to_owned();
        Self::start(tempfile::tempdir().unwrap(), move |config| {
            config.database.url = Some(url);
            configure(config);
        })
        .await
    }

    async fn start(data: tempfile::TempDir, configure: impl FnOnce(&mut Config)) -> Self {
        let listener = web::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut config = Config::load(data.path()).unwrap();
        config.apply_listen(Some(listener.local_addr().unwrap()));
        // The demo's digest goes at 07:00 in the site's zone: a scheduler
        // running at the real time would make today's issue under tests
        // that make their own (the scheduler's passes are tested directly).
        config.newsletters.schedule_digests = false;
        configure(&mut config);
        let app = App::open(config, data.path().to_owned()).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(web::serve(app.clone(), listener));
        // The demo's search index is built in the background; tests start
        // once it is, as readers of a site that has been up a moment would.
        eventually(std::time::Duration::from_secs(10), || async {
            app.search.position().unwrap().is_some()
        })
        .await;
        dateline::install_tls_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base,
            app,
            client,
            _data: data,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The body of a page that must answer 200.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// The path of the newest published article in `section`.
    pub async fn newest_article_path(&self, section: &str) -> String {
        let html = self.page(&format!("/{section}")).await;
        let start = html
            .find(&format!("href=\"/{section}/"))
            .unwrap_or_else(|| panic!("no article link on /{section}"));
        let rest = &html[start + 6..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// Marks a finished template.
const TEMPLATE_READY: &str = "template-ready";

/// A data directory with the demo site, seeded once per build of this test
/// binary (nextest runs each test in a process of its own; the first to
/// get here seeds it under a file lock, the others wait and then copy it).
/// Seeding draws the demo's pictures, seconds of work that every server
/// test paid before; a copy takes milliseconds.
async fn demo_template() -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let exe = std::env::current_exe().unwrap();
    let built = std::fs::metadata(&exe).unwrap();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (&exe, built.len(), built.modified().ok()).hash(&mut hasher);
    let dir = std::env::temp_dir().join(format!("dateline-demo-{:016x}", hasher.finish()));
    if dir.join(TEMPLATE_READY).exists() {
        return dir;
    }
    let lock_path = dir.with_extension("lock");
    let lock = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::create(&lock_path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .unwrap()
    .unwrap();
    if !dir.join(TEMPLATE_READY).exists() {
        let building = dir.with_extension("building");
        let _ = std::fs::remove_dir_all(&building);
        demo::write_config(&building).unwrap();
        let config = Config::load(&building).unwrap();
        let app = App::open(config, building.clone()).await.unwrap();
        demo::seed(&app.store, &app.blobs, jiff::Timestamp::now())
            .await
            .unwrap();
        // The pictures' renditions, made once here rather than by every
        // test server's media job.
        dateline::jobs::run_due(&app.services, dateline_store::Lane::Media)
            .await
            .unwrap();
        // Closing the last connection folds the WAL into the database file.
        app.store.close().await;
        drop(app);
        // Each server builds its own search index.
        let _ = std::fs::remove_dir_all(building.join(dateline::search::INDEX_DIR));
        std::fs::write(building.join(TEMPLATE_READY), b"").unwrap();
        std::fs::rename(&building, &dir).unwrap();
    }
    drop(lock);
    dir
}

/// Copies the files under `from` into `to` (made if missing), but the
/// template's marker and lock files.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if name != TEMPLATE_READY && !name.to_string_lossy().ends_with("-lock") {
            // Blobs are named by their content and never written again: a
            // link serves. The database is written: it is copied.
            let shared = to.components().any(|c| c.as_os_str() == "blobs")
                && std::fs::hard_link(entry.path(), &target).is_ok();
            if !shared {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
}

/// Polls `check` until it holds or `within` has passed; returns how long it took.
/// For changes that reach readers asynchronously (the page cache follows the
/// change log), with the bound the product promises.
pub async fn eventually<F, Fut>(within: std::time::Duration, mut check: F) -> std::time::Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "the condition did not hold within {within:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Text as the templates escape it into HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// A file of the installed test tools (`tests/tools/install.sh`), under
/// `DATELINE_TOOLS`, else `/opt/dateline-tools`: `venv/bin/python`,
/// `node/node_modules`, ...
pub fn installed(relative: &str) -> std::path::PathBuf {
    std::env::var_os("DATELINE_TOOLS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/opt/dateline-tools".into())
        .join(relative)
}

/// One of the checkers in `tests/tools/`.
pub fn validator(script: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools")
        .join(script)
}

/// Runs the checker `script` on `target` (a file or a folder) and fails
/// with its report, introduced by `what`, unless it passes.
pub fn assert_validates(script: &str, target: &std::path::Path, what: &str) {
    let output = std::process::Command::new("bash")
        .arg(validator(script))
        .arg(target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{what}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether the test tools and Debian's Chromium are installed. Without them
/// a test says it was skipped, unless `DATELINE_REQUIRE_VALIDATORS=1` (as
/// in CI), which makes it fail.
pub fn validators_available() -> bool {
    let available =
        installed(".stamp").exists() && std::path::Path::new("/usr/bin/chromium").exists();
    if !available {
        assert!(
            std::env::var("DATELINE_REQUIRE_VALIDATORS").is_err(),
            "the test tools are required but not installed: run tests/tools/install.sh"
        );
        eprintln!("SKIPPED: the test tools or Chromium are not installed (tests/tools/install.sh)");
    }
    available
}

/// `application/x-www-form-urlencoded` for `fields`.
pub fn encode(fields: &[(&str, &str)]) -> String {
    let escape = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A draft in the News section, written by `by`.
pub async fn draft(
    store: &dateline_store::Store,
    by: dateline_core::UserId,
    headline: &str,
) -> dateline_core::ArticleId {
    draft_in(store, "news", by, headline).await
}

/// A draft in the section `section` (a slug), written by `by`.
pub async fn draft_in(
    store: &dateline_store::Store,
    section: &str,
    by: dateline_core::UserId,
    headline: &str,
) -> dateline_core::ArticleId {
    let new = new_article(store, section, headline).await;
    store
        .create_draft(&new, by, jiff::Timestamp::now())
        .await
        .unwrap()
}

/// A new article for the section `section` (a slug), with a two-paragraph
/// body and nothing else, for a test to fill in.
pub async fn new_article(
    store: &dateline_store::Store,
    section: &str,
    headline: &str,
) -> dateline_core::NewArticle {
    let section = store.section_by_slug(section).await.unwrap().unwrap();
    dateline_core::NewArticle {
        slug: dateline_core::Slug::from_title(headline, "article"),
        headline: dateline_core::Headline::parse(headline).unwrap(),
        standfirst: String::new(),
        body: dateline_core::Body::from_markdown("First paragraph.\n\nSecond paragraph."),
        section: section.id,
        source: None,
        authors: vec![],
        edited_by: None,
        place: None,
        tags: vec![],
        topics: vec![],
        lead_image: None,
        language: None,
        kind: dateline_core::ArticleKind::Standard,
        corpus_label: None,
    }
}

/// A section other than the one with the slug `not`.
pub async fn section_other_than(
    store: &dateline_store::Store,
    not: &str,
) -> dateline_core::Section {
    store
        .sections()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.slug != not)
        .expect("the demo has several sections")
}

/// Moves an article along the workflow as the system (no staff member).
pub async fn move_to(
    store: &dateline_store::Store,
    id: dateline_core::ArticleId,
    status: dateline_core::ArticleStatus,
) {
    store
        .move_article(id, status, None, jiff::Timestamp::now())
        .await
        .unwrap();
}

/// A confirmed newsletter subscriber of the demo's default newsletters; the
/// token of their links.
pub async fn subscriber(server: &TestServer, email: &str) -> String {
    let store = &server.app.store;
    let newsletters: Vec<i64> = store
        .newsletters()
        .await
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    let token = format!("test-token-{}", email.replace(['@', '.'], "-"));
    let address = dateline_core::Email::parse(email).unwrap();
    store
        .import_subscribers(
            &[(address, token.clone())],
            &newsletters,
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    token
}

/// A verified reader account for `email`, signed in: its session cookie
/// (`name=value`).
pub async fn reader_session(server: &TestServer, email: &str) -> String {
    use dateline::accounts::{new_token, token_hash};
    use dateline_store::{LinkPurpose, NewReaderLink, ReaderSignUp};
    let store = &server.app.store;
    let now = jiff::Timestamp::now();
    let id = match store
        .sign_up_reader(&dateline_core::Email::parse(email).unwrap(), now)
        .await
        .unwrap()
    {
        ReaderSignUp::Created(id) | ReaderSignUp::Exists { id, .. } => id,
    };
    let link = token_hash(&new_token());
    let expires_at = now + jiff::SignedDuration::from_hours(1);
    store
        .add_reader_link(
            &NewReaderLink {
                token_hash: &link,
                reader_id: id,
                purpose: LinkPurpose::Verify,
                new_email: None,
                password_hash: None,
                expires_at,
            },
            now,
        )
        .await
        .unwrap();
    store
        .use_reader_link(&link, LinkPurpose::Verify, None, now)
        .await
        .unwrap()
        .unwrap();
    let token = new_token();
    store
        .create_reader_session(&token_hash(&token), id, &new_token(), expires_at, now)
        .await
        .unwrap();
    format!("dateline_reader={token}")
}
