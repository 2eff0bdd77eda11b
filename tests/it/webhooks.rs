//! Webhooks against a real receiver on loopback: each event arrives once,
//! signed with the webhook's secret; a receiver that fails twice gets the
//! event on the third attempt, and the delivery log shows all three; a
//! webhook to an internal address is not delivered unless the operator
//! opened the own network to outbound requests.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use dateline_core::{Role, Scope};
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

use crate::{
    admin::{get_with, post as post_form},
    api_calls::{call, token_for},
    newsroom::{Session, session},
    support::{TestServer, encode, eventually},
};

#[derive(Debug, Clone)]
struct Received {
    event: String,
    delivery: String,
    signature: String,
    body: String,
    answered: u16,
}

#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<Received>>>,
    /// Answers to give, in order; then 204.
    script: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    /// Listens on loopback; its address.
    async fn start(&self) -> String {
        async fn take(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
            let answer = {
                let mut script = r.script.lock().unwrap();
                if script.is_empty() {
                    204
                } else {
                    script.remove(0)
                }
            };
            let header = |name: &str| {
                headers
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            r.received.lock().unwrap().push(Received {
                event: header("dateline-event"),
                delivery: header("dateline-delivery"),
                signature: header("dateline-signature"),
                body,
                answered: answer,
            });
            StatusCode::from_u16(answer).unwrap()
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/hook", post(take))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}/hook")
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Whether `signature` (`t=…,v1=…`) is the HMAC-SHA256 of `t.body` with
/// `secret`, computed here independently of Dateline's code.
fn signed_by(secret: &str, signature: &str, body: &str) -> bool {
    let Some((t, v1)) = signature
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
    else {
        return false;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

/// Adds a webhook through the admin's form, as a new admin; its id and
/// secret, and the admin's session.
async fn add_webhook(server: &TestServer, url: &str, events: &[&str]) -> (i64, String, Session) {
    let admin = session(server, Role::Admin).await;
    let mut fields = vec![
        ("csrf", admin.csrf.as_str()),
        ("name", "Partner app"),
        ("url", url),
    ];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let made = post_form(server, "/admin/webhooks", &admin.cookie, encode(&fields)).await;
    assert_eq!(made.status(), 201);
    let html = made.text().await.unwrap();
    let at = html.find("value=\"whsec_").expect("the secret, once") + 7;
    let secret = html[at..at + 70].to_owned();
    let hook = server.app.store.webhooks().await.unwrap().remove(0);
    // The list never shows the secret again.
    let list = get_with(server, "/admin/webhooks", &admin.cookie).await;
    assert!(!list.text().await.unwrap().contains(&secret));
    (hook.id, secret, admin)
}

async fn publish(server: &TestServer, token: &str, headline: &str) -> i64 {
    let body = json!({ "headline": headline, "body": "A paragraph.", "section": "news" });
    let (status, draft) = call(server, "POST", "/api/v1/admin/articles", token, Some(body)).await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (status, _) = call(
        server,
        "POST",
        &format!("/api/v1/admin/articles/{id}/status"),
        token,
        Some(json!({ "status": "published" })),
    )
    .await;
    assert_eq!(status, 200);
    id
}

#[tokio::test]
async fn each_event_reaches_the_receiver_once_with_a_valid_signature() {
    // The receiver is on loopback: the operator opens the own network.
    let server = TestServer::with_demo_and(|c| c.wire.fetch_private_addresses = true).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let (hook, secret, _) = add_webhook(&server, &url, &["published", "unpublished"]).await;
    let (_, token) = token_for(&server, "e@example.org", Role::Editor, &Scope::ALL).await;

    let id = publish(&server, &token, "Ferry service resumes after repairs").await;
    let (status, _) = call(
        &server,
        "POST",
        &format!("/api/v1/admin/articles/{id}/status"),
        &token,
        Some(json!({ "status": "unpublished" })),
    )
    .await;
    assert_eq!(status, 200);

    eventually(Duration::from_secs(10), || async {
        receiver.received().len() >= 2
    })
    .await;
    // Both attempts are logged (each after its request was answered).
    eventually(Duration::from_secs(10), || async {
        server
            .app
            .store
            .webhook_attempts(hook, 10)
            .await
            .unwrap()
            .len()
            >= 2
    })
    .await;
    let received = receiver.received();
    let events: Vec<&str> = received.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(events, ["article.published", "article.unpublished"]);
    for r in &received {
        assert!(signed_by(&secret, &r.signature, &r.body), "{r:?}");
        assert!(!signed_by("whsec_wrong", &r.signature, &r.body));
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["event"], r.event);
        assert_eq!(body["id"].to_string(), r.delivery);
        assert_eq!(body["article"]["id"], id);
        assert_eq!(
            body["article"]["headline"],
            "Ferry service resumes after repairs"
        );
    }
    let log = server.app.store.webhook_attempts(hook, 10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter().all(|a| a.attempt == 1 && a.delivered()),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt() {
    // The receiver is on loopback: the operator opens the own network.
    let server = TestServer::with_demo_and(|c| c.wire.fetch_private_addresses = true).await;
    let receiver = Receiver::default();
    receiver.script.lock().unwrap().extend([500, 503]);
    let url = receiver.start().await;
    let (hook, secret, admin) = add_webhook(&server, &url, &["published"]).await;
    let (_, token) = token_for(&server, "e@example.org", Role::Editor, &Scope::ALL).await;

    publish(&server, &token, "Night market reopens on the seafront").await;
    // The job system's backoff: 2 s after the first failure, 4 s after the second.
    let took = eventually(Duration::from_secs(30), || async {
        receiver.received().iter().any(|r| r.answered == 204)
    })
    .await;
    eventually(Duration::from_secs(10), || async {
        server
            .app
            .store
            .webhook_attempts(hook, 10)
            .await
            .unwrap()
            .len()
            == 3
    })
    .await;
    eprintln!("delivered on the third attempt after {took:?}");
    let received = receiver.received();
    let answers: Vec<u16> = received.iter().map(|r| r.answered).collect();
    assert_eq!(
        answers,
        [500, 503, 204],
        "delivered once, after two failures"
    );
    // The same event, the same bytes, each time.
    assert!(
        received
            .iter()
            .all(|r| r.body == received[0].body && r.delivery == received[0].delivery)
    );
    assert!(
        received
            .iter()
            .all(|r| signed_by(&secret, &r.signature, &r.body))
    );

    let mut log = server.app.store.webhook_attempts(hook, 10).await.unwrap();
    log.reverse();
    let attempts: Vec<(i64, Option<i64>, bool)> = log
        .iter()
        .map(|a| (a.attempt, a.status, a.delivered()))
        .collect();
    assert_eq!(
        attempts,
        [
            (1, Some(500), false),
            (2, Some(503), false),
            (3, Some(204), true)
        ]
    );
    // The admin's delivery log shows the three.
    let page = get_with(&server, &format!("/admin/webhooks/{hook}"), &admin.cookie).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let log_table = &html[html.find("id=\"delivery-log\"").unwrap()..];
    assert_eq!(log_table.matches("<tr class=\"failed\">").count(), 2);
    assert_eq!(log_table.matches("<tr class=\"delivered\">").count(), 1);
}

#[tokio::test]
async fn a_webhook_to_an_internal_address_is_refused_without_the_opt_out() {
    let server = TestServer::with_demo().await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let (hook, _, _) = add_webhook(&server, &url, &["published"]).await;
    let (_, token) = token_for(&server, "e@example.org", Role::Editor, &Scope::ALL).await;
    publish(&server, &token, "Harbour ferry timetable changes").await;
    eventually(Duration::from_secs(10), || async {
        !server
            .app
            .store
            .webhook_attempts(hook, 10)
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let attempt = server
        .app
        .store
        .webhook_attempts(hook, 10)
        .await
        .unwrap()
        .remove(0);
    assert!(!attempt.delivered());
    let error = attempt.error.unwrap_or_default();
    assert!(error.contains("not a public address"), "{error}");
    assert!(receiver.received().is_empty(), "nothing reached loopback");
}
