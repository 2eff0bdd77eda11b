//! Every request has an id: in the `x-request-id` answer header, in the
//! log lines written while it was served, and on the error page a reader
//! sees when it failed, so a reader's report leads to the log.

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use crate::support::TestServer;

/// Log lines written by this test process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

#[tokio::test]
async fn a_failed_page_shows_its_request_id_and_the_log_names_it_with_method_and_path() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_env_filter("info")
        .try_init()
        .expect("this test process has no other subscriber");
    // A theme whose search page fails when rendered: a 500 on `/search`.
    let data = tempfile::tempdir().unwrap();
    let templates = data.path().join("theme/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("search.html"), "{{ no_such_function() }}").unwrap();
    let server = TestServer::with_demo_in(data, |_| {}).await;

    let fine = server.get("/").await;
    assert_eq!(fine.status(), 200);
    let id = fine.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!id.is_empty());
    assert_ne!(
        server.get("/").await.headers()["x-request-id"],
        id.as_str(),
        "each request has its own"
    );

    let failed = server.get("/search?q=harbour").await;
    assert_eq!(failed.status(), 500);
    let id = failed.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = failed.text().await.unwrap();
    assert!(page.contains(&format!("reference: {id}")), "{page}");
    let lines = log.lines();
    let logged = lines
        .iter()
        .find(|line| line.contains("request failed") && line.contains(&format!("id={id}")))
        .unwrap_or_else(|| panic!("no error logged:\n{}", lines.join("\n")));
    for expected in [
        format!("id={id}"),
        "method=GET".into(),
        "path=/search".into(),
    ] {
        assert!(logged.contains(&expected), "{expected} in {logged}");
    }
    assert!(logged.contains("no_such_function"), "the cause: {logged}");

    // An id a proxy gave the request is kept.
    let proxied = server
        .client
        .get(format!("{}/search?q=ferry", server.base))
        .header("x-request-id", "edge-4f1c.7")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.headers()["x-request-id"], "edge-4f1c.7");
    assert!(
        proxied
            .text()
            .await
            .unwrap()
            .contains("reference: edge-4f1c.7")
    );
    assert!(
        log.lines()
            .iter()
            .any(|line| line.contains("request failed") && line.contains("id=edge-4f1c.7"))
    );
}
