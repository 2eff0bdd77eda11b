//! The wire desk in the admin: agency copy listed one line per story with
//! its copies counted, an item shown with the document as it arrived,
//! "Use this story" making a draft with the copy's headline, body, source,
//! writer, dateline, picture and embargo, and an embargoed story refused
//! publication until its time, when its publisher is credited as editor.

use dateline_core::{ArticleId, ArticleStatus, Role};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::{
    admin::{get_with, post},
    newsroom::session,
    support::{TestServer, encode},
};

/// A port story's copy, with markup an agency might send.
const TERMINAL: &str = "<p>The port authority said on Monday that the new container terminal \
    would open to ships in March, two months later than planned.</p>\
    <p>Dredging of the approach channel took longer than expected, an official said, and \
    <b>cranes</b> arrive next month.</p><script>alert(1)</script>";

/// A ninjs story from source `source` with `headline` (its guid made from
/// it) and `body`, optionally embargoed and with a picture at `picture`:
/// the stored item's id.
pub(crate) async fn wire_story_with(
    server: &TestServer,
    source: &str,
    headline: &str,
    body: &str,
    embargo: Option<Timestamp>,
    picture: Option<&str>,
) -> i64 {
    let mut doc = json!({
        "uri": format!("urn:test:{}", headline.replace(' ', "-")),
        "version": "1",
        "type": "text",
        "urgency": 2,
        "language": "en",
        "located": "Kochi",
        "by": "By Ravi Kumar",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
    });
    if let Some(until) = embargo {
        doc["embargoed"] = json!(until.to_string());
    }
    if let Some(href) = picture {
        doc["associations"] = json!([{"name": "photo", "type": "picture", "uri": "urn:test:photo",
            "descriptions": [{"role": "caption", "value": "The new terminal's cranes."}],
            "by": "Port Photo Unit",
            "renditions": [{"name": "large", "href": href, "width": 1000}]}]);
    }
    let store = &server.app.store;
    let source = dateline::wire::source(store, source).await.unwrap();
    let bytes = serde_json::to_vec(&doc).unwrap();
    let intake = dateline::wire::take(store, source.id, "story.json", &bytes, Timestamp::now())
        .await
        .unwrap();
    match intake {
        dateline::wire::Intake::Stored(stored) => stored.items[0].id.expect("a new item"),
        rejected => panic!("{}", rejected.summary()),
    }
}

pub(crate) async fn wire_story(
    server: &TestServer,
    headline: &str,
    embargo: Option<Timestamp>,
) -> i64 {
    wire_story_with(server, "dws", headline, TERMINAL, embargo, None).await
}

