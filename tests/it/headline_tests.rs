//! Headline tests: an editor gives a published story another headline;
//! the home page shows each in turn, every version from the page cache;
//! beacons report showings and clicks; once shown as often as set, the
//! headline clicked most per showing is adopted, with the result in the
//! audit log. Tests that cannot be run are refused, storing nothing.

use std::time::{Duration, Instant};

use dateline_core::Role;
use dateline_store::ArticleList;

use crate::{
    admin::post,
    newsroom::{Session, session},
    support::{TestServer, draft, encode},
};

const READER: &str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";
const OTHER: &str = "Monsoon arrives early: what the first week of rain means for farmers";

async fn test_form(
    server: &TestServer,
    editor: &Session,
    story: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("csrf", editor.csrf.as_str())];
    all.extend_from_slice(fields);
    let path = format!("/admin/articles/{story}/headline-test");
    post(server, &path, &editor.cookie, encode(&all)).await
}

async fn beacon(server: &TestServer, from: &str, body: String) -> reqwest::StatusCode {
    server
        .client
        .post(format!("{}/views", server.base))
        .header("x-forwarded-for", from)
        .header("user-agent", READER)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

/// Which headline (by number) the home page's card of `story` shows.
fn shown_on(html: &str, story: i64) -> Option<u8> {
    let marker = format!("data-headline-test=\"{story}:");
    let at = html.find(&marker)? + marker.len();
    html[at..at + 1].parse().ok()
}

#[tokio::test]
async fn both_headlines_come_from_cache_and_the_winner_is_adopted() {
    let server = TestServer::with_demo_and(|c| {
        c.server.client_ip_header = Some("x-forwarded-for".into());
    })
    .await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let lead = store
        .published_articles(ArticleList::All, 1, 0)
        .await
        .unwrap()
        .remove(0);
    let (story, original) = (lead.id.0, lead.headline.clone());

    // Refused, nothing stored: a draft, the story's own headline again, too
    // few showings to decide on, no other headline at all.
    let unpublished = draft(store, editor.user.unwrap(), "Not out yet").await;
    let start = |b: &'static str, views: &'static str| {
        vec![("op", "start"), ("headline_b", b), ("views_needed", views)]
    };
    for (id, fields) in [
        (unpublished.0, start(OTHER, "100")),
        (
            story,
            vec![
                ("op", "start"),
                ("headline_b", original.as_str()),
                ("views_needed", "100"),
            ],
        ),
        (story, start(OTHER, "5")),
        (story, start("  ", "100")),
        (story, start(OTHER, "many")),
    ] {
        let refused = test_form(&server, &editor, id, &fields).await;
        assert_eq!(refused.status(), 422, "{fields:?}");
    }
    assert!(store.headline_test(lead.id).await.unwrap().is_none());
    assert!(store.headline_test(unpublished).await.unwrap().is_none());

    let started = test_form(&server, &editor, story, &start(OTHER, "100")).await;
    assert_eq!(started.status(), 303, "{}", started.text().await.unwrap());
    let again = test_form(&server, &editor, story, &start("A third idea", "100")).await;
    assert_eq!(again.status(), 422, "a running test is not replaced");

    // The home page shows each headline in turn, each version cached.
    let mut seen = [false; 2];
    for _ in 0..4 {
        let html = server.get("/").await.text().await.unwrap();
        let shown = shown_on(&html, story).expect("the lead is marked as tested");
        seen[usize::from(shown)] = true;
        let headline = if shown == 0 { original.as_str() } else { OTHER };
        assert!(
            html.contains(&html_escape(headline)),
            "headline {shown} is on the page"
        );
    }
    assert_eq!(seen, [true, true], "both headlines are shown");
    let renders = server.app.pages.renders();
    for _ in 0..10 {
        let response = server.get("/").await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(
        server.app.pages.renders(),
        renders,
        "both versions are served from the page cache"
    );

    // Bad beacons: 400, nothing counted; a story not under test is
    // accepted and not counted.
    let untested = format!("{{\"shown\": [[{}, 1]]}}", story + 1);
    assert_eq!(beacon(&server, "10.3.0.2", untested).await, 204);
    for bad in [
        format!("{{\"shown\": [[{story}, 7]]}}"),
        "{\"shown\": []}".to_owned(),
        format!("{{\"click\": [{story}]}}"),
        "{\"click\": [-1, 0]}".to_owned(),
    ] {
        assert_eq!(beacon(&server, "10.3.0.1", bad.clone()).await, 400, "{bad}");
    }

    // 100 showings, half each; the other headline is clicked five times
    // as often.
    for reader in 0..100 {
        let from = format!("10.4.{}.{}", reader / 200, reader % 200 + 1);
        let variant = reader % 2;
        let shown = format!("{{\"shown\": [[{story}, {variant}]]}}");
        assert_eq!(beacon(&server, &from, shown).await, 204);
        let clicks = if variant == 1 {
            reader % 4 == 1
        } else {
            reader % 20 == 0
        };
        if clicks {
            let click = format!("{{\"click\": [{story}, {variant}]}}");
            assert_eq!(beacon(&server, &from, click).await, 204);
        }
    }
    let begun = Instant::now();
    loop {
        let card = store.cards(&[lead.id]).await.unwrap().remove(0);
        if card.headline == OTHER {
            break;
        }
        assert!(
            begun.elapsed() < Duration::from_secs(20),
            "the winner was not adopted: {:?}",
            store.headline_test(lead.id).await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "the winner was adopted {:?} after the last beacon",
        begun.elapsed()
    );
    let test = store.headline_test(lead.id).await.unwrap().unwrap();
    assert_eq!(test.winner, Some(1));
    assert_eq!(test.shown(), 100);
    let audit = store.audit_log(Some(lead.id), 20).await.unwrap();
    let decided = audit
        .iter()
        .find(|e| e.action == "headline_test_decided")
        .expect("the result is in the audit log");
    assert!(
        decided.detail.contains(OTHER) && decided.detail.contains("of 50 showings"),
        "{}",
        decided.detail
    );
    // Decided: the home page is one page again, with the new headline.
    let html = server.get("/").await.text().await.unwrap();
    assert_eq!(shown_on(&html, story), None);
    assert!(html.contains(&html_escape(OTHER)));
}

/// As the templates escape text.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}
