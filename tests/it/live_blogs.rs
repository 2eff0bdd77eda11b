//! Live blogs: the page is complete without JavaScript (entries newest
//! first, each with its anchor, LiveBlogPosting JSON-LD), entries are added
//! through the admin API and the editor, reach open streams as `entry`
//! events, and bad entries are refused whole. The browser half (an entry
//! appearing without a reload) is in `browser.rs`.

use std::time::Duration;

use dateline_core::{Role, Scope};
use serde_json::{Value, json};

use crate::{
    admin::{get_with, post},
    api_calls::{call, token_for},
    live::Stream,
    newsroom::session,
    structured::{assert_passes_structured_data_checks, json_ld},
    support::{TestServer, encode, eventually, validators_available},
};

/// The demo's live blog: its path.
pub(crate) async fn demo_live_blog(server: &TestServer) -> String {
    let html = server.page("/news").await;
    let start = html
        .find("href=\"/news/chennai-rain-live-updates-")
        .expect("the demo's live blog on /news");
    let rest = &html[start + 6..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_live_blog_page_is_complete_without_javascript() {
    let server = TestServer::with_demo().await;
    let path = demo_live_blog(&server).await;
    let html = server.page(&path).await;
    // Entries newest first, each with an anchor and its time for readers.
    let first = html.find("Depression forms; landfall expected").unwrap();
    let last = html.find("Good morning from Chennai").unwrap();
    assert!(first < last, "newest first");
    assert_eq!(html.matches("<li class=\"entry\" id=\"entry-").count(), 6);
    assert!(
        html.contains("November 19, 2026 15:00 IST"),
        "times in the site's zone"
    );
    assert!(
        html.contains("<strong>9.2 cm</strong>"),
        "entries are Markdown"
    );
    assert!(html.contains("data-live-blog"));
    let at = html
        .find("<script src=\"/static/live.")
        .expect("the live script");
    let src = &html[at + 13..];
    let src = &src[..src.find('"').unwrap()];
    let script = server.get(src).await;
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().contains("EventSource"));

    let blocks = json_ld(&html);
    let blog = blocks
        .iter()
        .find(|b| b["@type"] == "LiveBlogPosting")
        .expect("a LiveBlogPosting");
    assert_eq!(blog["coverageStartTime"], "2026-11-19T02:30:00Z");
    let updates = blog["liveBlogUpdate"].as_array().unwrap();
    assert_eq!(updates.len(), 6);
    assert_eq!(updates[0]["@type"], "BlogPosting");
    assert_eq!(
        updates[0]["headline"],
        "Depression forms; landfall expected on Friday"
    );
    assert_eq!(updates[0]["datePublished"], "2026-11-19T09:30:00Z");
    assert!(updates[0]["url"].as_str().unwrap().contains("#entry-"));
    // An entry without a title is headed by its first words, in plain text.
    let untitled = &updates[3];
    assert!(
        untitled["headline"]
            .as_str()
            .unwrap()
            .starts_with("Nungambakkam recorded 9.2 cm of rain"),
        "{untitled}"
    );
    assert!(!untitled["articleBody"].as_str().unwrap().contains('<'));

    // A standard article stays a NewsArticle with no live script.
    let standard = server.page(&server.newest_article_path("news").await).await;
    assert!(
        json_ld(&standard)
            .iter()
            .any(|b| b["@type"] == "NewsArticle")
    );
    assert!(!standard.contains("live.js"));

    // Google's, Twitter's and Facebook's checks, where the validators are.
    if !validators_available() {
        return;
    }
    assert_passes_structured_data_checks(&server, &path).await;
}

#[tokio::test]
async fn entries_from_the_admin_api_reach_open_streams_and_the_content_api() {
    let server = TestServer::with_demo().await;
    let (_, token) = token_for(&server, "live@example.org", Role::Editor, &Scope::ALL).await;
    let body = json!({
        "headline": "Counting day as it happens",
        "body": "Results from every seat through the day.",
        "section": "news",
        "kind": "live",
    });
    let (status, created) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &token,
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (
            created["kind"].as_str(),
            created["entries"].as_array().map(Vec::len)
        ),
        (Some("live"), Some(0))
    );
    let id = created["id"].as_i64().unwrap();
    let entries = format!("/api/v1/admin/articles/{id}/entries");
    let mut stream = Stream::open(&server, None).await;
    let (status, _) = call(
        &server,
        "POST",
        &format!("/api/v1/admin/articles/{id}/status"),
        &token,
        Some(json!({ "status": "published" })),
    )
    .await;
    assert_eq!(status, 200);

    let (status, entry) = call(
        &server,
        "POST",
        &entries,
        &token,
        Some(
            json!({ "title": "First results", "body": "The ruling party leads in **12** seats." }),
        ),
    )
    .await;
    assert_eq!(status, 201, "{entry}");
    assert_eq!(entry["title"], "First results");
    assert!(
        entry["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>12</strong>")
    );
    // The entry's own event comes first, then the article's update.
    assert_eq!(stream.next(Duration::from_secs(1)).await.event, "published");
    let sent = stream.next(Duration::from_secs(1)).await;
    assert_eq!(sent.event, "entry", "{sent:?}");
    let data: Value = serde_json::from_str(&sent.data).unwrap();
    assert_eq!(
        (data["id"].as_i64(), &data["entry"]["id"]),
        (Some(id), &entry["id"])
    );
    assert_eq!(data["entry"]["body_html"], entry["body_html"]);
    assert_eq!(stream.next(Duration::from_secs(1)).await.event, "updated");

    // Readers and apps see it too.
    let (_, article) = call(
        &server,
        "GET",
        &format!("/api/v1/articles/{id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(article["kind"], "live");
    assert_eq!(article["entries"][0]["id"], entry["id"]);
    let page = data["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&server.base)
        .unwrap()
        .to_owned();
    eventually(Duration::from_secs(2), || {
        let page = page.clone();
        let server = &server;
        async move { server.page(&page).await.contains("First results") }
    })
    .await;

    // Bad entries are refused with the field named, and nothing is stored.
    let (_, standard) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &token,
        Some(json!({ "headline": "An ordinary story", "body": "Text.", "section": "news" })),
    )
    .await;
    let standard_entries = format!("/api/v1/admin/articles/{}/entries", standard["id"]);
    let long = "x".repeat(121);
    for (path, body, status, field) in [
        (&entries, json!({ "body": "  " }), 422, "body"),
        (
            &entries,
            json!({ "title": long, "body": "Text." }),
            422,
            "title",
        ),
        (
            &entries,
            json!({ "body": "Text.", "pinned": true }),
            422,
            "pinned",
        ),
        (&entries, json!({ "body": 7 }), 422, "body"),
        (&standard_entries, json!({ "body": "Text." }), 422, "kind"),
    ] {
        let (got, error) = call(&server, "POST", path, &token, Some(body.clone())).await;
        assert_eq!(
            (got, error["fields"][0]["field"].as_str()),
            (status, Some(field)),
            "{body}: {error}"
        );
    }
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/admin/articles/999999/entries",
        &token,
        Some(json!({ "body": "Text." })),
    )
    .await;
    assert_eq!(status, 404);
    let (_, article) = call(
        &server,
        "GET",
        &format!("/api/v1/admin/articles/{id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(article["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_editor_adds_and_deletes_entries_in_the_editor() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let path = demo_live_blog(&server).await;
    let id = path.rsplit('-').next().unwrap();
    let form = get_with(&server, &format!("/admin/articles/{id}"), &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("Live entries"), "the editor offers entries");
    assert!(form.contains("<option value=\"live\" selected>"));

    let added = post(
        &server,
        &format!("/admin/articles/{id}/entries"),
        &editor.cookie,
        encode(&[
            ("csrf", &editor.csrf),
            ("title", "Rain eases"),
            ("body", "The rain has eased over the city."),
        ]),
    )
    .await;
    assert_eq!(added.status(), 303);
    eventually(Duration::from_secs(2), || async {
        server.page(&path).await.contains("Rain eases")
    })
    .await;
    let without_csrf = post(
        &server,
        &format!("/admin/articles/{id}/entries"),
        &editor.cookie,
        encode(&[("body", "Forged.")]),
    )
    .await;
    assert_eq!(without_csrf.status(), 403);
    let empty = post(
        &server,
        &format!("/admin/articles/{id}/entries"),
        &editor.cookie,
        encode(&[("csrf", &editor.csrf), ("body", " ")]),
    )
    .await;
    assert_eq!(empty.status(), 422);

    let article = server
        .app
        .store
        .article(dateline_core::ArticleId(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        article.entries.len(),
        7,
        "six from the demo and the new one"
    );
    let newest = article.entries[0].id;
    let deleted = post(
        &server,
        &format!("/admin/articles/{id}/entries/{newest}/delete"),
        &editor.cookie,
        encode(&[("csrf", &editor.csrf), ("confirmed", "yes")]),
    )
    .await;
    assert_eq!(deleted.status(), 303);
    eventually(Duration::from_secs(2), || async {
        !server.page(&path).await.contains("Rain eases")
    })
    .await;
}
