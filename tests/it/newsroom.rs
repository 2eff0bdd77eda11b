//! The newsroom's routes: who may do what, CSRF on every state change, and
//! two people saving one article.

use dateline_core::{
    ArticleId, ArticleStatus, Body, NewPage, PageId, Role, Slug, TagId, TagName, Text, UserId,
};
use dateline_store::{Front, Store};
use jiff::Timestamp;

use crate::{
    admin::{add_staff, form_token, get_with, post, sign_in},
    support::{TestServer, draft, encode, escape},
    wire_desk::wire_story,
};

/// A signed-in staff member: session cookie and CSRF token.
pub(crate) struct Session {
    role: Option<Role>,
    pub(crate) user: Option<UserId>,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

pub(crate) async fn session(server: &TestServer, role: Role) -> Session {
    let email = format!("{}@example.org", role.as_str());
    let user = add_staff(server, &email, role).await;
    let cookie = sign_in(server, &email).await;
    let html = get_with(server, "/admin", &cookie)
        .await
        .text()
        .await
        .unwrap();
    Session {
        role: Some(role),
        user: Some(user),
        csrf: form_token(&html),
        cookie,
    }
}

#[derive(Clone, Copy, Debug)]
enum Allowed {
    Everyone,
    AuthorAndUp,
    EditorAndUp,
    AdminOnly,
}

impl Allowed {
    fn admits(self, role: Role) -> bool {
        match self {
            Self::Everyone => true,
            Self::AuthorAndUp => role >= Role::Author,
            Self::EditorAndUp => role >= Role::Editor,
            Self::AdminOnly => role == Role::Admin,
        }
    }
}

/// One request of the matrix, built for a given session.
struct Case {
    method: &'static str,
    path: String,
    /// Form fields besides `csrf`.
    fields: Vec<(&'static str, String)>,
    allowed: Allowed,
}

async fn send(
    server: &TestServer,
    who: &Session,
    case: &Case,
    with_csrf: bool,
) -> reqwest::Response {
    if case.method == "GET" {
        return get_with(server, &case.path, &who.cookie).await;
    }
    let mut fields: Vec<(&str, &str)> = case.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if with_csrf {
        fields.push(("csrf", &who.csrf));
    }
    post(server, &case.path, &who.cookie, encode(&fields)).await
}

/// The articles one session acts on: its own and someone else's, drafts
/// and published.
#[derive(Clone, Copy)]
struct Targets {
    own: ArticleId,
    others: ArticleId,
    own_published: ArticleId,
    others_published: ArticleId,
    /// Someone else's story waiting for review.
    others_in_review: ArticleId,
    /// A static page and a tag that the session may delete.
    page: PageId,
    tag: TagId,
}

async fn targets(store: &Store, own_by: UserId, someone: UserId) -> Targets {
    let publish = |id| async move {
        store
            .move_article(id, ArticleStatus::Published, None, Timestamp::now())
            .await
            .unwrap();
        id
    };
    let unique = Timestamp::now().as_microsecond();
    let page = store
        .create_page(
            &NewPage {
                slug: Slug::parse(&format!("page-{unique}")).unwrap(),
                title: Text::parse("title", "A page to delete", 100).unwrap(),
                body: Body::from_markdown("Text."),
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    let tag = TagName::parse(&format!("Tag {unique}")).unwrap();
    let tag = store.ensure_tag(&tag.slug, &tag.name).await.unwrap();
    Targets {
        own: draft(store, own_by, "An own draft").await,
        others: draft(store, someone, "Someone else's draft").await,
        own_published: publish(draft(store, own_by, "An own story").await).await,
        others_published: publish(draft(store, someone, "Someone else's story").await).await,
        others_in_review: {
            let id = draft(store, someone, "Someone else's submission").await;
            store
                .move_article(id, ArticleStatus::InReview, Some(someone), Timestamp::now())
                .await
                .unwrap();
            id
        },
        page,
        tag,
    }
}

/// Every admin route, for one session.
async fn cases(server: &TestServer, t: Targets, who: Option<Role>) -> Vec<Case> {
    let Targets {
        own,
        others,
        own_published,
        others_published,
        others_in_review,
        page,
        tag,
    } = t;
    let store = &server.app.store;
    // The home page's front as it is now: re-saving its pins in their
    // order is a change any editor may make.
    let home = store.front(Front::Home).await.unwrap();
    let front_revision = home.as_ref().map_or(0, |r| r.revision).to_string();
    let front_order = home
        .map(|r| {
            r.slots
                .iter()
                .map(|s| s.article.0.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let unique = format!(
        "{} {}",
        who.map_or("nobody", Role::as_str),
        Timestamp::now().as_microsecond()
    );
    let section = store.sections().await.unwrap().remove(0);
    let source = store.sources().await.unwrap().remove(0);
    let byline = store.people().await.unwrap().remove(0);
    let topic = store.topics().await.unwrap().remove(0);
    let page_fields = |title: &str| {
        vec![
            ("title", title.to_owned()),
            ("slug", String::new()),
            ("body", "Text.".to_owned()),
        ]
    };
    let new_person = format!("new-{}@example.org", who.map_or("nobody", Role::as_str));
    let wire_used = wire_story(server, &format!("{unique} used"), None).await;
    let wire_ignored = wire_story(server, &format!("{unique} ignored"), None).await;
    let revision = |id| async move {
        server
            .app
            .store
            .editorial(id)
            .await
            .unwrap()
            .unwrap()
            .revision
            .to_string()
    };
    let news = server
        .app
        .store
        .section_by_slug("news")
        .await
        .unwrap()
        .unwrap();
    let soon = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(2))
        .unwrap()
        .in_tz("Asia/Kolkata")
        .unwrap()
        .datetime()
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let text = |headline: &str, revision: String| {
        vec![
            ("headline", headline.to_owned()),
            ("standfirst", String::new()),
            ("body", "Edited.".to_owned()),
            ("revision", revision),
        ]
    };
    // A correction note goes with a save of the editor's form.
    let corrected = |revision: String, kind: &str, note: &str| {
        let mut fields = text("Published, with a note", revision);
        fields.push(("correction_kind", kind.to_owned()));
        fields.push(("correction_note", note.to_owned()));
        fields
    };
    let morning = server.app.store.newsletters().await.unwrap()[0].id;
    use Allowed::*;
    vec![
        Case {
            method: "GET",
            path: "/admin".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: "/admin/articles".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: "/admin/audience".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others_published}/headline-test"),
            fields: vec![
                ("op", "start".into()),
                ("headline_b", "Another way to say it".into()),
                ("views_needed", "100".into()),
            ],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/events".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/articles/new".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others_in_review}/send-back"),
            fields: vec![("note", "Add a second source.".into())],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: "/admin/articles".into(),
            fields: vec![
                ("headline", "A new draft".into()),
                ("body", "Text.".into()),
                ("section", news.id.0.to_string()),
            ],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: format!("/admin/articles/{own}"),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own}"),
            fields: text("Own draft, edited", revision(own).await),
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own}/autosave"),
            fields: text("Own draft, being typed", revision(own).await),
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own}/autosave/discard"),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: "/admin/markdown".into(),
            fields: vec![("body", "*Preview*".into())],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others}/autosave"),
            fields: text("Someone else's draft, being typed", revision(others).await),
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/articles/{others}"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/articles/{others}/revisions"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others}"),
            fields: text("Someone else's draft, edited", revision(others).await),
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others}/revisions/1/restore"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others}/schedule"),
            fields: vec![("at", soon.clone())],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own}/status"),
            fields: vec![("status", "in_review".into())],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own}/status"),
            fields: vec![("status", "published".into())],
            allowed: AuthorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own}/status"),
            fields: vec![("status", "unpublished".into())],
            allowed: AuthorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/articles/{own}/preview"),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: format!("/admin/articles/{others}/preview"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{own_published}"),
            fields: corrected(
                revision(own_published).await,
                "correction",
                "A figure was wrong.",
            ),
            allowed: AuthorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others_published}"),
            fields: corrected(
                revision(others_published).await,
                "update",
                "Added a reaction.",
            ),
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/audit".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/people".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/articles/lookup?q=story".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: "/admin/embed?url=https%3A%2F%2Fyoutu.be%2Faqz-KE-bpKQ".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: "/admin/sections".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: format!("/admin/sections/{}", section.id),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: "/admin/sections".into(),
            fields: vec![("name", format!("Section {unique}"))],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: format!("/admin/sections/{}", section.id),
            fields: vec![
                ("name", section.name.clone()),
                ("slug", section.slug.clone()),
                ("parent", String::new()),
                ("position", section.position.to_string()),
            ],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/sources".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: format!("/admin/sources/{}", source.id),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: "/admin/sources".into(),
            fields: vec![("name", format!("Wire {unique}"))],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: format!("/admin/sources/{}", source.id),
            fields: vec![
                ("name", source.name.clone()),
                ("slug", source.slug.clone()),
                ("notice", source.notice.clone().unwrap_or_default()),
            ],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/pages".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: format!("/admin/pages/{page}"),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: "/admin/pages".into(),
            fields: page_fields(&format!("Page {unique}")),
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: format!("/admin/pages/{page}"),
            fields: page_fields("A page to delete, renamed"),
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: format!("/admin/pages/{page}/delete"),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/bylines".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/bylines/{}", byline.id),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: "/admin/bylines".into(),
            fields: vec![("name", format!("Byline {unique}"))],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/bylines/{}", byline.id),
            fields: vec![
                ("name", byline.name.clone()),
                ("slug", byline.slug.clone()),
                ("bio", byline.bio.clone()),
            ],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: "/admin/breaking".into(),
            fields: vec![("op", "down".into())],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/fronts".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/fronts/home".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: "/admin/fronts/home".into(),
            fields: vec![
                ("op", "order".into()),
                ("order", front_order),
                ("revision", front_revision),
            ],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/topics".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/topics/{}", topic.id),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: "/admin/topics".into(),
            fields: vec![("name", format!("Topic {unique}"))],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/topics/{}", topic.id),
            fields: vec![
                ("name", topic.name.clone()),
                ("slug", topic.slug.clone()),
                ("description", topic.description.clone()),
                (
                    "image",
                    topic.image.map(|m| m.0.to_string()).unwrap_or_default(),
                ),
            ],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/topics/{}/articles", topic.id),
            fields: vec![("op", "add".into()), ("article", own_published.to_string())],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/tags".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/tags/{tag}"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/tags/{tag}"),
            fields: vec![("name", format!("Renamed {unique}"))],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/tags/{tag}/delete"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/feedback".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: "/admin/newsletters".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/newsletters/{morning}/send"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/newsletters/{morning}/test"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others_published}/alert"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/articles/{others_published}/alert/test"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: "/admin/newsletters".into(),
            fields: vec![
                ("slug", "weekend".into()),
                ("name", "Weekend Reads".into()),
                ("kind", "digest".into()),
                ("send_time", "09:30".into()),
                ("max_stories", "8".into()),
                ("template", "headlines".into()),
            ],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/newsletters/subscribers.csv".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: "/admin/people".into(),
            fields: vec![
                ("email", new_person),
                ("name", "New Colleague".into()),
                ("role", "contributor".into()),
            ],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/tokens".into(),
            fields: vec![],
            allowed: Everyone,
        },
        Case {
            method: "POST",
            path: "/admin/tokens".into(),
            fields: vec![
                ("name", "Desk app".into()),
                ("scopes", "articles:write".into()),
            ],
            allowed: Everyone,
        },
        Case {
            method: "GET",
            path: "/admin/import".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/webhooks".into(),
            fields: vec![],
            allowed: AdminOnly,
        },
        Case {
            method: "POST",
            path: "/admin/webhooks".into(),
            fields: vec![
                ("name", "Partner".into()),
                ("url", "https://partner.example/hook".into()),
                ("events", "published".into()),
            ],
            allowed: AdminOnly,
        },
        Case {
            method: "GET",
            path: "/admin/wire".into(),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "GET",
            path: format!("/admin/wire/{wire_used}"),
            fields: vec![],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/wire/{wire_used}/use"),
            fields: vec![("section", section.id.to_string())],
            allowed: EditorAndUp,
        },
        Case {
            method: "POST",
            path: format!("/admin/wire/{wire_ignored}/ignore"),
            fields: vec![],
            allowed: EditorAndUp,
        },
    ]
}

