//! Feeds: every kind validates (the shared feed checker) and parses in a
//! second, independent parser (feed-rs); agency copy without redistribution
//! rights goes out as headline, summary and link only; feeds revalidate
//! with 304 and drop an unpublished article at once.

use std::time::Duration;

use dateline_core::ArticleStatus;

use crate::support::{TestServer, assert_validates, eventually, validators_available};

const FORMATS: [(&str, &str); 3] = [
    ("rss.xml", "application/rss+xml; charset=utf-8"),
    ("atom.xml", "application/atom+xml; charset=utf-8"),
    ("feed.json", "application/feed+json; charset=utf-8"),
];

/// Every feed the demo has: the site's, and one of each kind of list.
fn feed_paths() -> Vec<String> {
    let lists = [
        "/feed",
        "/feed/section/news",
        "/feed/tag/monsoon",
        "/feed/topic/monsoon-watch-2026",
        "/feed/author/neha-iyer",
    ];
    lists
        .iter()
        .flat_map(|list| FORMATS.map(|(format, _)| format!("{list}/{format}")))
        .collect()
}

async fn feed(server: &TestServer, path: &str) -> (String, feed_rs::model::Feed) {
    let response = server.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let kind = FORMATS
        .iter()
        .find(|(format, _)| path.ends_with(format))
        .unwrap()
        .1;
    assert_eq!(response.headers()["content-type"], kind, "{path}");
    let body = response.text().await.unwrap();
    let parsed = feed_rs::parser::parse(body.as_bytes())
        .unwrap_or_else(|e| panic!("feed-rs cannot parse {path}: {e}\n{body}"));
    (body, parsed)
}

#[tokio::test]
async fn every_feed_validates_and_parses_in_a_second_parser() {
    let server = TestServer::with_demo().await;
    let dir = tempfile::tempdir().unwrap();
    for path in feed_paths() {
        let (body, parsed) = feed(&server, &path).await;
        assert!(!parsed.entries.is_empty(), "{path} has entries");
        for entry in &parsed.entries {
            let link = entry
                .links
                .first()
                .map(|l| l.href.as_str())
                .unwrap_or_default();
            assert!(link.starts_with(&server.base), "{path}: entry link {link}");
            let article = link.strip_prefix(&server.base).unwrap();
            assert_eq!(server.get(article).await.status(), 200, "{path}: {article}");
        }
        if validators_available() {
            let file = dir
                .path()
                .join(path.trim_start_matches('/').replace('/', "-"));
            std::fs::write(&file, &body).unwrap();
            assert_validates("validate-feed.sh", &file, &path);
        }
    }
    // Pages name their feeds.
    let section = server.page("/news").await;
    assert!(section.contains("type=\"application/atom+xml\""));
    assert!(section.contains("rss.xml"));
    assert_eq!(server.get("/feed/nonsense.xml").await.status(), 404);
    assert_eq!(
        server.get("/feed/tag/no-such-tag/rss.xml").await.status(),
        404
    );
}

#[tokio::test]
async fn agency_copy_without_feed_rights_goes_out_as_headline_summary_and_link() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let cards = store
        .published_articles(dateline_store::ArticleList::All, 200, 0)
        .await
        .unwrap();
    let mut restricted = None;
    let mut open = None;
    for card in cards.iter().take(20) {
        let article = store.article(card.id).await.unwrap().unwrap();
        match article.source.as_ref().map(|s| s.rights.full_text_in_feeds) {
            Some(false) if restricted.is_none() => restricted = Some(article),
            Some(true) | None if open.is_none() => open = Some(article),
            _ => {}
        }
    }
    let restricted = restricted.expect("the demo has DWS copy among the newest");
    let open = open.expect("the demo has copy with feed rights among the newest");
    // A sentence of each body, as HTML carries it.
    let sentence = |html: &str| {
        let start = html.find("<p>").unwrap() + 3;
        html[start..start + 40].to_owned()
    };
    for (format, _) in FORMATS {
        let (body, parsed) = feed(&server, &format!("/feed/{format}")).await;
        let entry_of = |headline: &str| {
            parsed
                .entries
                .iter()
                .find(|e| e.title.as_ref().is_some_and(|t| t.content == headline))
                .unwrap_or_else(|| panic!("{format}: no entry for {headline}"))
        };
        let agency = entry_of(&restricted.headline);
        // JSON Feed needs a body for every item: a summary-only one says
        // its summary there.
        let agency_body = agency.content.as_ref().and_then(|c| c.body.clone());
        assert!(
            agency_body.is_none() || agency_body.as_deref() == Some(restricted.standfirst.as_str()),
            "{format}: no full text for DWS copy: {agency_body:?}"
        );
        assert!(agency.summary.is_some(), "{format}: its summary");
        assert!(!agency.links.is_empty(), "{format}: its link");
        let escaped = |s: &str| s.replace('"', "\\\"");
        assert!(
            !body.contains(&sentence(&restricted.body_html))
                && !body.contains(&escaped(&sentence(&restricted.body_html))),
            "{format}: DWS body text appears nowhere in the feed"
        );
        assert!(
            entry_of(&open.headline).content.is_some(),
            "{format}: full text where allowed"
        );
    }
}

#[tokio::test]
async fn feeds_revalidate_and_drop_an_unpublished_article_within_a_second() {
    let server = TestServer::with_demo().await;
    let first = server.get("/feed/atom.xml").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = server
        .client
        .get(format!("{}/feed/atom.xml", server.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let body = first.text().await.unwrap();
    let store = &server.app.store;
    let newest = store
        .published_articles(dateline_store::ArticleList::All, 1, 0)
        .await
        .unwrap()
        .remove(0);
    assert!(body.contains(&crate::support::escape(&newest.headline)));
    crate::support::move_to(store, newest.id, ArticleStatus::Unpublished).await;
    let headline = crate::support::escape(&newest.headline);
    eventually(Duration::from_secs(1), || async {
        let mut gone = true;
        for (format, _) in FORMATS {
            let body = server.page(&format!("/feed/{format}")).await;
            gone &= !body.contains(&headline) && !body.contains(&newest.headline);
        }
        gone
    })
    .await;
}
