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

    // Within a minute, the story with the most readers leads Most read.
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
