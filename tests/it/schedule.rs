//! Scheduled publishing: on time, on every page, and exactly once even when
//! the server is killed across the scheduled time.

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use dateline_core::{ArticleStatus, Email, Role, Text, UserId};
use dateline_store::{ChangeKind, NewUser, Store};
use jiff::Timestamp;

use crate::support::{TestServer, draft, eventually};

async fn editor(store: &Store) -> UserId {
    store
        .create_user(
            &NewUser {
                email: Email::parse("desk@example.org").unwrap(),
                name: Text::parse("name", "Night Desk", 200).unwrap(),
                role: Role::Editor,
                password_hash: "$argon2id$x".into(),
                must_change_password: false,
            },
            Timestamp::now(),
        )
        .await
        .unwrap()
}

fn in_secs(secs: u64) -> Timestamp {
    Timestamp::now()
        .checked_add(Duration::from_secs(secs))
        .unwrap()
}

#[tokio::test]
async fn a_scheduled_article_reaches_the_home_page_and_its_section_within_a_second_of_its_time() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let by = editor(store).await;
    let id = draft(store, by, "Tide tables for the festival weekend").await;
    // Pages are cached before the time, so the purge is what shows it.
    assert!(
        !server
            .page("/")
            .await
            .contains("Tide tables for the festival weekend")
    );
    let when = in_secs(2);
    store
        .schedule_article(id, when, by, Timestamp::now())
        .await
        .unwrap();

    for path in ["/", "/news"] {
        let until_shown = eventually(Duration::from_secs(5), || async {
            server
                .page(path)
                .await
                .contains("Tide tables for the festival weekend")
        })
        .await;
        let late = Timestamp::now().duration_since(when);
        assert!(
            late < jiff::SignedDuration::from_secs(1),
            "{path} showed it {late:?} after its time (polled {until_shown:?})"
        );
    }
    let published = store.article(id).await.unwrap().unwrap();
    assert!(
        published.first_published_at.unwrap() >= when,
        "not before its time"
    );
}

struct Server(Child);

impl Server {
    fn start(data: &std::path::Path) -> (Self, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("DATELINE_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        (Self(child), base)
    }

    /// SIGKILL: no shutdown, no flush, as a crash or an OOM kill.
    fn kill_9(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_schedule_that_falls_while_the_server_is_down_is_published_once_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let demo = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["demo", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let store = Store::open_sqlite(&data.path().join("dateline.db"))
        .await
        .unwrap();
    let by = editor(&store).await;
    let id = draft(&store, by, "Overnight count in the assembly polls").await;

    let (server, base) = Server::start(data.path());
    dateline::install_tls_provider();
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let when = in_secs(2);
    let head = store.last_change_seq().await.unwrap();
    store
        .schedule_article(id, when, by, Timestamp::now())
        .await
        .unwrap();
    server.kill_9();

    // Nobody is running when the time comes (this waits for the clock, not
    // for a condition some code could signal).
    let past_it = when.duration_since(Timestamp::now()) + jiff::SignedDuration::from_millis(500);
    tokio::time::sleep(Duration::try_from(past_it).unwrap_or_default()).await;
    assert_eq!(
        store.editorial(id).await.unwrap().unwrap().status,
        ArticleStatus::Scheduled
    );

    let (_server, base) = Server::start(data.path());
    eventually(Duration::from_secs(5), || async {
        store.editorial(id).await.unwrap().unwrap().status == ArticleStatus::Published
    })
    .await;
    let home = client
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Overnight count in the assembly polls"));

    let published: Vec<_> = store
        .changes_since(head, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.entity_id == id.0 && c.kind == ChangeKind::Published)
        .collect();
    assert_eq!(published.len(), 1, "{published:?}");
    let audit = store.audit_log(Some(id), 10).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "published").count(),
        1,
        "{audit:?}"
    );
}
