//! Audience numbers without cookies: page views from readers' beacons make
//! Most read; a flood from one address counts as little as the cap lets it;
//! robots, unknown stories and malformed beacons count nothing; and no
//! reader page sets a cookie.

use std::time::{Duration, Instant};

use dateline_core::ArticleId;
use dateline_store::ArticleList;

use crate::support::TestServer;

const READER: &str = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36";

async fn beacon(server: &TestServer, from: &str, agent: &str, body: String) -> reqwest::StatusCode {
    server
        .client
        .post(format!("{}/views", server.base))
        .header("content-type", "text/plain;charset=UTF-8")
        .header("x-forwarded-for", from)
        .header("user-agent", agent)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn views_of(server: &TestServer, id: ArticleId) -> i64 {
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    let most = server.app.store.most_read(since, None, 1000).await.unwrap();
    most.iter().find(|(a, _)| *a == id).map_or(0, |(_, n)| *n)
}

#[tokio::test]
async fn beacons_make_most_read_and_a_flood_counts_as_the_cap() {
    let server = TestServer::with_demo_and(|c| {
        c.server.client_ip_header = Some("x-forwarded-for".into());
    })
    .await;
    let stories = server
        .app
        .store
        .published_articles(ArticleList::All, 20, 0)
        .await
        .unwrap();
    let (y, z) = (stories[12].id, stories[15].id);
    let started = Instant::now();
    for reader in 0..100 {
        let from = format!("10.1.{}.{}", reader / 200, reader % 200 + 1);
        let body = format!("{{\"article\": {}}}", y.0);
        assert_eq!(beacon(&server, &from, READER, body).await, 204);
    }
    for _ in 0..1000 {
        let body = format!("{{\"article\": {}}}", z.0);
        assert_eq!(beacon(&server, "10.9.9.9", READER, body).await, 204);
    }
    let flood_took = started.elapsed();
    // Counted nothing: robots, a story nobody published, bad beacons.
    let robot = format!("{{\"article\": {}}}", y.0);
    assert_eq!(
        beacon(&server, "10.2.0.1", "Googlebot/2.1", robot).await,
        204
    );
    assert_eq!(
        beacon(&server, "10.2.0.2", READER, "{\"article\": 999999}".into()).await,
        204
    );
    for bad in [
        "not a beacon",
        "{\"article\": -4}",
        "{\"article\": 1, \"reader\": \"x\"}",
        "{}",
    ] {
        assert_eq!(
            beacon(&server, "10.2.0.3", READER, bad.into()).await,
            400,
            "{bad}"
        );
    }
    let oversized = format!("{{\"article\": {}, \"pad\": \"{}\"}}", y.0, "x".repeat(300));
    assert_eq!(beacon(&server, "10.2.0.4", READER, oversized).await, 400);
    assert!(
        beacon(&server, "10.2.0.5", READER, "x".repeat(10_000))
            .await
            .is_client_error()
    );

    // The views reach the store with the next flush (every 5 s). Asked
    // before it, Most read would show the old list for as long as it keeps
    // one (30 s), which is right for readers but only slows this test.
    crate::support::eventually(Duration::from_secs(60), || async {
        views_of(&server, y).await == 100
    })
    .await;
    // Then the story with the most readers leads Most read.
    let start = Instant::now();
    loop {
        let html = server.get("/most-read").await.text().await.unwrap();
        let first = html.find("class=\"list most-read\"").and_then(|at| {
            let rest = &html[at..];
            let href = rest.find("href=\"").map(|h| &rest[h + 6..])?;
            href[..href.find('"')?]
                .rsplit('-')
                .next()?
                .parse::<i64>()
                .ok()
        });
        if first == Some(y.0) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "Most read does not lead with {y}: {first:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!("Most read led with the story in {:?}", start.elapsed());
    assert_eq!(
        views_of(&server, y).await,
        100,
        "one view per reader, none by the robot"
    );
    let flood = views_of(&server, z).await;
    let cap = i64::from(dateline::web::reader::views::AT_ONCE) + flood_took.as_secs() as i64 + 1;
    println!("1,000 beacons from one address counted {flood} (cap {cap})");
    assert!(flood <= cap, "the flood counted {flood}, more than {cap}");
    let unknown = server
        .app
        .store
        .most_read(
            jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1),
            None,
            100,
        )
        .await
        .unwrap();
    assert!(
        unknown.iter().all(|(id, _)| id.0 != 999_999),
        "nothing stored for an unknown story"
    );
}

#[tokio::test]
async fn no_reader_page_sets_a_cookie() {
    let server = TestServer::with_demo().await;
    let article = server.newest_article_path("news").await;
    let pages = [
        "/".to_owned(),
        "/news".to_owned(),
        article.clone(),
        format!("{article}/print"),
        crate::live_blogs::demo_live_blog(&server).await,
        "/tag/monsoon".to_owned(),
        "/topic/monsoon-watch-2026".to_owned(),
        "/author/neha-iyer".to_owned(),
        "/about".to_owned(),
        "/search?q=monsoon".to_owned(),
        "/most-read".to_owned(),
        "/feed/rss.xml".to_owned(),
        "/sitemap.xml".to_owned(),
        "/no-such-page".to_owned(),
    ];
    for path in pages {
        let response = server.get(&path).await;
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{path} sets a cookie: {:?}",
            response.headers().get("set-cookie")
        );
    }
    let view = server
        .client
        .post(format!("{}/views", server.base))
        .header("user-agent", READER)
        .body("{\"article\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(view.status(), 204);
    assert!(
        view.headers().get("set-cookie").is_none(),
        "a beacon sets no cookie"
    );
}

#[tokio::test]
async fn most_read_is_in_the_rail_and_on_section_fronts_and_counts_readers_without_scripts() {
    let server = TestServer::with_demo_and(|c| {
        c.server.client_ip_header = Some("x-forwarded-for".into());
    })
    .await;
    let store = &server.app.store;
    let news = store
        .sections()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.slug.as_str() == "news")
        .unwrap();
    let stories = store
        .published_articles(ArticleList::Section(news.id), 5, 0)
        .await
        .unwrap();
    let read = stories[3].id;
    // Readers without scripts load the article's <noscript> picture.
    for reader in 0..5 {
        let pixel = server
            .client
            .get(format!("{}/views/pixel/{}", server.base, read.0))
            .header("x-forwarded-for", format!("10.5.0.{}", reader + 1))
            .header("user-agent", READER)
            .send()
            .await
            .unwrap();
        assert_eq!(pixel.status(), 200);
        assert_eq!(pixel.headers()["content-type"], "image/gif");
        assert_eq!(pixel.headers()["cache-control"], "no-store");
        assert!(pixel.headers().get("set-cookie").is_none());
    }
    let robot = server
        .client
        .get(format!("{}/views/pixel/{}", server.base, read.0))
        .header("user-agent", "Mozilla/5.0 (compatible; bingbot/2.0)")
        .send()
        .await
        .unwrap();
    assert_eq!(robot.status(), 200);
    let start = Instant::now();
    while views_of(&server, read).await < 5 {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "pixels not counted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(views_of(&server, read).await, 5, "five readers, no robot");

    let href = |html: &str, marker: &str| {
        let at = html.find(marker)?;
        let list = &html[at..at + html[at..].find("</ol>")?];
        Some(list.contains(&format!("-{}\"", read.0)))
    };
    // In the rail of another story's page, on the section's front, on the
    // section's Most read page; not a section nobody has.
    let other = server.newest_article_path("news").await;
    let html = server.get(&other).await.text().await.unwrap();
    assert_eq!(href(&html, "most-read-rail"), Some(true), "the rail");
    let html = server.get("/news").await.text().await.unwrap();
    assert!(html.contains("Most read in News"), "{html}");
    assert_eq!(href(&html, "most-read-section"), Some(true), "the front");
    let html = server
        .get("/most-read?section=news")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(href(&html, "list most-read"), Some(true), "the page");
    assert_eq!(server.get("/most-read?section=nowhere").await.status(), 404);
}
