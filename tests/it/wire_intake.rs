//! The wire desk's network channels: a document pushed to
//! `/api/v1/wire/{source}` with the source's push token (made and revoked
//! on the source's intake page), and a feed polled with conditional GETs.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::http::{HeaderMap, StatusCode, header};
use dateline_core::Role;
use dateline_store::WireFilter;
use serde_json::{Value, json};

use crate::{
    admin::{get_with, post},
    newsroom::session,
    support::{TestServer, encode, eventually},
};

async fn source_id(server: &TestServer, slug: &str) -> i64 {
    let sources = server.app.store.sources().await.unwrap();
    sources.iter().find(|s| s.slug == slug).unwrap().id.0
}

async fn desk_headlines(server: &TestServer) -> Vec<String> {
    let lines = server
        .app
        .store
        .wire_desk(&WireFilter::default(), 50)
        .await
        .unwrap();
    lines.into_iter().map(|l| l.headline).collect()
}

async fn push(server: &TestServer, slug: &str, token: &str, body: Vec<u8>) -> (u16, Value) {
    crate::api_calls::post_raw(server, &format!("/api/v1/wire/{slug}"), token, body).await
}

/// The secret shown once on the intake page.
fn shown_secret(html: &str) -> String {
    let at = html
        .find("id=\"push-secret\"")
        .expect("the new token is shown");
    let value = &html[at..];
    let value = &value[value.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_document_pushed_with_its_sources_token_is_taken_in_and_anything_else_refused() {
    let server = TestServer::with_demo().await;
    let admin = session(&server, Role::Admin).await;
    let dws = source_id(&server, "dws").await;
    let intake = format!("/admin/sources/{dws}/intake");
    let page = get_with(&server, &intake, &admin.cookie).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("/api/v1/wire/dws"));
    // Editors cannot see or make tokens; a form without its CSRF token is refused.
    let editor = session(&server, Role::Editor).await;
    assert_eq!(
        get_with(&server, &intake, &editor.cookie).await.status(),
        403
    );
    let forged = post(
        &server,
        &format!("/admin/sources/{dws}/push-token"),
        &admin.cookie,
        String::new(),
    )
    .await;
    assert_eq!(forged.status(), 403);

    let made = post(
        &server,
        &format!("/admin/sources/{dws}/push-token"),
        &admin.cookie,
        encode(&[("csrf", &admin.csrf)]),
    )
    .await;
    assert_eq!(made.status(), 201);
    let token = shown_secret(&made.text().await.unwrap());
    assert!(token.starts_with("dlwire_"), "{token}");
    let again = get_with(&server, &intake, &admin.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&token), "shown once");
    assert!(again.contains("A push token is set."));

    let story = json!({"uri": "urn:test:tram", "version": "1", "type": "text",
        "headlines": [{"role": "main", "value": "Tram line extended to the airport"}],
        "bodies": [{"role": "main", "contenttype": "text/plain",
            "value": "The tram line will run to the airport from June, the transport board said."}]});
    let bytes = serde_json::to_vec(&story).unwrap();
    let (status, answer) = push(&server, "dws", &token, bytes.clone()).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["items"][0]["guid"], "urn:test:tram");
    assert_eq!(answer["items"][0]["outcome"], "new");
    assert!(answer["document"].is_i64());
    assert!(
        desk_headlines(&server)
            .await
            .contains(&"Tram line extended to the airport".to_owned())
    );
    let (status, answer) = push(&server, "dws", &token, bytes.clone()).await;
    assert_eq!(
        (status, &answer["document"]),
        (200, &Value::Null),
        "same bytes: {answer}"
    );

    // Another source's address, a wrong token, a missing one: 401, the same.
    for (slug, token) in [
        ("mna", token.as_str()),
        ("dws", "dlwire_wrong"),
        ("nosuch", token.as_str()),
    ] {
        let (status, answer) = push(&server, slug, token, bytes.clone()).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("invalid_token")),
            "{slug}"
        );
    }
    let bare = server
        .client
        .post(format!("{}/api/v1/wire/dws", server.base))
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    assert!(bare.headers().contains_key("www-authenticate"));

    // A document that cannot be read: 422 with the reason; nothing stored.
    let before = desk_headlines(&server).await.len();
    let bad = b"{\"uri\": \"urn:test:bad\",\n \"urgency\": \"high\"}".to_vec();
    let (status, answer) = push(&server, "dws", &token, bad).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (422, Some("rejected_document"))
    );
    assert!(
        answer["message"].as_str().unwrap().contains("/urgency"),
        "{answer}"
    );
    assert_eq!(answer["fields"][0]["field"], "body");
    let (status, _) = push(&server, "dws", &token, b"<rss><channel>".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(desk_headlines(&server).await.len(), before);

    // Revoked: refused.
    let revoked = post(
        &server,
        &format!("/admin/sources/{dws}/push-token"),
        &admin.cookie,
        encode(&[("csrf", &admin.csrf), ("revoke", "1")]),
    )
    .await;
    assert_eq!(revoked.status(), 303);
    let (status, _) = push(&server, "dws", &token, bytes).await;
    assert_eq!(status, 401);
}

