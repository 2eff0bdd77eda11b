//! Text at the edges: whatever Unicode reaches an editable field (controls,
//! noncharacters, lone surrogates in JSON escapes), every feed and sitemap
//! still parses as XML, and what feed readers render as HTML carries no
//! markup the body sanitiser would drop.

use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};
use serde_json::{Value, json};

use crate::{
    admin::post,
    api_calls::{call, post_raw, token_for},
    newsroom::session,
    support::{TestServer, encode},
};
use dateline_core::{Role, Scope};

/// Cases the property test runs (each an article, a byline and a topic
/// written, then every feed and sitemap read).
const CASES: usize = 40;

/// Text a hostile or careless source might send: letters, controls,
/// noncharacters, markup, combining marks and any character at all.
fn hostile_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('\u{0}', '\u{1f}'),
        1 => proptest::char::range('\u{7f}', '\u{9f}'),
        1 => prop::sample::select(vec![
            '\u{fffe}', '\u{ffff}', '\u{1fffe}', '\u{10ffff}', '\u{fdd0}', '\u{301}', '<', '&',
            ']', '>', '"', '\u{2028}',
        ]),
        2 => any::<char>(),
    ];
    prop::collection::vec(c, 1..30).prop_map(|cs| cs.into_iter().collect())
}

/// Every XML document the site serves about the article `tag`, byline
/// `author` and topic `topic`: each must parse.
async fn assert_every_feed_and_sitemap_parses(
    server: &TestServer,
    tag: Option<&str>,
    author: &str,
    topic: &str,
    case: usize,
) {
    let mut lists = vec![
        "/feed".to_owned(),
        "/feed/section/news".to_owned(),
        format!("/feed/author/{author}"),
        format!("/feed/topic/{topic}"),
    ];
    lists.extend(tag.map(|t| format!("/feed/tag/{t}")));
    let mut paths: Vec<String> = lists
        .iter()
        .flat_map(|l| [format!("{l}/rss.xml"), format!("{l}/atom.xml")])
        .collect();
    // The sitemap index and every sitemap it lists.
    let index = server.page("/sitemap.xml").await;
    paths.push("/sitemap.xml".into());
    for loc in index.split("<loc>").skip(1) {
        let url = &loc[..loc.find("</loc>").unwrap()];
        paths.push(url.strip_prefix(&server.base).unwrap().to_owned());
    }
    for path in paths {
        let xml = server.page(&path).await;
        if let Err(e) = roxmltree::Document::parse(&xml) {
            panic!("case {case}: {path} does not parse: {e}");
        }
    }
    for list in lists {
        let json = server.page(&format!("{list}/feed.json")).await;
        serde_json::from_str::<Value>(&json).unwrap_or_else(|e| panic!("{list}/feed.json: {e}"));
    }
}

