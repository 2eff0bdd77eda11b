//! The live stream: an article published through the admin API reaches an
//! open stream within a second, a client that reconnects with
//! `Last-Event-ID` gets what it missed, and a thousand idle streams do not
//! slow the news down.

use std::time::{Duration, Instant};

use dateline_core::{ArticleId, ArticleStatus, Role, Scope};
use serde_json::json;

use crate::{
    api_calls::{call, token_for},
    support::{TestServer, move_to},
};

/// One server-sent event: its id (if it has one), name and data.
#[derive(Debug)]
pub(crate) struct Sent {
    pub(crate) id: Option<i64>,
    pub(crate) event: String,
    pub(crate) data: String,
}

pub(crate) struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    pub(crate) async fn open(server: &TestServer, last_event_id: Option<i64>) -> Self {
        let mut request = server.client.get(format!("{}/api/v1/live", server.base));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        Self::of(request.send().await.unwrap())
    }

    /// The events of an answer that must be a stream.
    pub(crate) fn of(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (heartbeat comments skipped), or a panic after `within`.
    pub(crate) async fn next(&mut self, within: Duration) -> Sent {
        tokio::time::timeout(within, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let field = |name: &str| {
                        block
                            .lines()
                            .find_map(|l| l.strip_prefix(name))
                            .map(|v| v.trim().to_owned())
                    };
                    if let Some(event) = field("event:") {
                        return Sent {
                            id: field("id:").map(|id| id.parse().unwrap()),
                            event,
                            data: field("data:").unwrap_or_default(),
                        };
                    }
                    continue;
                }
                let chunk = self
                    .response
                    .chunk()
                    .await
                    .unwrap()
                    .expect("the stream ended");
                self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
            }
        })
        .await
        .expect("no event in time")
    }
}

/// An editor's token for the admin API.
async fn editor_token(server: &TestServer) -> String {
    token_for(server, "editor@example.org", Role::Editor, &Scope::ALL)
        .await
        .1
}

/// Writes a draft and publishes it through the admin API; its id, when the
/// publishing request was sent and how long it took.
async fn publish(
    server: &TestServer,
    token: &str,
    headline: &str,
) -> (ArticleId, Instant, Duration) {
    let body = json!({ "headline": headline, "body": "A paragraph.", "section": "news" });
    let (status, draft) = call(server, "POST", "/api/v1/admin/articles", token, Some(body)).await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let started = Instant::now();
    let (status, published) = call(
        server,
        "POST",
        &format!("/api/v1/admin/articles/{id}/status"),
        token,
        Some(json!({ "status": "published" })),
    )
    .await;
    let took = started.elapsed();
    assert_eq!(status, 200, "{published}");
    (ArticleId(id), started, took)
}

#[tokio::test]
async fn a_publication_reaches_an_open_stream_and_a_reconnecting_client_gets_what_it_missed() {
    let server = TestServer::with_demo().await;
    let editor = editor_token(&server).await;
    let mut stream = Stream::open(&server, None).await;
    let (first, started, _) =
        publish(&server, &editor, "Ferry service resumes after repairs").await;
    let event = stream.next(Duration::from_secs(1)).await;
    eprintln!("publish to event: {:?}", started.elapsed());
    assert_eq!(event.event, "published");
    assert!(
        event.data.contains(&format!("\"id\":{}", first.0)),
        "{event:?}"
    );
    assert!(event.data.contains("Ferry service resumes"));
    drop(stream);

    // Missed while away: a second story and a withdrawal.
    let (second, ..) = publish(&server, &editor, "Night market reopens on the seafront").await;
    move_to(&server.app.store, first, ArticleStatus::Unpublished).await;
    let mut resumed = Stream::open(&server, event.id).await;
    let a = resumed.next(Duration::from_secs(1)).await;
    let b = resumed.next(Duration::from_secs(1)).await;
    assert_eq!(a.event, "published");
    assert!(a.data.contains(&format!("\"id\":{}", second.0)), "{a:?}");
    assert_eq!(b.event, "unpublished");
    assert!(b.data.contains(&format!("\"id\":{}", first.0)), "{b:?}");
    assert!(a.id > event.id && b.id > a.id && event.id.is_some());

    let bad = server
        .client
        .get(format!("{}/api/v1/live", server.base))
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_thousand_idle_streams_do_not_slow_a_publication() {
    let server = TestServer::with_demo().await;
    let editor = editor_token(&server).await;
    let mut watcher = Stream::open(&server, None).await;
    let (_, alone, write_alone) =
        publish(&server, &editor, "Council approves new bus routes").await;
    watcher.next(Duration::from_secs(1)).await;
    let alone = alone.elapsed();

    // Idle streams: open, never read.
    let mut idle = Vec::with_capacity(1000);
    for _ in 0..1000 {
        idle.push(
            server
                .client
                .get(format!("{}/api/v1/live", server.base))
                .send()
                .await
                .unwrap(),
        );
    }
    crate::support::eventually(Duration::from_secs(5), || async {
        server.app.live.streams() >= 1001
    })
    .await;
    let (_, crowded, write) = publish(&server, &editor, "Harbour bridge reopens to traffic").await;
    let event = watcher.next(Duration::from_secs(1)).await;
    let crowded = crowded.elapsed();
    eprintln!(
        "publish to event: {alone:?} with 1 stream, {crowded:?} with 1,001 (the change log is read every 100 ms); \
         the publishing request: {write_alone:?} and {write:?}"
    );
    assert_eq!(event.event, "published");
    assert!(event.data.contains("Harbour bridge"));
    drop(idle);
}