#[tokio::test]
async fn every_admin_route_admits_exactly_the_roles_the_rules_name_and_refuses_forms_without_a_token()
 {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let owner = add_staff(&server, "owner@example.org", Role::Contributor).await;
    let anonymous = Session {
        role: None,
        user: None,
        cookie: String::new(),
        csrf: String::new(),
    };
    let mut sessions = vec![anonymous];
    for role in Role::ALL {
        sessions.push(session(&server, role).await);
    }
    let mut failures = Vec::new();
    for who in &sessions {
        let t = targets(store, who.user.unwrap_or(owner), owner).await;
        for case in cases(&server, t, who.role).await {
            let response = send(&server, who, &case, true).await;
            let status = response.status().as_u16();
            let expected_ok = who.role.is_some_and(|role| case.allowed.admits(role));
            let ok = match who.role {
                None => status == 303 && response.headers()["location"] == "/admin/sign-in",
                Some(_) if expected_ok => matches!(status, 200 | 201 | 204 | 303),
                Some(_) => status == 403,
            };
            if !ok {
                failures.push(format!(
                    "{:?} {} {} {:?}: {status}",
                    who.role, case.method, case.path, case.fields
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Every state change without the session's token is refused and changes nothing.
    let admin = sessions.last().unwrap();
    let t = targets(store, admin.user.unwrap(), owner).await;
    let snapshot = || async {
        let mut state = Vec::new();
        for id in [
            t.own,
            t.others,
            t.own_published,
            t.others_published,
            t.others_in_review,
        ] {
            let article = store.article(id).await.unwrap().unwrap();
            state.push((
                store.editorial(id).await.unwrap(),
                article.corrections.len(),
            ));
        }
        let catalog = (
            store.sections().await.unwrap().len(),
            store.sources().await.unwrap().len(),
            store.people().await.unwrap().len(),
            store.topics().await.unwrap(),
            store.pages().await.unwrap().len(),
            store.tags("", 10_000).await.unwrap(),
        );
        (
            state,
            catalog,
            store
                .desk_articles(&Default::default(), 1000)
                .await
                .unwrap()
                .len(),
            store.users().await.unwrap().len(),
            store
                .autosave_of(t.others, admin.user.unwrap())
                .await
                .unwrap(),
        )
    };
    let before = snapshot().await;
    for case in cases(&server, t, Some(Role::Admin)).await {
        if case.method != "POST" {
            continue;
        }
        let response = send(&server, admin, &case, false).await;
        assert_eq!(response.status(), 403, "{} without a token", case.path);
        assert!(response.text().await.unwrap().contains("Form expired"));
    }
    assert_eq!(before, snapshot().await);
}

#[tokio::test]
async fn of_two_saves_of_one_article_one_wins_and_the_other_sees_the_conflict_with_both_texts_kept()
{
    let server = TestServer::with_demo().await;
    let (meera, ravi) = (
        session(&server, Role::Editor).await,
        session(&server, Role::Admin).await,
    );
    let id = draft(
        &server.app.store,
        meera.user.unwrap(),
        "Harbour dredging approved",
    )
    .await;
    // Both open the editor at the same revision.
    for who in [&meera, &ravi] {
        let html = get_with(&server, &format!("/admin/articles/{id}"), &who.cookie)
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("name=\"revision\" value=\"1\""));
    }
    let path = format!("/admin/articles/{id}");
    let save = |who: &'static str, session: &Session| {
        let form = encode(&[
            ("csrf", &session.csrf),
            ("revision", "1"),
            ("headline", "Harbour dredging approved"),
            ("standfirst", ""),
            ("body", &format!("{who} version of the story.")),
        ]);
        let cookie = session.cookie.clone();
        let (server, path) = (&server, &path);
        async move { post(server, path, &cookie, form).await }
    };
    let (first, second) = tokio::join!(save("Meera's", &meera), save("Ravi's", &ravi));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409], "exactly one save wins");
    let (winner, loser_text, conflict) = if first.status() == 303 {
        ("Meera's", "Ravi's", second.text().await.unwrap())
    } else {
        ("Ravi's", "Meera's", first.text().await.unwrap())
    };
    assert!(
        conflict.contains("someone else saved this article first"),
        "{conflict}"
    );
    assert!(
        conflict.contains(&format!(
            "<del>{}</del><ins>{}</ins> version of the story.",
            escape(winner),
            escape(loser_text)
        )),
        "their word struck, yours marked, in one paragraph: {conflict}"
    );
    assert!(
        conflict.contains(&format!(
            "{}</textarea>",
            escape(&format!("{loser_text} version of the story."))
        )),
        "the refused text stays in the form"
    );
    assert!(
        conflict.contains("name=\"revision\" value=\"2\""),
        "based on the winner now"
    );

    let revisions = server.app.store.revisions(id).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert!(revisions[0].body_markdown.starts_with(winner));
    assert_eq!(
        server
            .app
            .store
            .editorial(id)
            .await
            .unwrap()
            .unwrap()
            .status,
        ArticleStatus::Draft
    );
}

#[tokio::test]
async fn typed_text_is_kept_until_saved_and_an_old_revision_can_be_restored_as_a_new_one() {
    let server = TestServer::with_demo().await;
    let meera = session(&server, Role::Author).await;
    let id = draft(
        &server.app.store,
        meera.user.unwrap(),
        "Night market reopens",
    )
    .await;
    let editor = format!("/admin/articles/{id}");

    // The editor's script sends the text as it is typed.
    let typed = encode(&[
        ("csrf", &meera.csrf),
        ("revision", "1"),
        ("headline", "Night market reopens on Friday"),
        ("standfirst", ""),
        ("body", "Half-typed para"),
    ]);
    let kept = post(&server, &format!("{editor}/autosave"), &meera.cookie, typed).await;
    assert_eq!(kept.status(), 204);
    let page = get_with(&server, &editor, &meera.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("You have unsaved changes to this article"),
        "{page}"
    );
    let restored = get_with(
        &server,
        &format!("{editor}?restore=autosave"),
        &meera.cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(restored.contains("Half-typed para</textarea>"));

    // Saving stores a revision and clears the kept text.
    let save = encode(&[
        ("csrf", &meera.csrf),
        ("revision", "1"),
        ("headline", "Night market reopens on Friday"),
        ("standfirst", ""),
        ("body", "The night market reopens on Friday."),
    ]);
    assert_eq!(
        post(&server, &editor, &meera.cookie, save).await.status(),
        303
    );
    assert!(
        server
            .app
            .store
            .autosave_of(id, meera.user.unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // The same form again changes nothing: no empty revision.
    let again = encode(&[
        ("csrf", &meera.csrf),
        ("revision", "2"),
        ("headline", "Night market reopens on Friday"),
        ("standfirst", ""),
        ("body", "The night market reopens on Friday."),
    ]);
    let same = post(&server, &editor, &meera.cookie, again).await;
    assert_eq!(same.status(), 303);
    assert!(
        same.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?done=unchanged.2")
    );
    assert_eq!(server.app.store.revisions(id).await.unwrap().len(), 2);

    // Revision 1 comes back as revision 3; 2 stays in the history.
    let restore = encode(&[("csrf", &meera.csrf)]);
    let back = post(
        &server,
        &format!("{editor}/revisions/1/restore"),
        &meera.cookie,
        restore,
    )
    .await;
    assert_eq!(back.status(), 303);
    let revisions = server.app.store.revisions(id).await.unwrap();
    assert_eq!(
        revisions.iter().map(|r| r.number).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(revisions[0].headline, "Night market reopens");
    assert_eq!(revisions[0].body_markdown, revisions[2].body_markdown);

    // The live preview renders as readers get it, sanitised, blocks and
    // all (an embed as the placeholder readers see).
    let markdown = encode(&[
        ("csrf", &meera.csrf),
        (
            "body",
            "**Bold** <script>alert(1)</script>\n\n::embed{url=\"https://youtu.be/aqz-KE-bpKQ\"}",
        ),
    ]);
    let html = post(&server, "/admin/markdown", &meera.cookie, markdown)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<strong>Bold</strong>") && !html.contains("<script"),
        "{html}"
    );
    assert!(
        html.contains(r#"<figure class="embed embed-youtube""#),
        "{html}"
    );
}

#[tokio::test]
async fn a_save_refused_for_a_conflict_is_kept_for_its_writer() {
    let server = TestServer::with_demo().await;
    let (a, b) = (
        session(&server, Role::Editor).await,
        session(&server, Role::Admin).await,
    );
    let id = draft(&server.app.store, a.user.unwrap(), "Bridge closure").await;
    let form = |who: &Session, body: &str| {
        encode(&[
            ("csrf", &who.csrf),
            ("revision", "1"),
            ("headline", "Bridge closure"),
            ("standfirst", ""),
            ("body", body),
        ])
    };
    let path = format!("/admin/articles/{id}");
    assert_eq!(
        post(&server, &path, &a.cookie, form(&a, "First text."))
            .await
            .status(),
        303
    );
    assert_eq!(
        post(&server, &path, &b.cookie, form(&b, "Second text."))
            .await
            .status(),
        409
    );
    let kept = server
        .app
        .store
        .autosave_of(id, b.user.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.body_markdown, "Second text.");
    assert_eq!(
        kept.base_revision, 1,
        "saving it again meets the conflict, not an overwrite"
    );
}

#[tokio::test]
async fn the_article_list_filters_by_headline_and_status_from_its_form() {
    let server = TestServer::with_demo().await;
    let desk = session(&server, Role::Editor).await;
    let id = draft(
        &server.app.store,
        desk.user.unwrap(),
        "Lighthouse keeper retires",
    )
    .await;
    let list = |query: &'static str| {
        let cookie = desk.cookie.clone();
        let server = &server;
        async move {
            get_with(server, &format!("/admin/articles?{query}"), &cookie)
                .await
                .text()
                .await
                .unwrap()
        }
    };
    let found = list("q=lighthouse+KEEPER").await;
    assert!(
        found.contains(&format!("/admin/articles/{id}\"")),
        "{found}"
    );
    assert_eq!(
        found.matches("<tr>").count(),
        2,
        "a header row and the one match"
    );
    assert!(
        found.contains("value=\"lighthouse KEEPER\""),
        "the form keeps the query"
    );
    let drafts = list("status=draft").await;
    assert!(drafts.contains(&format!("/admin/articles/{id}\"")));
    let published = list("status=published").await;
    assert!(!published.contains(&format!("/admin/articles/{id}\"")));
    assert!(published.contains("<option value=\"published\" selected>"));
}

#[tokio::test]
async fn every_change_in_the_editor_says_what_it_did() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let id = draft(&server.app.store, editor.user.unwrap(), "Ferry fares cut").await;
    let path = format!("/admin/articles/{id}");
    let change = async |to: &str, fields: &[(&str, &str)]| {
        let mut fields = fields.to_vec();
        fields.push(("csrf", &editor.csrf));
        let response = post(&server, to, &editor.cookie, encode(&fields)).await;
        assert_eq!(response.status(), 303, "{to}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let page = get_with(&server, &location, &editor.cookie).await;
        (location, page.text().await.unwrap())
    };

    let (location, page) = change(
        &path,
        &[
            ("revision", "1"),
            ("headline", "Ferry fares cut"),
            ("standfirst", ""),
            ("body", "Fares fall by a fifth from Monday."),
        ],
    )
    .await;
    assert_eq!(location, format!("{path}?done=saved.2"));
    assert!(page.contains("Saved — revision 2."), "{page}");

    let (location, page) = change(&format!("{path}/status"), &[("status", "published")]).await;
    assert_eq!(location, format!("{path}?done=moved.published"));
    let live = format!("-{id}\">view it</a>.");
    assert!(
        page.contains("Published — <a href=\"/") && page.contains(&live),
        "a link to the live page: {page}"
    );

    // Only our own redirects write the parameter; anything else says nothing.
    let page = get_with(&server, &format!("{path}?done=<b>hi</b>"), &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("class=\"done\""), "{page}");
}