/// An agency's Atom feed on loopback: what it was asked with, and an
/// `ETag` it answers `304` to.
#[derive(Clone, Default)]
struct Feed {
    asked_with: Arc<Mutex<Vec<Option<String>>>>,
}

const ETAG: &str = "\"feed-1\"";

async fn feed_server(feed: Feed) -> String {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Meridian News Agency</title><id>urn:test:mna-feed</id><updated>2026-12-05T06:00:00Z</updated>
  <entry><id>urn:test:mna:bridge</id><title>Old bridge closes for repairs</title>
    <updated>2026-12-05T06:00:00Z</updated>
    <content type="html">&lt;p&gt;The old river bridge will close for six weeks from Monday while its bearings are replaced, the public works department said.&lt;/p&gt;</content></entry>
</feed>"#;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/feed.xml",
        axum::routing::get(move |headers: HeaderMap| {
            let feed = feed.clone();
            async move {
                let sent = headers
                    .get(header::IF_NONE_MATCH)
                    .map(|v| v.to_str().unwrap().to_owned());
                feed.asked_with.lock().unwrap().push(sent.clone());
                if sent.as_deref() == Some(ETAG) {
                    return (
                        StatusCode::NOT_MODIFIED,
                        [(header::ETAG, ETAG)],
                        String::new(),
                    );
                }
                (StatusCode::OK, [(header::ETAG, ETAG)], atom.to_owned())
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/feed.xml")
}

#[tokio::test]
async fn a_polled_feed_is_fetched_with_its_etag_and_answers_not_modified() {
    let server = TestServer::with_demo_and(|config| {
        config.wire.scan_millis = 50;
        // The agency's feed is on loopback.
        config.wire.fetch_private_addresses = true;
    })
    .await;
    let admin = session(&server, Role::Admin).await;
    let mna = source_id(&server, "mna").await;
    let feed = Feed::default();
    let url = feed_server(feed.clone()).await;
    let path = format!("/admin/sources/{mna}/feed");
    let save = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", admin.csrf.clone())];
        form.extend(fields);
        let body: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&server, &path, &admin.cookie, encode(&body))
    };
    let refused = save(vec![
        ("url", "file:///etc/passwd".into()),
        ("minutes", "60".into()),
    ])
    .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("url: an address starting with")
    );

    let saved = save(vec![("url", url.clone()), ("minutes", "60".into())]).await;
    assert_eq!(saved.status(), 303);
    let channels = || async {
        server
            .app
            .store
            .wire_channels(dateline_core::SourceId(mna))
            .await
            .unwrap()
    };
    eventually(Duration::from_secs(10), || async {
        channels()
            .await
            .feed
            .unwrap()
            .status
            .is_some_and(|s| s.starts_with("200"))
    })
    .await;
    assert!(
        desk_headlines(&server)
            .await
            .contains(&"Old bridge closes for repairs".to_owned())
    );
    assert_eq!(
        *feed.asked_with.lock().unwrap(),
        [None],
        "fetched once an hour, not every look"
    );

    // Fetched now, on the admin's word: with the ETag, and the feed says 304.
    let check = post(
        &server,
        &format!("/admin/sources/{mna}/feed/check"),
        &admin.cookie,
        encode(&[("csrf", &admin.csrf)]),
    )
    .await;
    assert_eq!(check.status(), 303);
    eventually(Duration::from_secs(10), || async {
        channels().await.feed.unwrap().status.as_deref() == Some("304: not modified")
    })
    .await;
    assert_eq!(
        *feed.asked_with.lock().unwrap(),
        [None, Some(ETAG.to_owned())]
    );
    let page = get_with(
        &server,
        &format!("/admin/sources/{mna}/intake"),
        &admin.cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(page.contains("304: not modified"), "{page}");

    let stopped = save(vec![("stop", "1".into())]).await;
    assert_eq!(stopped.status(), 303);
    assert!(channels().await.feed.is_none());
}

#[tokio::test]
async fn a_feed_on_an_inward_address_is_not_fetched_unless_configured() {
    let server = TestServer::with_demo_and(|config| config.wire.scan_millis = 50).await;
    let mna = dateline_core::SourceId(source_id(&server, "mna").await);
    let feed = Feed::default();
    let url = feed_server(feed.clone()).await;
    let store = &server.app.store;
    store.set_wire_feed(mna, Some((&url, 60))).await.unwrap();
    let status = || async { store.wire_channels(mna).await.unwrap().feed.unwrap().status };
    eventually(Duration::from_secs(10), || async {
        status().await.is_some()
    })
    .await;
    let status = status().await.unwrap();
    assert!(
        status.contains("127.0.0.1 is not a public address"),
        "{status}"
    );
    assert!(feed.asked_with.lock().unwrap().is_empty(), "never asked");
}
