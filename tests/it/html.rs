//! Pages are valid HTML by the W3C Nu checker (installed by
//! `tests/tools/install.sh`). Without it the test says it was
//! skipped, unless `DATELINE_REQUIRE_VALIDATORS=1` (as in CI).

use crate::support::{TestServer, assert_validates, validators_available};

#[tokio::test]
async fn home_section_article_tag_topic_author_and_footer_pages_are_valid_html() {
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let article = server.newest_article_path("news").await;
    let live_blog = crate::live_blogs::demo_live_blog(&server).await;
    let token = crate::support::subscriber(&server, "reader@example.org").await;
    let preferences = format!("/newsletter/preferences/{token}");
    let unsubscribe = format!("/newsletter/unsubscribe/{token}");
    let setup = format!("/admin/setup?token={}", server.app.setup_token);
    let pages = dir_of_pages(
        &server,
        &[
            "/",
            "/news",
            &article,
            &live_blog,
            "/about",
            "/news?page=1",
            "/tag/monsoon",
            "/topic/monsoon-watch-2026",
            "/author/neha-iyer",
            "/feedback",
            "/feedback/thanks",
            "/api/docs",
            "/search",
            "/search?q=monsoon",
            "/search?q=monsoun&section=news",
            "/search?q=zzqxv",
            "/newsletter/check-inbox",
            "/newsletter/confirm/a-link-token",
            &preferences,
            &unsubscribe,
            "/account/sign-in",
            "/account/sign-up",
            "/account/reset",
            "/admin/sign-in",
            "/admin/password-reset",
            &setup,
        ],
    )
    .await;
    assert_validates(
        "validate-html.sh",
        pages.path(),
        "the Nu checker found errors",
    );
}

