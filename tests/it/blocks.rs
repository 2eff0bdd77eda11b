//! Blocks in a story's text: the reader page shows a library picture with
//! its renditions, an embed that loads nothing from its provider until
//! asked, "Key points", a pull quote and an "Also read" card; feeds carry
//! the portable forms; a save with a block that cannot be shown is refused
//! with the line it is on.

use dateline_core::{ArticleStatus, Role, Scope};
use dateline_store::MediaFilter;
use serde_json::json;

use crate::{
    api_calls::{call, token_for},
    media::with_renditions,
    newsroom::session,
    support::{TestServer, draft, move_to},
};

#[tokio::test]
async fn a_story_with_every_block_shows_them_without_asking_other_sites_for_anything() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let picture = store.library(&MediaFilter::default(), 1).await.unwrap()[0].id;
    let picture = with_renditions(&server, picture).await;
    let other = draft(
        store,
        editor.user.unwrap(),
        "Harbour ferries add a night service",
    )
    .await;
    move_to(store, other, ArticleStatus::Published).await;
    let body = format!(
        "The council met on Tuesday.\n\n\
         ::figure{{media={} size=wide alt=\"The pier at dawn\" caption=\"The rebuilt pier\" credit=\"Asha Rao\"}}\n\n\
         ::embed{{url=\"https://www.youtube.com/watch?v=aqz-KE-bpKQ\"}}\n\n\
         ::: keypoints\n\n- Fares stay the same\n- Buses every *15* minutes\n\n:::\n\n\
         ::pullquote{{text=\"We are ready.\" by=\"The harbour master\"}}\n\n\
         ::also{{article={} title=\"Night ferries\"}}\n\n\
         | Route | Minutes |\n| --- | --- |\n| 1 | 15 |\n",
        picture.id.0, other.0
    );
    let (_, token) = token_for(
        &server,
        "blocks.desk@example.org",
        Role::Editor,
        &[Scope::ArticlesWrite, Scope::ArticlesPublish],
    )
    .await;
    let (status, created) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &token,
        Some(json!({ "headline": "The pier reopens", "body": body, "section": "news" })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = dateline_core::ArticleId(created["id"].as_i64().unwrap());
    move_to(store, id, ArticleStatus::Published).await;

    let html = server
        .page(&format!("/news/the-pier-reopens-{}", id.0))
        .await;
    let body = &html[html.find(r#"<div class="body">"#).unwrap()..];
    // The picture: its renditions, WebP first, and this story's words.
    let figure = &body[body
        .find(r#"<figure class="figure figure-wide">"#)
        .expect(body)..];
    let widest = picture.renditions.as_ref().unwrap().full.last().unwrap();
    assert!(figure.contains(r#"<source type="image/webp""#), "{figure}");
    assert!(
        figure.contains(&widest.webp) && figure.contains("srcset="),
        "{figure}"
    );
    assert!(figure.contains(r#"alt="The pier at dawn""#), "{figure}");
    assert!(figure.contains(r#"The rebuilt pier <span class="credit">Asha Rao</span>"#));
    // The embed: a placeholder with a link; the player only as data.
    assert!(body.contains(r#"<figure class="embed embed-youtube" data-player="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ""#), "{body}");
    assert!(
        !html.contains("<iframe"),
        "nothing is framed before the reader asks"
    );
    assert!(
        html.contains("<script src=\"/static/embeds."),
        "the script that loads it on request"
    );
    // Nothing on the page is fetched from another site on load.
    for attribute in [" src=\"", " srcset=\"", " href=\""] {
        for (at, _) in html.match_indices(attribute) {
            let value = &html[at + attribute.len()..];
            let value = &value[..value.find('"').unwrap()];
            let fetched = attribute != " href=\""
                || html[..at]
                    .rfind('<')
                    .is_some_and(|tag| html[tag..].starts_with("<link"));
            if fetched {
                assert!(
                    !value.starts_with("http") || value.starts_with(&server.base),
                    "{value} is fetched from another site"
                );
            }
        }
    }
    assert!(
        body.contains(r#"<aside class="key-points"><h2>Key points</h2>"#),
        "{body}"
    );
    assert!(body.contains("<em>15</em>"), "{body}");
    assert!(body.contains("<p>We are ready.</p></blockquote><figcaption>The harbour master"));
    let also = &body[body
        .find(r#"<aside class="also-read""#)
        .expect("an Also read card")..];
    let also = &also[..also.find("</aside>").unwrap()];
    assert!(
        also.contains(r#"<article class="card"#)
            && also.contains("Harbour ferries add a night service"),
        "the card, with the current headline: {also}"
    );
    assert!(body.contains("<table>"), "{body}");

    // Feeds carry the portable forms: the embed as its link.
    let feed = server.page("/feed/rss.xml").await;
    let item = &feed[feed.find("The pier reopens").unwrap()..];
    let item = &item[..item.find("</item>").unwrap()];
    assert!(
        item.contains("YouTube: https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
        "{item}"
    );
    assert!(
        !item.contains("iframe") && !item.contains("data-player"),
        "{item}"
    );

    // The page is valid HTML.
    if crate::support::validators_available() {
        let file = tempfile::NamedTempFile::with_suffix(".html").unwrap();
        std::fs::write(file.path(), &html).unwrap();
        crate::support::assert_validates("validate-html.sh", file.path(), "an article with blocks");
    }
}

#[tokio::test]
async fn a_block_that_cannot_be_shown_is_refused_with_its_line() {
    let server = TestServer::with_demo().await;
    let (_, token) = token_for(
        &server,
        "refused.desk@example.org",
        Role::Editor,
        &[Scope::ArticlesWrite],
    )
    .await;
    for (body, says) in [
        (
            "Intro.\n\n::embed{url=\"https://video.example/watch/42\"}",
            "line 3: \"video.example\" cannot be embedded",
        ),
        (
            "::figure{media=999999}",
            "picture 999999 is not in the media library",
        ),
        (
            "::figure{media=1 size=huge}",
            "line 1: a picture's size is column, wide or full",
        ),
    ] {
        let (status, refused) = call(
            &server,
            "POST",
            "/api/v1/admin/articles",
            &token,
            Some(json!({ "headline": "Refused blocks", "body": body, "section": "news" })),
        )
        .await;
        assert_eq!(status, 422, "{body}: {refused}");
        let message = refused["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
    }
    let (_, list) = call(
        &server,
        "GET",
        "/api/v1/admin/articles?q=Refused",
        &token,
        None,
    )
    .await;
    assert!(
        !list.to_string().contains("Refused blocks"),
        "nothing half-stored: {list}"
    );
}

#[tokio::test]
async fn stories_to_link_are_found_by_headline_words_from_a_new_article_too() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let other = draft(
        &server.app.store,
        editor.user.unwrap(),
        "Harbour ferries add a night service",
    )
    .await;
    move_to(&server.app.store, other, ArticleStatus::Published).await;
    // A new article has no number yet: `not` is empty.
    for path in [
        "/admin/articles/lookup?not=&q=night+service",
        "/admin/articles/lookup?q=night+service",
    ] {
        let found = crate::admin::get_with(&server, path, &editor.cookie).await;
        assert_eq!(found.status(), 200, "{path}");
        let found: serde_json::Value = serde_json::from_str(&found.text().await.unwrap()).unwrap();
        assert_eq!(found[0]["id"], other.0, "{path}: {found}");
    }
    let mine = format!("/admin/articles/lookup?not={}&q=night+service", other.0);
    let found = crate::admin::get_with(&server, &mine, &editor.cookie).await;
    let found: serde_json::Value = serde_json::from_str(&found.text().await.unwrap()).unwrap();
    assert_eq!(found, serde_json::json!([]), "not the article itself");
}

#[tokio::test]
async fn a_picture_block_in_the_editor_finds_its_thumbnail_by_number() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let picture = server
        .app
        .store
        .library(&MediaFilter::default(), 1)
        .await
        .unwrap()[0]
        .id;
    let picture = with_renditions(&server, picture).await;
    let path = format!("/admin/media/{}/thumbnail", picture.id.0);
    let found = crate::admin::get_with(&server, &path, &editor.cookie).await;
    assert_eq!(found.status(), 303);
    let narrowest = &picture.renditions.unwrap().full[0];
    assert_eq!(
        found.headers()["location"],
        format!("/img/{}", narrowest.jpeg).as_str()
    );
    let missing =
        crate::admin::get_with(&server, "/admin/media/999999/thumbnail", &editor.cookie).await;
    assert_eq!(missing.status(), 404, "a number the library does not have");
    let stranger = server.get(&path).await;
    let sent_to = stranger
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    assert!(
        !sent_to.clone().unwrap_or_default().starts_with("/img/"),
        "only the newsroom is answered: {} {sent_to:?}",
        stranger.status()
    );
}