/// Serves `bytes` at `/photo.jpg` on loopback; the address.
async fn picture_server(bytes: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/photo.jpg",
        axum::routing::get(move || {
            let bytes = bytes.clone();
            async move { ([("content-type", "image/jpeg")], bytes) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/photo.jpg")
}

#[tokio::test]
async fn the_desk_lists_one_line_per_story_with_its_copies_and_filters() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let headline = "Container terminal opening delayed to March";
    let first = wire_story_with(&server, "dws", headline, TERMINAL, None, None).await;
    // The other agency's copy of the same story: one line, two copies.
    let second = wire_story_with(
        &server,
        "mna",
        &format!("{headline} (MNA)"),
        TERMINAL,
        None,
        None,
    )
    .await;
    let alone = wire_story_with(
        &server,
        "dws",
        "Library extends its evening hours",
        "<p>The city library will stay open until nine in the evening from next week, its \
         board decided, after students asked for more time to use its reading rooms.</p>",
        None,
        None,
    )
    .await;
    let stored = server.app.store.wire_item(second).await.unwrap().unwrap();
    assert_eq!(stored.cluster, first, "the copies are one cluster");

    let desk = get_with(&server, "/admin/wire", &editor.cookie).await;
    assert_eq!(desk.status(), 200);
    let html = desk.text().await.unwrap();
    let line = |id: i64| {
        let at = html
            .find(&format!("href=\"/admin/wire/{id}\""))
            .unwrap_or_else(|| panic!("item {id} listed: {html}"));
        html[at..at + html[at..].find("</tr>").unwrap()].to_owned()
    };
    let story = line(second);
    assert!(
        story.contains("MNA") && story.contains("<td>2</td>"),
        "{story}"
    );
    assert!(story.contains("<td>en</td>"), "{story}");
    assert!(
        !html.contains(&format!("href=\"/admin/wire/{first}\"")),
        "the older copy is not a line of its own"
    );
    assert!(line(alone).contains("<td>1</td>"));
    assert!(
        html.find(&format!("/admin/wire/{alone}\""))
            < html.find(&format!("/admin/wire/{second}\"")),
        "newest first"
    );

    let filtered = get_with(
        &server,
        "/admin/wire?source=99999&q=terminal",
        &editor.cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(filtered.contains("No agency stories match."));
    let dws = server.app.store.sources().await.unwrap();
    let dws = dws.iter().find(|s| s.slug == "dws").unwrap().id;
    let filtered = get_with(
        &server,
        &format!("/admin/wire?source={dws}&q=TERMINAL"),
        &editor.cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        filtered.contains(&format!("/admin/wire/{first}\"")),
        "{filtered}"
    );
    assert!(!filtered.contains(&format!("/admin/wire/{alone}\"")));

    // The item page: the copy sanitised, the other agency's copy, and the
    // document as it arrived.
    let item = get_with(&server, &format!("/admin/wire/{first}"), &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(item.contains("<b>cranes</b>"), "{item}");
    assert!(!item.contains("<script>alert(1)</script>"), "never run");
    assert!(
        item.contains("&lt;script&gt;alert(1)"),
        "the raw document, escaped"
    );
    assert!(
        item.contains(&format!("href=\"/admin/wire/{second}\"")),
        "the other copy"
    );
    assert!(
        item.contains("urn:test:Container-terminal"),
        "the raw document"
    );
}

#[tokio::test]
async fn a_used_embargoed_story_cannot_be_published_before_its_time_and_credits_its_publisher() {
    // The picture is on loopback: allowed for this test only.
    let server =
        TestServer::with_demo_and(|config| config.wire.fetch_private_addresses = true).await;
    let editor = session(&server, Role::Editor).await;
    let photo = picture_server(crate::media::fixture("orientation-1.jpg")).await;
    let until = Timestamp::now() + SignedDuration::from_hours(2);
    // Embargo times travel as RFC 3339 to the second.
    let until = Timestamp::from_second(until.as_second()).unwrap();
    let id = wire_story_with(
        &server,
        "dws",
        "Container terminal opening delayed to March",
        TERMINAL,
        Some(until),
        Some(&photo),
    )
    .await;
    let item = get_with(&server, &format!("/admin/wire/{id}"), &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(item.contains("id=\"wire-embargo\""), "the embargo is shown");

    let section = server.app.store.sections().await.unwrap().remove(0);
    let used = post(
        &server,
        &format!("/admin/wire/{id}/use"),
        &editor.cookie,
        encode(&[("csrf", &editor.csrf), ("section", &section.id.to_string())]),
    )
    .await;
    assert_eq!(used.status(), 303);
    let location = used.headers()["location"].to_str().unwrap().to_owned();
    let (path, agency) = location.split_once('?').unwrap();
    assert_eq!(agency, format!("agency={id}"));
    let article = ArticleId(path.rsplit('/').next().unwrap().parse().unwrap());
    // The editor hands the agency's HTML, sanitised, to the visual editor,
    // which reads it through its paste cleaner; only for the new draft.
    let editor_page = get_with(&server, &location, &editor.cookie).await;
    let editor_page = editor_page.text().await.unwrap();
    let copy = &editor_page[editor_page
        .find(r#"<template id="agency-copy">"#)
        .expect("the agency's copy")..];
    assert!(
        copy.contains("<b>cranes</b>")
            && !copy[..copy.find("</template>").unwrap()].contains("alert")
    );
    let plain = get_with(&server, path, &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(!plain.contains("agency-copy"));

    let store = &server.app.store;
    let draft = store.article(article).await.unwrap().unwrap();
    assert_eq!(
        draft.headline,
        "Container terminal opening delayed to March"
    );
    assert!(
        draft.body_html.contains("<strong>cranes</strong>"),
        "{}",
        draft.body_html
    );
    assert!(!draft.body_html.contains("alert"));
    assert_eq!(
        draft.source.as_ref().unwrap().slug,
        "dws",
        "the source, with its notice"
    );
    assert_eq!(draft.authors[0].name, "Ravi Kumar", "the agency's writer");
    assert_eq!(draft.place.as_deref(), Some("Kochi"));
    let editorial = store.editorial(article).await.unwrap().unwrap();
    let lead = editorial.lead_image.as_ref().expect("the picture, fetched");
    assert_eq!(lead.caption.as_deref(), Some("The new terminal's cranes."));
    assert_eq!(lead.credit.as_deref(), Some("Port Photo Unit"));
    let picture = store.library_item(lead.media).await.unwrap().unwrap();
    assert_eq!(
        picture.credit, "Port Photo Unit",
        "kept in the media library"
    );
    assert!(draft.edited_by.is_none(), "credited when published");
    let editorial = store.editorial(article).await.unwrap().unwrap();
    assert_eq!(
        editorial.embargo_until,
        Some(until),
        "the embargo came along"
    );
    let item = store.wire_item(id).await.unwrap().unwrap();
    assert_eq!(item.state, dateline_store::WireState::Used);

    // Publishing before the embargo ends is refused, and nothing changes.
    let early = post(
        &server,
        &format!("/admin/articles/{article}/status"),
        &editor.cookie,
        encode(&[("csrf", &editor.csrf), ("status", "published")]),
    )
    .await;
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("embargo"));
    assert_eq!(
        store.editorial(article).await.unwrap().unwrap().status,
        ArticleStatus::Draft
    );

    // At its time it goes out, "Edited By" the editor who published it.
    store
        .move_article(article, ArticleStatus::Published, editor.user, until)
        .await
        .unwrap();
    let published = store.article(article).await.unwrap().unwrap();
    let edited_by = published.edited_by.expect("the publisher credited");
    assert_eq!(edited_by.name, "Kavya Menon", "the staff member's name");
}

#[tokio::test]
async fn files_in_a_watched_folder_are_taken_in_and_moved_to_done_or_failed() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_owned();
    let server = TestServer::with_demo_and(|config| {
        config.wire.watch.insert("dws".into(), dir.clone());
        config.wire.scan_millis = 50;
    })
    .await;
    let story = json!({"uri": "urn:test:ferry", "version": "1", "type": "text",
        "headlines": [{"role": "main", "value": "Ferry service resumes"}],
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": "Boats sail again."}]});
    // Written under a dot name and renamed whole, as agencies' tools do.
    std::fs::write(dir.join(".story.json"), serde_json::to_vec(&story).unwrap()).unwrap();
    std::fs::rename(dir.join(".story.json"), dir.join("story.json")).unwrap();
    std::fs::write(
        dir.join("bad.json"),
        "{\"uri\": \"urn:x\",\n \"urgency\": \"high\"}",
    )
    .unwrap();
    crate::support::eventually(std::time::Duration::from_secs(10), || async {
        dir.join("done/story.json").exists() && dir.join("failed/bad.json.reason").exists()
    })
    .await;
    assert!(!dir.join("story.json").exists() && !dir.join("bad.json").exists());
    assert!(dir.join("failed/bad.json").exists());
    let reason = std::fs::read_to_string(dir.join("failed/bad.json.reason")).unwrap();
    assert!(reason.contains("/urgency"), "{reason}");
    let lines = server
        .app
        .store
        .wire_desk(&dateline_store::WireFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(lines[0].headline, "Ferry service resumes");
    assert_eq!(lines[0].source_name, "DWS");
}