/// Every kind of newsroom page, on a demo site set up so that each shows
/// all it can: a published article with an uploaded lead picture (the
/// correction form), a live blog, a story waiting for review and one sent
/// back with a note, a polled wire feed, a webhook.
pub async fn newsroom_pages(server: &TestServer) -> Vec<String> {
    let article = server
        .app
        .store
        .desk_articles(&Default::default(), 1)
        .await
        .unwrap()
        .remove(0)
        .id;
    let live_path = crate::live_blogs::demo_live_blog(server).await;
    let live_blog = live_path.rsplit('-').next().unwrap();
    let store = &server.app.store;
    let section = store.sections().await.unwrap()[0].id;
    let source = store.sources().await.unwrap()[0].id;
    // A polled feed, so the intake page shows its state.
    store
        .set_wire_feed(source, Some(("https://wire.example/feed.xml", 15)))
        .await
        .unwrap();
    let byline = store.people().await.unwrap()[0].id;
    let topic = store.topics().await.unwrap()[0].id;
    let page = store.pages().await.unwrap()[0].id;
    let tag = store.tags("", 1).await.unwrap()[0].id;
    let picture = store.library(&Default::default(), 1).await.unwrap()[0].id;
    // An uploaded picture, with its renditions, as the lead image of the
    // article: the reader's `<picture>` markup is checked too.
    let editor = crate::newsroom::session(server, dateline_core::Role::Editor).await;
    let photo = crate::media::fixture("gps.jpg");
    let sent =
        crate::media::upload(server, &editor, &photo, "p.jpg", "image/jpeg", "A street").await;
    let uploaded = crate::media::uploaded_id(&sent);
    crate::media::with_renditions(server, uploaded).await;
    let lead = dateline_core::LeadImage {
        media: uploaded,
        caption: None,
        credit: None,
    };
    store
        .set_lead_image(
            article,
            Some(&lead),
            editor.user.unwrap(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    // A story waiting for review and one sent back with a note: the
    // dashboard's queue, the send-back form and the author's note.
    let submitted = |headline: &'static str| async move {
        let id = crate::support::draft(store, editor.user.unwrap(), headline).await;
        store
            .move_article(
                id,
                dateline_core::ArticleStatus::InReview,
                None,
                jiff::Timestamp::now(),
            )
            .await
            .unwrap();
        id
    };
    let waiting = submitted("Waiting for an editor").await;
    let sent_back = submitted("Sent back to its author").await;
    store
        .send_back(
            sent_back,
            editor.user.unwrap(),
            "Check the figures.",
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    // Two stories pinned on the home page, one of them until a time.
    let published = store
        .published_articles(dateline_store::ArticleList::All, 2, 0)
        .await
        .unwrap();
    let pins = [
        dateline_store::Slot {
            article: published[1].id,
            until: Some(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(6)),
        },
        dateline_store::Slot {
            article: published[0].id,
            until: None,
        },
    ];
    store
        .save_front(
            dateline_store::Front::Home,
            &pins,
            0,
            editor.user,
            "Home page",
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let webhook = store
        .create_webhook(
            &dateline_store::NewWebhook {
                name: "Partner".into(),
                url: "https://partner.example/hook".into(),
                secret: "whsec_test".into(),
                events: vec!["published".into()],
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    vec![
        "/admin".to_owned(),
        "/admin/articles".to_owned(),
        format!("/admin/articles/{waiting}"),
        format!("/admin/articles/{sent_back}"),
        "/admin/tokens".to_owned(),
        "/admin/webhooks".to_owned(),
        format!("/admin/webhooks/{webhook}"),
        "/admin/import".to_owned(),
        "/admin/articles/new".to_owned(),
        format!("/admin/articles/{article}"),
        format!("/admin/articles/{article}/revisions"),
        "/admin/people".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/sections".to_owned(),
        format!("/admin/sections/{section}"),
        "/admin/sources".to_owned(),
        format!("/admin/sources/{source}"),
        format!("/admin/sources/{source}/intake"),
        "/admin/bylines".to_owned(),
        format!("/admin/bylines/{byline}"),
        "/admin/topics".to_owned(),
        format!("/admin/topics/{topic}"),
        "/admin/fronts".to_owned(),
        "/admin/fronts/home".to_owned(),
        "/admin/audience".to_owned(),
        "/admin/pages".to_owned(),
        format!("/admin/pages/{page}"),
        "/admin/tags".to_owned(),
        format!("/admin/tags/{tag}"),
        "/admin/feedback".to_owned(),
        "/admin/newsletters".to_owned(),
        "/admin/media".to_owned(),
        format!("/admin/media/{picture}"),
        format!("/admin/media/{uploaded}"),
        format!("/admin/articles/{article}/preview"),
        format!("/admin/articles/{live_blog}"),
    ]
}

/// The newsroom's pages as each role sees them (a page a role may not see
/// answers 403 and is skipped: the permission matrix covers that).
#[tokio::test]
async fn newsroom_pages_are_valid_html() {
    use crate::admin::{add_staff, get_with, sign_in};
    use dateline_core::Role;
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let paths = newsroom_pages(&server).await;
    let dir = tempfile::tempdir().unwrap();
    for role in [Role::Contributor, Role::Author, Role::Editor, Role::Admin] {
        // Not `{role}@example.org`: the pages' own set-up signs in as that.
        let email = format!("{}.desk@example.org", role.as_str());
        add_staff(&server, &email, role).await;
        let cookie = sign_in(&server, &email).await;
        for (i, path) in paths.iter().enumerate() {
            let response = get_with(&server, path, &cookie).await;
            match response.status().as_u16() {
                200 => {}
                403 if role != Role::Admin => continue,
                other => panic!("{path} as {role:?}: {other}"),
            }
            let html = response.text().await.unwrap();
            let name = format!("admin-{}-{i}.html", role.as_str());
            std::fs::write(dir.path().join(name), html).unwrap();
        }
    }
    assert_validates(
        "validate-html.sh",
        dir.path(),
        "the Nu checker found errors",
    );
}

async fn dir_of_pages(server: &TestServer, paths: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, path) in paths.iter().enumerate() {
        let html = server.page(path).await;
        std::fs::write(dir.path().join(format!("page-{i}.html")), html).unwrap();
    }
    // The 404 page, and the Feedback form showing what to fix.
    let missing = server.get("/no-such-page").await.text().await.unwrap();
    std::fs::write(dir.path().join("not-found.html"), missing).unwrap();
    let refused = server
        .client
        .post(format!("{}/feedback", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=&email=nobody&message=")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    std::fs::write(dir.path().join("feedback-refused.html"), refused).unwrap();
    let refused = server
        .client
        .post(format!("{}/newsletter", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=not-an-address")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    std::fs::write(dir.path().join("sign-up-refused.html"), refused).unwrap();
    // A reader's own account page, and a spent link's.
    let session = crate::support::reader_session(server, "reader@example.org").await;
    let account = crate::admin::get_with(server, "/account", &session).await;
    assert_eq!(account.status(), 200);
    let account = account.text().await.unwrap();
    std::fs::write(dir.path().join("account.html"), account).unwrap();
    let spent = server.get("/account/link/spent").await;
    assert_eq!(spent.status(), 410);
    let spent = spent.text().await.unwrap();
    std::fs::write(dir.path().join("account-link-spent.html"), spent).unwrap();
    dir
}
