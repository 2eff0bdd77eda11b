//! The newsroom's details and catalog: what an editor files an article
//! under, and what admins and editors manage (sections, sources, bylines,
//! topics, pages, tags, the feedback inbox), each reaching reader pages
//! within a second.

use std::time::Duration;

use dateline_core::{ArticleId, ArticleStatus, Role};
use jiff::Timestamp;

use crate::{
    admin::{get_with, post},
    newsroom::{Session, session},
    support::{TestServer, draft, encode, escape, eventually},
};

const WITHIN: Duration = Duration::from_secs(1);

async fn send(
    server: &TestServer,
    who: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = fields.to_vec();
    fields.push(("csrf", &who.csrf));
    post(server, path, &who.cookie, encode(&fields)).await
}

/// Waits (at most [`WITHIN`]) until `path` answers with a body for which
/// `check` holds; returns the body.
async fn page_where(server: &TestServer, path: &str, check: impl Fn(&str) -> bool) -> String {
    let start = std::time::Instant::now();
    loop {
        let body = server.get(path).await.text().await.unwrap();
        if check(&body) {
            return body;
        }
        assert!(
            start.elapsed() < WITHIN,
            "{path} did not change within {WITHIN:?}:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn the_editor_files_an_article_with_bylines_source_tags_topic_related_and_seo_texts() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let id = draft(store, editor.user.unwrap(), "Harbour dredging approved").await;
    let sections = store.sections().await.unwrap();
    let city = sections.iter().find(|s| s.slug != "news").unwrap();
    let people = store.people().await.unwrap();
    let source = store.sources().await.unwrap().remove(0);
    let topic = store.topics().await.unwrap().remove(0);
    let other = store
        .published_articles(dateline_store::ArticleList::All, 1, 0)
        .await
        .unwrap()
        .remove(0);
    let path = format!("/admin/articles/{id}");
    let (id_text, source_id, edited_by, topic_id) = (
        id.to_string(),
        source.id.0.to_string(),
        people[2].id.0.to_string(),
        topic.id.to_string(),
    );
    let authors = format!("{}, {}", people[1].name, people[0].name);
    let related = format!("{} {}\n", other.id, other.headline);
    let fields = |revision: &'static str, authors: &str, related: &str| {
        vec![
            ("revision", revision.to_owned()),
            ("headline", "Harbour dredging approved".to_owned()),
            ("standfirst", "The port trust clears the work.".to_owned()),
            ("body", "Dredging starts in March.".to_owned()),
            ("details", "1".to_owned()),
            ("section", city.id.0.to_string()),
            ("slug", "harbour-dredging-gets-the-nod".to_owned()),
            ("authors", authors.to_owned()),
            ("edited_by", edited_by.clone()),
            ("source", source_id.clone()),
            ("place", "Kochi".to_owned()),
            ("tags", "Harbours, Monsoon works, harbours".to_owned()),
            ("topics", topic_id.clone()),
            ("related", related.to_owned()),
            ("seo_title", "Kochi harbour dredging cleared".to_owned()),
            (
                "seo_description",
                "What the dredging means for the port.".to_owned(),
            ),
        ]
    };

    // Wrong details: every problem is named, nothing is saved — not even
    // the new byline an editor's save would make.
    let wrong = fields("1", "Nobody Known", &format!("{id_text} Itself\n"));
    let long_place = "Kochi ".repeat(30);
    let mut wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    wrong.retain(|(k, _)| *k != "place");
    wrong.push(("place", &long_place));
    let refused = send(&server, &editor, &path, &wrong).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("must be at most 100 characters"), "{page}");
    assert!(
        page.contains("an article cannot be related to itself"),
        "{page}"
    );
    assert_eq!(store.editorial(id).await.unwrap().unwrap().revision, 1);
    let people_now = store.people().await.unwrap();
    assert!(!people_now.iter().any(|p| p.name == "Nobody Known"));

    // Right ones: saved with the text as revision 2.
    let right = fields("1", &authors, &related);
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = send(&server, &editor, &path, &right).await;
    assert_eq!(saved.status(), 303);
    let details = store.article_details(id).await.unwrap().unwrap();
    assert_eq!(
        details.authors,
        [people[1].id, people[0].id],
        "byline order kept"
    );
    let tags: Vec<&str> = details.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tags,
        ["Harbours", "Monsoon works"],
        "a tag typed twice counts once"
    );
    assert_eq!(details.related, [other.id]);
    let audit = store.audit_log(Some(id), 10).await.unwrap();
    let filed = audit
        .iter()
        .find(|e| e.action == "details")
        .expect("audited");
    assert!(
        filed.detail.contains("section") && filed.detail.contains("tags"),
        "{}",
        filed.detail
    );

    // The editor shows them back.
    let form = get_with(&server, &path, &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains(&escape(&authors)), "authors in the form");
    assert!(form.contains("value=\"harbour-dredging-gets-the-nod\""));
    assert!(form.contains(&format!("{} {}", other.id, escape(&other.headline))));

    // Readers see every detail once it is published.
    store
        .move_article(id, ArticleStatus::Published, None, Timestamp::now())
        .await
        .unwrap();
    let reader = format!("/{}/harbour-dredging-gets-the-nod-{id}", city.slug);
    let html = page_where(&server, &reader, |html| html.contains("Kochi")).await;
    for expected in [
        format!("Source: <strong>{}</strong>", escape(&source.name)),
        format!("Edited By: <strong>{}</strong>", escape(&people[2].name)),
        escape(&people[1].name),
        "<title>Kochi harbour dredging cleared |".to_owned(),
        "content=\"What the dredging means for the port.\"".to_owned(),
        "/tag/monsoon-works".to_owned(),
        escape(&other.headline),
    ] {
        assert!(html.contains(&expected), "{expected} on the reader page");
    }
    // The old address (other section, old slug) leads to the new one.
    let old = server
        .get(&format!("/news/harbour-dredging-approved-{id}"))
        .await;
    assert_eq!(old.status(), 301);
    assert_eq!(old.headers()["location"], reader.as_str());

    // Another save moves the story to Mumbai: the revisions page lists that
    // one detail, in words.
    let mut moved = fields("2", &authors, &related);
    moved.retain(|(k, _)| *k != "place");
    moved.push(("place", "Mumbai".to_owned()));
    let moved: Vec<(&str, &str)> = moved.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(send(&server, &editor, &path, &moved).await.status(), 303);
    let revisions = get_with(&server, &format!("{path}/revisions"), &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        revisions.contains(
            "<th scope=\"row\">Dateline place</th><td><del>Kochi</del></td><td><ins>Mumbai</ins></td>"
        ),
        "{revisions}"
    );
    assert!(
        !revisions.contains(">Bylines</th>"),
        "only the place changed"
    );
}

