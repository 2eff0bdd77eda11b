//! The page cache as clients and CDNs see it, and its promise to readers:
//! a change is everywhere within a second, and no page mixes old and new.

use std::{
    io::Read,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use dateline_core::{Body, Headline, article_path};
use dateline_store::{ArticleList, ArticleText};

use crate::support::{TestServer, escape, eventually};

#[tokio::test]
async fn cached_pages_carry_validators_and_surrogate_keys() {
    let server = TestServer::with_demo().await;
    let path = server.newest_article_path("news").await;
    let id = path.rsplit('-').next().unwrap();
    let first = server.get(&path).await;
    let headers = first.headers().clone();
    for name in [
        "etag",
        "last-modified",
        "cache-control",
        "vary",
        "surrogate-key",
    ] {
        assert!(headers.contains_key(name), "{name} is missing");
    }
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("stale-while-revalidate=")
    );
    assert_eq!(headers["vary"], "Accept-Encoding");
    let keys = headers["surrogate-key"].to_str().unwrap();
    assert!(
        keys.split(' ').any(|k| k == format!("article-{id}")),
        "{keys}"
    );

    let revalidated = server
        .client
        .get(format!("{}{path}", server.base))
        .header("if-none-match", headers["etag"].clone())
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert!(revalidated.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn gzip_and_brotli_bodies_are_the_same_page() {
    let server = TestServer::with_demo().await;
    let identity = server.page("/").await;
    let fetch = |encoding: &'static str| {
        let request = server
            .client
            .get(format!("{}/", server.base))
            .header("accept-encoding", encoding);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.headers()["content-encoding"], encoding);
            response.bytes().await.unwrap()
        }
    };
    let mut from_gzip = String::new();
    flate2::read::GzDecoder::new(&fetch("gzip").await[..])
        .read_to_string(&mut from_gzip)
        .unwrap();
    let mut from_brotli = String::new();
    brotli::Decompressor::new(&fetch("br").await[..], 4096)
        .read_to_string(&mut from_brotli)
        .unwrap();
    assert_eq!(from_gzip, identity);
    assert_eq!(from_brotli, identity);
}

#[tokio::test]
async fn concurrent_misses_for_one_page_render_once() {
    let server = TestServer::with_demo().await;
    let before = server.app.pages.renders();
    let url = format!("{}/tag/monsoon", server.base);
    let requests: Vec<_> = (0..32)
        .map(|_| tokio::spawn(server.client.get(&url).send()))
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(server.app.pages.renders() - before, 1);
}

#[tokio::test]
async fn an_edit_reaches_every_page_within_a_second_and_no_page_mixes_old_and_new() {
    let server = Arc::new(TestServer::with_demo().await);
    let store = &server.app.store;
    let card = store
        .published_articles(ArticleList::All, 1, 0)
        .await
        .unwrap()
        .remove(0);
    let article = store.article(card.id).await.unwrap().unwrap();
    let tag = article
        .tags
        .first()
        .expect("the newest demo article has a tag")
        .slug
        .clone();
    let old = escape(&article.headline);
    let new_headline = "Revised headline for the cache test";
    let pages = vec![
        "/".to_owned(),
        format!("/{}", article.section.slug),
        format!("/tag/{tag}"),
        article_path(&article.section.slug, &article.slug, article.id),
    ];
    for page in &pages {
        assert!(
            server.page(page).await.contains(&old),
            "{page} shows the article before the edit"
        );
    }

    // Readers hammer the pages throughout; each checks every page it gets.
    let stop = Arc::new(AtomicBool::new(false));
    let mixed = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..8)
        .map(|r| {
            let (server, stop, mixed, pages, old) = (
                server.clone(),
                stop.clone(),
                mixed.clone(),
                pages.clone(),
                old.clone(),
            );
            tokio::spawn(async move {
                let mut n = r;
                while !stop.load(Ordering::Relaxed) {
                    let html = server.page(&pages[n % pages.len()]).await;
                    if html.contains(&old) && html.contains(new_headline) {
                        mixed.fetch_add(1, Ordering::Relaxed);
                    }
                    n += 1;
                }
            })
        })
        .collect();

    let text = ArticleText {
        headline: Headline::parse(new_headline).unwrap(),
        standfirst: article.standfirst.clone(),
        body: Body::from_markdown("The revised body."),
    };
    store
        .revise_article(article.id, &text, jiff::Timestamp::now())
        .await
        .unwrap();
    for page in &pages {
        eventually(Duration::from_secs(1), || async {
            let html = server.page(page).await;
            html.contains(new_headline) && !html.contains(&old)
        })
        .await;
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    assert_eq!(
        mixed.load(Ordering::Relaxed),
        0,
        "a page mixed the old and the new headline"
    );
}

#[tokio::test]
async fn every_surrogate_key_of_the_home_page_is_named_once() {
    let server = TestServer::with_demo().await;
    let home = server.get("/").await;
    let keys = home.headers()["surrogate-key"].to_str().unwrap().to_owned();
    let mut seen = std::collections::HashSet::new();
    for key in keys.split(' ') {
        assert!(seen.insert(key), "{key} twice in {keys}");
    }
    assert!(seen.len() > 10, "{keys}");
}

/// The theme's files go out under hashed names, compressed ahead, kept by
/// browsers for a year; the plain names still answer, for an hour.
#[tokio::test]
async fn static_files_are_hashed_precompressed_and_immutable() {
    let server = TestServer::with_demo().await;
    let home = server.page("/").await;
    let at = home.find("href=\"/static/site.").expect("the stylesheet");
    let href = &home[at + 6..];
    let href = &href[..href.find('"').unwrap()];
    assert!(
        href.ends_with(".css") && href != "/static/site.css",
        "{href}"
    );
    for (accept, encoding) in [("br, gzip", Some("br")), ("gzip", Some("gzip")), ("", None)] {
        let response = server
            .client
            .get(format!("{}{href}", server.base))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers["vary"], "Accept-Encoding");
    }
    let plain = server.get("/static/site.css").await;
    assert_eq!(plain.headers()["cache-control"], "public, max-age=3600");

    // Pictures under /media (older demo sites drew theirs there) are kept
    // a day.
    let media = server.app.media_dir().join("demo");
    std::fs::create_dir_all(&media).unwrap();
    std::fs::write(media.join("old.jpg"), b"\xff\xd8\xff\xd9").unwrap();
    let picture = server.get("/media/demo/old.jpg").await;
    assert_eq!(picture.status(), 200);
    assert_eq!(picture.headers()["cache-control"], "public, max-age=86400");
}
