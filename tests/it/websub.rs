//! WebSub: feeds name the configured hub, and the hub hears of every feed
//! a published or unpublished article is in. The hub here is a real HTTP
//! endpoint on loopback that records what it is sent; drafts never reach
//! it, and a hub that fails is asked again.

use std::{
    collections::BTreeSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{extract::State, http::HeaderMap, http::StatusCode, routing::post};
use dateline_core::{ArticleStatus, Role};

use crate::{
    admin::add_staff,
    support::{TestServer, draft, draft_in, eventually, move_to},
};

/// A hub that records the `hub.url` of every publish ping, after refusing
/// the first `failures` with 503.
struct Hub {
    url: String,
    pings: Arc<Mutex<Vec<String>>>,
    refused: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct HubState {
    pings: Arc<Mutex<Vec<String>>>,
    failures: usize,
    refused: Arc<AtomicUsize>,
}

impl Hub {
    async fn start(failures: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hub", listener.local_addr().unwrap());
        let state = HubState {
            pings: Arc::default(),
            failures,
            refused: Arc::default(),
        };
        let hub = Hub {
            url,
            pings: state.pings.clone(),
            refused: state.refused.clone(),
        };
        let router = axum::Router::new()
            .route("/hub", post(receive))
            .with_state(state);
        tokio::spawn(async move { axum::serve(listener, router).await });
        hub
    }

    fn pinged(&self) -> BTreeSet<String> {
        self.pings.lock().unwrap().iter().cloned().collect()
    }
}

async fn receive(State(hub): State<HubState>, headers: HeaderMap, body: String) -> StatusCode {
    if headers["content-type"] != "application/x-www-form-urlencoded" {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE;
    }
    let form: Vec<(String, String)> = serde_html_form::from_str(&body).unwrap();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if field("hub.mode").as_deref() != Some("publish") {
        return StatusCode::BAD_REQUEST;
    }
    let Some(topic) = field("hub.url") else {
        return StatusCode::BAD_REQUEST;
    };
    if hub.refused.fetch_add(1, Ordering::SeqCst) < hub.failures {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    hub.pings.lock().unwrap().push(topic);
    StatusCode::NO_CONTENT
}

/// The feeds of `lists` (`/feed`, `/feed/section/news`, …) in every format.
fn feeds(base: &str, lists: &[String]) -> BTreeSet<String> {
    lists
        .iter()
        .flat_map(|list| {
            ["rss.xml", "atom.xml", "feed.json"].map(|format| format!("{base}{list}/{format}"))
        })
        .collect()
}

/// Every list an article is in, as its feed path.
async fn lists_of(server: &TestServer, id: dateline_core::ArticleId) -> Vec<String> {
    let article = server.app.store.article(id).await.unwrap().unwrap();
    let mut lists = vec![
        "/feed".to_owned(),
        format!("/feed/section/{}", article.section.slug),
    ];
    for (kind, named) in [
        ("tag", &article.tags),
        ("topic", &article.topics),
        ("author", &article.authors),
    ] {
        lists.extend(named.iter().map(|n| format!("/feed/{kind}/{}", n.slug)));
    }
    lists
}

#[tokio::test]
async fn feeds_name_the_hub_and_it_hears_of_every_feed_a_published_or_unpublished_story_is_in() {
    let hub = Hub::start(0).await;
    let server = TestServer::with_demo_and(|c| c.feeds.websub_hub = Some(hub.url.clone())).await;

    // Every format names the hub beside its own address.
    for format in ["rss.xml", "atom.xml"] {
        let body = server.page(&format!("/feed/section/news/{format}")).await;
        assert!(
            body.contains(&format!("href=\"{}\" rel=\"hub\"", hub.url)),
            "{format} names the hub:\n{body}"
        );
        let parsed = feed_rs::parser::parse(body.as_bytes()).unwrap();
        assert!(
            parsed
                .links
                .iter()
                .any(|l| l.rel.as_deref() == Some("self"))
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&server.page("/feed/section/news/feed.json").await).unwrap();
    assert_eq!(
        json["hubs"],
        serde_json::json!([{ "type": "WebSub", "url": hub.url }])
    );

    let store = &server.app.store;
    let editor = add_staff(&server, "kavya@example.org", Role::Editor).await;
    // A draft in another section, sent for review: no feed shows it.
    let elsewhere = crate::support::section_other_than(store, "news").await;
    let private = draft_in(store, &elsewhere.slug, editor, "Quarry plans under review").await;
    move_to(store, private, ArticleStatus::InReview).await;
    // A story published, and one of the demo's (with tags, a topic,
    // authors) taken down.
    let fresh = draft(store, editor, "Ferry timetable extended").await;
    move_to(store, fresh, ArticleStatus::Published).await;
    let cards = store
        .published_articles(dateline_store::ArticleList::All, 50, 0)
        .await
        .unwrap();
    let mut taken_down = None;
    for card in &cards {
        let article = store.article(card.id).await.unwrap().unwrap();
        if article.section.slug == "news" && !article.tags.is_empty() && !article.authors.is_empty()
        {
            taken_down = Some(article.id);
            break;
        }
    }
    let taken_down = taken_down.expect("the demo has a tagged News story with a byline");
    let mut expected = feeds(&server.base, &lists_of(&server, fresh).await);
    expected.extend(feeds(&server.base, &lists_of(&server, taken_down).await));
    move_to(store, taken_down, ArticleStatus::Unpublished).await;

    // Pings wait a second for every node's cache to settle.
    let took = eventually(Duration::from_secs(5), || async {
        hub.pinged().is_superset(&expected)
    })
    .await;
    let pinged = hub.pinged();
    let unexpected: Vec<_> = pinged.difference(&expected).collect();
    assert!(
        unexpected.is_empty(),
        "only the feeds the stories are in were pinged; also {unexpected:?}"
    );
    let private_feeds = feeds(&server.base, &[format!("/feed/section/{}", elsewhere.slug)]);
    assert!(pinged.is_disjoint(&private_feeds), "a draft is in no feed");
    eprintln!(
        "the hub heard of {} feeds {took:?} after the change",
        pinged.len()
    );
}

#[tokio::test]
async fn a_hub_that_fails_is_asked_again() {
    let hub = Hub::start(2).await;
    let server = TestServer::with_demo_and(|c| c.feeds.websub_hub = Some(hub.url.clone())).await;
    let store = &server.app.store;
    let editor = add_staff(&server, "kavya@example.org", Role::Editor).await;
    let fresh = draft(store, editor, "Lighthouse reopens to visitors").await;
    move_to(store, fresh, ArticleStatus::Published).await;
    let site = format!("{}/feed/rss.xml", server.base);
    // Two refusals: the job fails twice and is retried after 2 s, then 4 s.
    eventually(Duration::from_secs(15), || async {
        hub.pinged().contains(&site)
    })
    .await;
    assert!(hub.refused.load(Ordering::SeqCst) >= 3);
}