#[tokio::test]
async fn arbitrary_unicode_in_every_editable_field_leaves_every_feed_and_sitemap_parsing() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let (_, token) = token_for(
        &server,
        "wire@example.org",
        Role::Editor,
        &[Scope::ArticlesWrite, Scope::ArticlesPublish],
    )
    .await;
    let editor = session(&server, Role::Editor).await;
    let person = store.people().await.unwrap().remove(0);
    let topic = store.topics().await.unwrap().remove(0);
    let mut runner = TestRunner::deterministic();
    let texts = prop::collection::vec(hostile_text(), 10);
    let (mut stored, mut refused) = (0, 0);
    for case in 0..CASES {
        let hostile = texts.new_tree(&mut runner).unwrap().current();
        // Two cases in three send the API what it takes: any Unicode but
        // the forbidden characters (markup, combining marks, U+2028, astral
        // planes). The third sends them too, and must be refused whole.
        // The forms always get the hostile text, which they clean.
        let allowed = |s: &String| -> String {
            s.chars()
                .filter(|c| !dateline_core::is_forbidden_char(*c))
                .collect()
        };
        let t: Vec<String> = if case % 3 == 2 {
            hostile.clone()
        } else {
            hostile.iter().map(allowed).collect()
        };
        let before = every_article(store).await;
        let mut body = json!({
            "headline": format!("Case {case} {}", t[0]),
            "standfirst": t[1],
            "body": t[2],
            "tags": [format!("tag{case} {}", t[3])],
            "place": t[4],
            "seo_title": t[5],
            "seo_description": t[6],
            "section": "news",
            "authors": [person.slug],
            "topics": [topic.slug],
        })
        .to_string();
        if case % 5 == 4 {
            // A lone surrogate, which only a JSON escape can carry.
            body = body.replacen("Case", "\\ud800Case", 1);
        }
        let (status, answer) = post_raw(&server, "/api/v1/admin/articles", &token, body).await;
        let mut tag = None;
        if status == 201 {
            stored += 1;
            let id = answer["id"].as_i64().unwrap();
            tag = answer["tags"][0]
                .as_str()
                .map(|t| dateline_core::Slug::from_title(t, "tag"));
            let path = format!("/api/v1/admin/articles/{id}/status");
            let (published, answer) = call(
                &server,
                "POST",
                &path,
                &token,
                Some(json!({ "status": "published" })),
            )
            .await;
            assert_eq!(published, 200, "case {case}: {answer}");
        } else {
            refused += 1;
            assert!(
                [400, 422].contains(&status),
                "case {case}: {status} {answer}"
            );
            assert_eq!(
                every_article(store).await,
                before,
                "case {case}: a refused article left nothing behind"
            );
        }

        // The byline and the topic through their forms.
        for (path, fields) in [
            (
                format!("/admin/bylines/{}", person.id.0),
                vec![
                    ("name", format!("Byline {case} {}", hostile[7])),
                    ("slug", person.slug.clone()),
                    ("bio", hostile[8].clone()),
                ],
            ),
            (
                format!("/admin/topics/{}", topic.id),
                vec![
                    ("name", format!("Topic {case} {}", hostile[9])),
                    ("slug", topic.slug.clone()),
                    ("description", hostile[8].clone()),
                ],
            ),
        ] {
            let mut form: Vec<(&str, &str)> = vec![("csrf", &editor.csrf)];
            form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let response = post(&server, &path, &editor.cookie, encode(&form)).await;
            assert!(
                [303, 422].contains(&response.status().as_u16()),
                "case {case}: {path}: {}",
                response.status()
            );
        }
        let tag = tag.map(|t| t.as_str().to_owned());
        assert_every_feed_and_sitemap_parses(
            &server,
            tag.as_deref(),
            &person.slug,
            &topic.slug,
            case,
        )
        .await;
    }
    eprintln!(
        "{CASES} cases over headline, standfirst, body, tag, place, SEO title and description \
         (admin API), byline name and bio, topic name and description (admin forms): \
         {stored} articles stored, {refused} refused"
    );
    assert!(
        stored > 0 && refused > 0,
        "{stored} stored, {refused} refused"
    );
}

/// How many articles the newsroom holds, whatever their status.
async fn every_article(store: &dateline_store::Store) -> usize {
    store
        .desk_articles(&Default::default(), 1_000_000)
        .await
        .unwrap()
        .len()
}

/// Tag names and attribute names in `html` (`img`, `img onerror`), a
/// small scanner that is enough for what a feed field holds.
fn markup(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in html.split('<').skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        let mut words = tag.split_whitespace();
        let Some(tag_name) = words.next() else {
            continue;
        };
        let tag_name = tag_name.to_ascii_lowercase();
        for attribute in words {
            let name = attribute.split('=').next().unwrap_or_default();
            found.push(format!("{tag_name} {}", name.to_ascii_lowercase()));
        }
        found.push(tag_name);
    }
    found
}

#[tokio::test]
async fn no_feed_field_readers_render_as_html_carries_markup_the_sanitiser_drops() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let editor = session(&server, Role::Editor).await;
    let person = store.people().await.unwrap().remove(0);
    let topic = store.topics().await.unwrap().remove(0);
    let hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>Floods";
    for (path, fields) in [
        (
            format!("/admin/bylines/{}", person.id.0),
            [
                ("name", person.name.as_str()),
                ("slug", &person.slug),
                ("bio", hostile),
            ],
        ),
        (
            format!("/admin/topics/{}", topic.id),
            [
                ("name", topic.name.as_str()),
                ("slug", &topic.slug),
                ("description", hostile),
            ],
        ),
    ] {
        let mut form = vec![("csrf", editor.csrf.as_str())];
        form.extend(fields);
        let response = post(&server, &path, &editor.cookie, encode(&form)).await;
        assert_eq!(response.status(), 303, "{path}");
    }
    for feed in [
        format!("/feed/author/{}/rss.xml", person.slug),
        format!("/feed/topic/{}/rss.xml", topic.slug),
    ] {
        let xml = server.page(&feed).await;
        let channel = rss_fields(&xml);
        assert!(
            channel.iter().any(|f| f.contains("Floods")),
            "{feed}: the description is there: {channel:?}"
        );
        for field in channel {
            let kept = markup(&dateline_core::sanitise(&field));
            for piece in markup(&field) {
                assert!(
                    kept.contains(&piece),
                    "{feed}: a field rendered as HTML carries `{piece}`, which the sanitiser drops: {field}"
                );
            }
        }
    }
}

/// The text of every RSS element that readers render as HTML: the
/// channel's and items' descriptions and the items' `content:encoded`.
fn rss_fields(xml: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|n| {
            n.is_element()
                && (n.tag_name().name() == "description" || n.tag_name().name() == "encoded")
        })
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}