#[tokio::test]
async fn sections_sources_bylines_pages_and_tags_are_managed_from_the_admin_and_reach_readers() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let admin = session(&server, Role::Admin).await;

    // A new section shows in the navigation; a reserved address is refused.
    let added = send(
        &server,
        &admin,
        "/admin/sections",
        &[("name", "Science"), ("position", "0")],
    )
    .await;
    assert_eq!(added.status(), 303);
    page_where(&server, "/", |html| html.contains("href=\"/science\"")).await;
    let reserved = send(
        &server,
        &admin,
        "/admin/sections",
        &[("name", "Admin"), ("slug", "admin")],
    )
    .await;
    assert_eq!(reserved.status(), 422);
    assert!(reserved.text().await.unwrap().contains("reserved"));
    // Nesting is one level deep.
    let science = store.section_by_slug("science").await.unwrap().unwrap();
    let news = store.section_by_slug("news").await.unwrap().unwrap();
    let science_path = format!("/admin/sections/{}", science.id);
    let news_id = news.id.0.to_string();
    let nested = send(
        &server,
        &admin,
        &science_path,
        &[
            ("name", "Science"),
            ("slug", "science"),
            ("parent", &news_id),
            ("position", "1"),
        ],
    )
    .await;
    assert_eq!(nested.status(), 303);
    assert_eq!(
        store
            .section_by_slug("science")
            .await
            .unwrap()
            .unwrap()
            .parent_id,
        Some(news.id)
    );
    let science_id = science.id.0.to_string();
    let too_deep = send(
        &server,
        &admin,
        &format!("/admin/sections/{}", news.id),
        &[
            ("name", &news.name),
            ("slug", "news"),
            ("parent", &science_id),
            ("position", "1"),
        ],
    )
    .await;
    assert_eq!(too_deep.status(), 422);

    // A source's notice is printed under its stories at once.
    let source = store.sources().await.unwrap().remove(0);
    let by_source = draft(store, admin.user.unwrap(), "Wire copy about the port").await;
    let source_id = source.id.0.to_string();
    let revision = store
        .editorial(by_source)
        .await
        .unwrap()
        .unwrap()
        .revision
        .to_string();
    let saved = send(
        &server,
        &admin,
        &format!("/admin/articles/{by_source}"),
        &[
            ("revision", &revision),
            ("headline", "Wire copy about the port"),
            ("body", "Text."),
            ("details", "1"),
            ("section", &news_id),
            ("source", &source_id),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    store
        .move_article(by_source, ArticleStatus::Published, None, Timestamp::now())
        .await
        .unwrap();
    let notice = "Republication of this agency's copy needs its written permission.";
    let changed = send(
        &server,
        &admin,
        &format!("/admin/sources/{}", source.id),
        &[
            ("name", &source.name),
            ("slug", &source.slug),
            ("notice", notice),
            ("full_text_in_feeds", "1"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    let rights = store.source(source.id).await.unwrap().rights;
    assert!(rights.full_text_in_feeds && !rights.full_text_in_api);
    page_where(
        &server,
        &format!("/news/wire-copy-about-the-port-{by_source}"),
        |html| html.contains(&escape(notice)),
    )
    .await;

    // A byline's biography shows on its page.
    let person = store.people().await.unwrap().remove(0);
    let bio = "Covers the port and shipping.";
    let changed = send(
        &server,
        &admin,
        &format!("/admin/bylines/{}", person.id),
        &[("name", &person.name), ("slug", &person.slug), ("bio", bio)],
    )
    .await;
    assert_eq!(changed.status(), 303);
    page_where(&server, &format!("/author/{}", person.slug), |html| {
        html.contains(bio)
    })
    .await;

    // A static page: added (linked from the footer), changed, deleted.
    let added = send(
        &server,
        &admin,
        "/admin/pages",
        &[
            ("title", "Corrections policy"),
            ("body", "We correct errors *promptly*."),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    page_where(&server, "/", |html| {
        html.contains("href=\"/corrections-policy\"")
    })
    .await;
    let html = server.page("/corrections-policy").await;
    assert!(html.contains("<em>promptly</em>"));
    let clash = send(
        &server,
        &admin,
        "/admin/pages",
        &[("title", "Science"), ("slug", "science")],
    )
    .await;
    assert_eq!(
        clash.status(),
        422,
        "a section's address is not free for a page"
    );
    let page = store
        .page_by_slug("corrections-policy")
        .await
        .unwrap()
        .unwrap();
    let deleted = send(
        &server,
        &admin,
        &format!("/admin/pages/{}/delete", page.id),
        &[],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    eventually(WITHIN, || async {
        server.get("/corrections-policy").await.status() == 404
    })
    .await;

    // A tag renamed keeps its address; deleted, it leaves its articles.
    let tag = store.tags("", 1).await.unwrap().remove(0);
    let renamed = send(
        &server,
        &admin,
        &format!("/admin/tags/{}", tag.id),
        &[("name", "Renamed tag")],
    )
    .await;
    assert_eq!(renamed.status(), 303);
    page_where(&server, &format!("/tag/{}", tag.slug), |html| {
        html.contains("Renamed tag")
    })
    .await;
    let deleted = send(
        &server,
        &admin,
        &format!("/admin/tags/{}/delete", tag.id),
        &[],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    assert!(
        store
            .tag(dateline_core::TagId(tag.id))
            .await
            .unwrap()
            .is_none()
    );
    eventually(WITHIN, || async {
        server.get(&format!("/tag/{}", tag.slug)).await.status() == 404
    })
    .await;
}

#[tokio::test]
async fn a_topic_keeps_its_curated_order_and_the_inbox_shows_what_readers_sent() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let added = send(
        &server,
        &editor,
        "/admin/topics",
        &[
            ("name", "Port expansion"),
            ("description", "The harbour's new berths, step by step."),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let topic = store
        .topics()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.slug == "port-expansion")
        .unwrap();
    let mut ids: Vec<ArticleId> = Vec::new();
    for headline in ["Berth plan unveiled", "Tenders open for berths"] {
        let id = draft(store, editor.user.unwrap(), headline).await;
        store
            .move_article(id, ArticleStatus::Published, None, Timestamp::now())
            .await
            .unwrap();
        ids.push(id);
    }
    let order = format!("/admin/topics/{}/articles", topic.id);
    for id in &ids {
        let added = send(
            &server,
            &editor,
            &order,
            &[("op", "add"), ("article", &id.to_string())],
        )
        .await;
        assert_eq!(added.status(), 303);
    }
    // Added by its address, an article already there stays where it is.
    let again = send(
        &server,
        &editor,
        &order,
        &[
            ("op", "add"),
            (
                "article",
                &format!("{}/news/berth-plan-unveiled-{}", server.base, ids[0]),
            ),
        ],
    )
    .await;
    assert_eq!(again.status(), 303);
    let listed =
        |items: Vec<dateline_store::TopicItem>| items.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(
        listed(
            store
                .topic_items(dateline_core::TopicId(topic.id))
                .await
                .unwrap()
        ),
        ids
    );
    let first_before = |html: &str, a: &str, b: &str| matches!((html.find(a), html.find(b)), (Some(x), Some(y)) if x < y);
    page_where(&server, "/topic/port-expansion", |html| {
        first_before(html, "Berth plan unveiled", "Tenders open for berths")
    })
    .await;
    let moved = send(
        &server,
        &editor,
        &order,
        &[("op", "up"), ("article", &ids[1].to_string())],
    )
    .await;
    assert_eq!(moved.status(), 303);
    page_where(&server, "/topic/port-expansion", |html| {
        first_before(html, "Tenders open for berths", "Berth plan unveiled")
    })
    .await;
    let removed = send(
        &server,
        &editor,
        &order,
        &[("op", "remove"), ("article", &ids[0].to_string())],
    )
    .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(
        listed(
            store
                .topic_items(dateline_core::TopicId(topic.id))
                .await
                .unwrap()
        ),
        [ids[1]]
    );
    let nonsense = send(
        &server,
        &editor,
        &order,
        &[("op", "add"), ("article", "not an article")],
    )
    .await;
    assert_eq!(nonsense.status(), 422);

    // A reader writes in; the inbox shows it.
    store
        .submit_feedback(
            &dateline_store::NewFeedback {
                name: "Asha".into(),
                email: dateline_core::Email::parse("asha@example.org").unwrap(),
                message: "The berth map is upside down.".into(),
                dedupe_key: "test-1".into(),
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    let inbox = get_with(&server, "/admin/feedback", &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(inbox.contains("The berth map is upside down."), "{inbox}");
}

#[tokio::test]
async fn a_contributor_files_tags_but_leaves_topics_to_editors() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let writer = session(&server, Role::Contributor).await;
    let id = draft(store, writer.user.unwrap(), "Night buses return").await;
    let news = store.section_by_slug("news").await.unwrap().unwrap();
    let topic = store.topics().await.unwrap().remove(0);
    let (section, topic) = (news.id.0.to_string(), topic.id.to_string());
    let saved = send(
        &server,
        &writer,
        &format!("/admin/articles/{id}"),
        &[
            ("revision", "1"),
            ("headline", "Night buses return"),
            ("body", "Text."),
            ("details", "1"),
            ("section", &section),
            ("tags", "Night buses"),
            ("topics", &topic),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let details = store.article_details(id).await.unwrap().unwrap();
    assert_eq!(details.tags.len(), 1, "tags are the writer's");
    assert!(details.topics.is_empty(), "topics are curated by editors");
    let form = get_with(&server, &format!("/admin/articles/{id}"), &writer.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !form.contains("name=\"topics\""),
        "no topic boxes for a contributor"
    );
}
