//! Front pages that editors arrange: pinned stories in their order reach
//! the home page within a second, a pin ends at its time and its slot
//! takes the newest story, a section's front opens with its pins, and a
//! change that cannot be made is refused with nothing stored.

use std::time::{Duration, Instant};

use dateline_core::{ArticleStatus, Role};
use dateline_store::{ArticleList, Front};

use crate::{
    admin::{get_with, post},
    newsroom::{Session, session},
    support::{TestServer, draft, encode},
};

/// How soon readers must see a change.
const WITHIN: Duration = Duration::from_secs(1);

/// The stories the page's `marker` section links to, in order, each once.
fn linked(html: &str, marker: &str) -> Vec<i64> {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let end = start + html[start..].find("</section>").unwrap();
    let mut ids: Vec<i64> = Vec::new();
    for piece in html[start..end].split("href=\"").skip(1) {
        let href = &piece[..piece.find('"').unwrap()];
        let id = href.rsplit('-').next().and_then(|n| n.parse().ok());
        if let Some(id) = id
            && ids.last() != Some(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// Waits until the page at `path` leads with `expected` in its `marker`
/// section; how long that took.
async fn shows(server: &TestServer, path: &str, marker: &str, expected: &[i64]) -> Duration {
    let start = Instant::now();
    loop {
        let html = server.get(path).await.text().await.unwrap();
        let ids = linked(&html, marker);
        if ids.starts_with(expected) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{path} shows {ids:?}, not {expected:?} first"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn change(
    server: &TestServer,
    editor: &Session,
    front: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("csrf", editor.csrf.as_str())];
    all.extend_from_slice(fields);
    post(
        server,
        &format!("/admin/fronts/{front}"),
        &editor.cookie,
        encode(&all),
    )
    .await
}

/// `YYYY-MM-DDTHH:MM:SS` in the site's zone, `seconds` from now.
fn local_in(server: &TestServer, seconds: i64) -> String {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(seconds);
    at.to_zoned_datetime(server.app.config.site.zone())
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

#[tokio::test]
async fn pinned_stories_lead_the_home_page_in_order_until_their_pin_ends() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let older = store
        .published_articles(ArticleList::All, 20, 0)
        .await
        .unwrap();
    let newest = older[0].id.0;
    let [x, a, b, c] = [
        older[9].id.0,
        older[11].id.0,
        older[13].id.0,
        older[15].id.0,
    ];
    let until = local_in(&server, 4);
    let steps: [(&str, String); 4] = [
        ("add", x.to_string()),
        ("add", a.to_string()),
        ("add", format!("{b} and its headline, as suggested")),
        ("add", format!("https://example.org/news/some-story-{c}")),
    ];
    for (i, (op, article)) in steps.iter().enumerate() {
        let revision = i.to_string();
        let mut fields = vec![
            ("op", *op),
            ("article", article.as_str()),
            ("revision", revision.as_str()),
        ];
        if i == 0 {
            fields.push(("until", until.as_str()));
        }
        let done = change(&server, &editor, "home", &fields).await;
        assert_eq!(
            done.status(),
            303,
            "{op} {article}: {}",
            done.text().await.unwrap()
        );
    }
    let took = shows(&server, "/", "class=\"top-stories\"", &[x, a, b, c]).await;
    println!("the home page followed the fourth pin in {took:?}");
    assert!(took < WITHIN, "the home page followed in {took:?}");
    // A new order dropped in place, then one story moved up.
    let order = format!("{x},{b},{a},{c}");
    let done = change(
        &server,
        &editor,
        "home",
        &[("op", "order"), ("order", &order), ("revision", "4")],
    )
    .await;
    assert_eq!(done.status(), 303);
    let up = c.to_string();
    let done = change(
        &server,
        &editor,
        "home",
        &[("op", "up"), ("article", &up), ("revision", "5")],
    )
    .await;
    assert_eq!(done.status(), 303);
    let took = shows(&server, "/", "class=\"top-stories\"", &[x, b, c, a]).await;
    assert!(took < WITHIN, "the new order followed in {took:?}");
    let history = store.front_history(Front::Home, 10).await.unwrap();
    assert_eq!(history.len(), 6, "one revision per change");
    // The lead's pin ends: its slot takes the newest story, the others stay.
    let took = shows(&server, "/", "class=\"top-stories\"", &[newest, b, c, a]).await;
    assert!(
        took < Duration::from_secs(8),
        "the pin ended in time: {took:?}"
    );
    let page = get_with(&server, "/admin/fronts/home", &editor.cookie).await;
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Revision 6"),
        "the changes are listed: {page}"
    );
    assert!(
        !page.contains(&format!("data-id=\"{x}\"")),
        "an ended pin is no longer listed"
    );
}

#[tokio::test]
async fn a_section_front_opens_with_its_pins() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let news = store.section_by_slug("news").await.unwrap().unwrap();
    let stories = store
        .published_articles(ArticleList::Section(news.id), 20, 0)
        .await
        .unwrap();
    let pinned = stories.last().unwrap().id.0;
    let article = pinned.to_string();
    let done = change(
        &server,
        &editor,
        "news",
        &[("op", "add"), ("article", &article), ("revision", "0")],
    )
    .await;
    assert_eq!(done.status(), 303);
    let took = shows(&server, "/news", "<main", &[pinned, stories[0].id.0]).await;
    assert!(took < WITHIN, "the section front followed in {took:?}");
    // The home page is not the section's front.
    let home = server.get("/").await.text().await.unwrap();
    assert_ne!(linked(&home, "class=\"top-stories\"")[0], pinned);
}

#[tokio::test]
async fn changes_that_cannot_be_made_are_refused_and_store_nothing() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let unpublished = draft(store, editor.user.unwrap(), "A draft nobody has published").await;
    let published = store
        .published_articles(ArticleList::All, 1, 0)
        .await
        .unwrap()[0]
        .id;
    let draft_id = unpublished.0.to_string();
    let live_id = published.0.to_string();
    for (fields, status, says) in [
        (
            vec![
                ("op", "add"),
                ("article", draft_id.as_str()),
                ("revision", "0"),
            ],
            422,
            "not published",
        ),
        (
            vec![("op", "add"), ("article", "not a story"), ("revision", "0")],
            422,
            "neither a story",
        ),
        (
            vec![
                ("op", "add"),
                ("article", live_id.as_str()),
                ("revision", "7"),
            ],
            409,
            "changed this front",
        ),
        (
            vec![
                ("op", "shuffle"),
                ("article", live_id.as_str()),
                ("revision", "0"),
            ],
            422,
            "not a change",
        ),
        (
            vec![
                ("op", "add"),
                ("article", live_id.as_str()),
                ("revision", "0"),
                ("until", "2001-01-01T10:00"),
            ],
            422,
            "in the future",
        ),
        (
            vec![
                ("op", "remove"),
                ("article", live_id.as_str()),
                ("revision", "0"),
            ],
            422,
            "not pinned here",
        ),
    ] {
        let refused = change(&server, &editor, "home", &fields).await;
        assert_eq!(refused.status(), status, "{fields:?}");
        let text = refused.text().await.unwrap();
        assert!(text.contains(says), "{fields:?}: {text}");
    }
    assert!(
        store.front(Front::Home).await.unwrap().is_none(),
        "nothing stored"
    );
    // A story unpublished after it was pinned leaves its slot to the newest.
    let done = change(
        &server,
        &editor,
        "home",
        &[("op", "add"), ("article", &live_id), ("revision", "0")],
    )
    .await;
    assert_eq!(done.status(), 303);
    crate::support::move_to(store, published, ArticleStatus::Unpublished).await;
    let start = Instant::now();
    loop {
        let html = server.get("/").await.text().await.unwrap();
        if !linked(&html, "class=\"top-stories\"").contains(&published.0) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the unpublished story stays"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Only editors arrange fronts; an unknown front is not found.
    let writer = session(&server, Role::Contributor).await;
    let page = get_with(&server, "/admin/fronts/home", &writer.cookie).await;
    assert_eq!(page.status(), 403);
    let page = get_with(&server, "/admin/fronts/no-such-section", &editor.cookie).await;
    assert_eq!(page.status(), 404);
}

/// Waits until every page of `paths` has (or, `up` false, has not) the
/// strip saying `headline`; how long that took.
async fn strip(server: &TestServer, paths: &[&str], headline: &str, up: bool) -> Duration {
    let start = Instant::now();
    for path in paths {
        loop {
            let html = server.get(path).await.text().await.unwrap();
            let shown = html.contains("class=\"breaking\"") && html.contains(headline);
            if shown == up {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{path}: the strip is {}",
                if up { "not up" } else { "still up" }
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    start.elapsed()
}

async fn breaking(
    server: &TestServer,
    editor: &Session,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("csrf", editor.csrf.as_str())];
    all.extend_from_slice(fields);
    post(server, "/admin/breaking", &editor.cookie, encode(&all)).await
}

#[tokio::test]
async fn the_breaking_news_strip_goes_up_on_every_page_and_down_by_itself() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let story = &store
        .published_articles(ArticleList::All, 1, 0)
        .await
        .unwrap()[0];
    let article_page = dateline_core::article_path(&story.section.slug, &story.slug, story.id);
    let pages = ["/", "/news", article_page.as_str()];
    let id = story.id.0.to_string();
    for (fields, says) in [
        (
            vec![("headline", "Bridge shut"), ("link", "javascript:alert(1)")],
            "neither a story",
        ),
        (
            vec![("headline", " "), ("link", id.as_str())],
            "headline: must not be empty",
        ),
        (
            vec![("headline", "Bridge shut"), ("link", "999999")],
            "not published",
        ),
    ] {
        let mut fields = fields.clone();
        let ends = local_in(&server, 60);
        fields.extend([("op", "up"), ("ends", ends.as_str())]);
        let refused = breaking(&server, &editor, &fields).await;
        assert_eq!(refused.status(), 422, "{fields:?}");
        let text = refused.text().await.unwrap();
        assert!(text.contains(says), "{fields:?}: {text}");
    }
    for (ends, says) in [
        (local_in(&server, -60), "in the future"),
        (local_in(&server, 3 * 86_400), "two days"),
    ] {
        let fields = [
            ("op", "up"),
            ("headline", "Bridge shut"),
            ("link", id.as_str()),
            ("ends", ends.as_str()),
        ];
        let refused = breaking(&server, &editor, &fields).await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains(says), "{ends}");
    }
    assert_eq!(
        store.breaking_news(jiff::Timestamp::now()).await.unwrap(),
        None,
        "nothing stored"
    );

    let headline = "Harbour bridge shut after a crack is found";
    let ends = local_in(&server, 4);
    let up = breaking(
        &server,
        &editor,
        &[
            ("op", "up"),
            ("headline", headline),
            ("link", &id),
            ("ends", &ends),
        ],
    )
    .await;
    assert_eq!(up.status(), 303);
    let took = strip(&server, &pages, headline, true).await;
    println!("the strip was on every page in {took:?}");
    assert!(took < WITHIN, "the strip went up in {took:?}");
    let html = server.get("/").await.text().await.unwrap();
    assert!(
        html.contains(&format!("href=\"{article_page}\">{headline}")),
        "it links the story"
    );
    // Its end comes: every page drops it by itself.
    let took = strip(&server, &pages, headline, false).await;
    assert!(
        took < Duration::from_secs(9),
        "the strip ended in time: {took:?}"
    );
    // Up again, then taken down by an editor.
    let ends = local_in(&server, 3600);
    let up = breaking(
        &server,
        &editor,
        &[
            ("op", "up"),
            ("headline", headline),
            ("link", "https://example.org/live"),
            ("ends", &ends),
        ],
    )
    .await;
    assert_eq!(up.status(), 303);
    strip(&server, &pages, headline, true).await;
    let down = breaking(&server, &editor, &[("op", "down")]).await;
    assert_eq!(down.status(), 303);
    let took = strip(&server, &pages, headline, false).await;
    assert!(took < WITHIN, "the strip went down in {took:?}");
    let audit = get_with(&server, "/admin/audit", &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        audit.contains("breaking news taken down"),
        "the audit log has it"
    );
}
