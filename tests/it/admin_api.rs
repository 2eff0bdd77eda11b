//! The admin API: personal access tokens made in the admin (shown once,
//! revocable), articles written and moved by the editor's own rules, media
//! and taxonomy, per-token limits, and every bad request answered with the
//! documented JSON error, never a 500.

use dateline_core::{Role, Scope};
use serde_json::{Value, json};

use crate::{
    admin::{get_with, post},
    api_calls::{answer, call, token_for},
    media::fixture,
    newsroom::session,
    support::{TestServer, encode},
};

fn draft_body(headline: &str) -> Value {
    json!({ "headline": headline, "body": "First paragraph.\n\nSecond.", "section": "news" })
}

#[tokio::test]
async fn a_token_made_in_the_admin_is_shown_once_and_stops_working_when_revoked() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let form = encode(&[
        ("csrf", editor.csrf.as_str()),
        ("name", "Desk app"),
        ("scopes", "articles:write"),
        ("scopes", "articles:publish"),
        ("days", "30"),
    ]);
    let made = post(&server, "/admin/tokens", &editor.cookie, form).await;
    assert_eq!(made.status(), 201);
    assert_eq!(made.headers()["cache-control"], "private, no-store");
    let html = made.text().await.unwrap();
    let at = html.find("value=\"dlpat_").expect("the secret, once") + 7;
    let secret = html[at..at + 70].to_owned();
    assert!(
        secret.starts_with("dlpat_") && !secret.contains('"'),
        "{secret}"
    );

    // The list shows its start, never the secret.
    let list = get_with(&server, "/admin/tokens", &editor.cookie).await;
    let html = list.text().await.unwrap();
    assert!(html.contains("Desk app") && html.contains(&secret[..12]));
    assert!(!html.contains(&secret));
    // Nor does the store hold it.
    let tokens = server
        .app
        .store
        .access_tokens(editor.user.unwrap())
        .await
        .unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].expires_at.is_some());

    let (status, created) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &secret,
        Some(draft_body("Ferry timetable changes for the monsoon")),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "draft");
    // Its use is noted.
    let tokens = server
        .app
        .store
        .access_tokens(editor.user.unwrap())
        .await
        .unwrap();
    assert!(tokens[0].last_used_at.is_some());

    // A form without the session's CSRF token makes nothing.
    let forged = encode(&[("name", "Forged"), ("scopes", "articles:write")]);
    assert_eq!(
        post(&server, "/admin/tokens", &editor.cookie, forged)
            .await
            .status(),
        403
    );

    let revoke = encode(&[("csrf", editor.csrf.as_str())]);
    let path = format!("/admin/tokens/{}/revoke", tokens[0].id);
    assert_eq!(
        post(&server, &path, &editor.cookie, revoke).await.status(),
        303
    );
    let (status, refused) = call(&server, "GET", "/api/v1/admin/articles/1", &secret, None).await;
    assert_eq!(status, 401);
    assert_eq!(refused["code"], "invalid_token");
}

#[tokio::test]
async fn articles_are_written_and_moved_by_the_editors_rules() {
    let server = TestServer::with_demo().await;
    let all = Scope::ALL;
    let (_, contributor) = token_for(&server, "c@example.org", Role::Contributor, &all).await;
    let (_, editor) = token_for(&server, "e@example.org", Role::Editor, &all).await;
    let (_, writer) = token_for(
        &server,
        "w@example.org",
        Role::Editor,
        &[Scope::ArticlesWrite],
    )
    .await;
    let people = server.app.store.people().await.unwrap();
    let byline = &people[0].slug;

    // A draft with details, in one request.
    let mut body = draft_body("Harbour dredging to start next week");
    body["tags"] = json!(["Harbour", "Dredging"]);
    body["authors"] = json!([byline]);
    body["edited_by"] = json!(byline);
    body["place"] = json!("Kochi");
    body["seo_title"] = json!("Dredging at the harbour");
    let (status, draft) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &contributor,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["tags"], json!(["Dredging", "Harbour"]), "by name");
    assert_eq!(draft["authors"], json!([byline]));
    assert_eq!(draft["seo_title"], "Dredging at the harbour");
    assert_eq!(draft["revision"], 1);
    let path = format!("/api/v1/admin/articles/{id}");

    // The contributor may not publish (their role), nor file in topics.
    let publish = json!({ "status": "published" });
    let status_path = format!("{path}/status");
    let (status, refused) = call(
        &server,
        "POST",
        &status_path,
        &contributor,
        Some(publish.clone()),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("forbidden")),
        "{refused}"
    );
    let topic = server.app.store.topics().await.unwrap()[0].slug.clone();
    let mut filed = body.clone();
    filed["revision"] = json!(1);
    filed["topics"] = json!([topic]);
    let (status, refused) = call(&server, "PUT", &path, &contributor, Some(filed)).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["fields"][0]["field"], "topics");

    // They may submit it for review; then it is no longer theirs to edit.
    let review = json!({ "status": "in_review" });
    let (status, _) = call(&server, "POST", &status_path, &contributor, Some(review)).await;
    assert_eq!(status, 200);

    // An editor replaces it; a second change from the same revision is refused.
    let mut edited = body.clone();
    edited["revision"] = json!(1);
    edited["headline"] = json!("Harbour dredging starts on Monday");
    edited["topics"] = json!([topic]);
    let (status, saved) = call(&server, "PUT", &path, &editor, Some(edited.clone())).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["revision"], 2);
    assert_eq!(saved["topics"], json!([topic]));
    let (status, stale) = call(&server, "PUT", &path, &editor, Some(edited)).await;
    assert_eq!(
        (status, stale["code"].as_str()),
        (409, Some("stale_revision")),
        "{stale}"
    );

    // A token without `articles:publish` may not publish, whatever its role.
    let (status, refused) = call(
        &server,
        "POST",
        &status_path,
        &writer,
        Some(publish.clone()),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        refused["message"].as_str().unwrap().contains("scopes"),
        "{refused}"
    );

    let (status, published) = call(
        &server,
        "POST",
        &status_path,
        &editor,
        Some(publish.clone()),
    )
    .await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["status"], "published");
    // Readers have it; an illegal move is refused with the reason.
    let reader = server.get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(reader.status(), 200);
    let (status, refused) = call(
        &server,
        "POST",
        &status_path,
        &editor,
        Some(json!({ "status": "draft" })),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("cannot become"),
        "{refused}"
    );

    // Scheduling takes a future time.
    let (status, second) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &editor,
        Some(draft_body("Night buses to run till 2 am")),
    )
    .await;
    assert_eq!(status, 201);
    let at = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(5)).to_string();
    let second_status = format!("/api/v1/admin/articles/{}/status", second["id"]);
    let (status, scheduled) = call(
        &server,
        "POST",
        &second_status,
        &editor,
        Some(json!({ "status": "scheduled", "at": at })),
    )
    .await;
    assert_eq!(status, 200, "{scheduled}");
    assert_eq!(scheduled["status"], "scheduled");
    let (status, refused) = call(
        &server,
        "POST",
        &second_status,
        &editor,
        Some(json!({ "status": "scheduled", "at": "2001-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["fields"][0]["field"], "at");
}

#[tokio::test]
async fn pictures_and_taxonomy_go_through_the_same_rules() {
    let server = TestServer::with_demo().await;
    let (_, author) = token_for(&server, "a@example.org", Role::Author, &Scope::ALL).await;
    let (_, editor) = token_for(&server, "e@example.org", Role::Editor, &Scope::ALL).await;

    let upload = |token: &str, query: &str, bytes: Vec<u8>, content_type: &str| {
        server
            .client
            .post(format!("{}/api/v1/admin/media?{query}", server.base))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(bytes)
            .send()
    };
    let (status, picture) = answer(
        upload(
            &author,
            "alt=Boats%20at%20dawn&credit=Staff",
            fixture("photo.png"),
            "image/png",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{picture}");
    assert_eq!(
        (picture["alt"].as_str(), picture["new"].as_bool()),
        (Some("Boats at dawn"), Some(true))
    );
    let (status, again) = answer(
        upload(
            &author,
            "alt=Boats",
            fixture("photo.png"),
            "application/octet-stream",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, &again["id"]), (200, &picture["id"]));
    let (status, refused) = answer(
        upload(&author, "credit=x", fixture("photo.png"), "image/png")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["fields"][0]["field"], "alt");
    let (status, refused) = answer(
        upload(&author, "alt=x", b"not a picture".to_vec(), "image/png")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );

    // The picture leads a draft.
    let mut body = draft_body("Boats return to the harbour");
    body["lead_image"] = json!({ "media": picture["id"], "caption": "At first light." });
    let (status, draft) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &author,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["lead_image"]["media"], picture["id"]);
    body["lead_image"] = json!({ "media": 999_999 });
    let (status, refused) = call(
        &server,
        "POST",
        "/api/v1/admin/articles",
        &author,
        Some(body),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(refused["fields"][0]["field"], "lead_image.media");

    // Topics and tags are editors' work.
    let topic = json!({ "name": "Harbour works", "description": "The dredging, month by month." });
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/admin/topics",
        &author,
        Some(topic.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, made) = call(
        &server,
        "POST",
        "/api/v1/admin/topics",
        &editor,
        Some(topic.clone()),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["slug"], "harbour-works");
    let (status, taken) = call(
        &server,
        "POST",
        "/api/v1/admin/topics",
        &editor,
        Some(topic),
    )
    .await;
    assert_eq!(
        (status, taken["code"].as_str()),
        (409, Some("conflict")),
        "{taken}"
    );

    let tag = server.app.store.tags("", 1).await.unwrap().remove(0);
    let tag_path = format!("/api/v1/admin/tags/{}", tag.id);
    let (status, renamed) = call(
        &server,
        "PUT",
        &tag_path,
        &editor,
        Some(json!({ "name": "Renamed tag" })),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        (renamed["name"].as_str(), renamed["slug"].as_str()),
        (Some("Renamed tag"), Some(tag.slug.as_str()))
    );
    let (status, _) = call(&server, "DELETE", &tag_path, &editor, None).await;
    assert_eq!(status, 204);
    let (status, gone) = call(&server, "DELETE", &tag_path, &editor, None).await;
    assert_eq!((status, gone["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn bad_requests_get_the_documented_error_never_a_500() {
    let server = TestServer::with_demo().await;
    let (_, token) = token_for(&server, "e@example.org", Role::Editor, &Scope::ALL).await;
    let url = format!("{}/api/v1/admin/articles", server.base);
    let send = |auth: Option<&str>, content_type: &str, body: Vec<u8>| {
        let mut request = server
            .client
            .post(&url)
            .header("content-type", content_type)
            .body(body);
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    let bearer = format!("Bearer {token}");
    let huge = format!(
        r#"{{"headline": "A", "section": "news", "body": "{}"}}"#,
        "x".repeat(3 << 20)
    );
    // (what, Authorization, Content-Type, body, status, code, field)
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        &'a str,
        Vec<u8>,
        u16,
        &'a str,
        Option<&'a str>,
    );
    let cases: Vec<Case> = vec![
        (
            "no token",
            None,
            "application/json",
            b"{}".to_vec(),
            401,
            "unauthorized",
            None,
        ),
        (
            "unknown token",
            Some("Bearer dlpat_0000"),
            "application/json",
            b"{}".to_vec(),
            401,
            "invalid_token",
            None,
        ),
        (
            "not a bearer",
            Some("Basic dXNlcjpwYXNz"),
            "application/json",
            b"{}".to_vec(),
            401,
            "invalid_token",
            None,
        ),
        (
            "malformed JSON",
            Some(&bearer),
            "application/json",
            br#"{"headline": "#.to_vec(),
            400,
            "invalid_json",
            None,
        ),
        (
            "wrong type",
            Some(&bearer),
            "application/json",
            br#"{"headline": 7, "section": "news"}"#.to_vec(),
            422,
            "invalid_fields",
            Some("headline"),
        ),
        (
            "unknown field",
            Some(&bearer),
            "application/json",
            br#"{"headline": "A", "section": "news", "colour": "red"}"#.to_vec(),
            422,
            "invalid_fields",
            Some("colour"),
        ),
        (
            "missing field",
            Some(&bearer),
            "application/json",
            br#"{"headline": "A"}"#.to_vec(),
            422,
            "invalid_fields",
            Some("section"),
        ),
        (
            "nested wrong type",
            Some(&bearer),
            "application/json",
            br#"{"headline": "A", "section": "news", "related": ["x"]}"#.to_vec(),
            422,
            "invalid_fields",
            Some("related[0]"),
        ),
        (
            "unknown section",
            Some(&bearer),
            "application/json",
            br#"{"headline": "A", "section": "nowhere"}"#.to_vec(),
            422,
            "invalid_fields",
            Some("section"),
        ),
        (
            "empty headline",
            Some(&bearer),
            "application/json",
            br#"{"headline": " ", "section": "news"}"#.to_vec(),
            422,
            "invalid_fields",
            Some("headline"),
        ),
        (
            "NUL",
            Some(&bearer),
            "application/json",
            br#"{"headline": "A\u0000", "section": "news"}"#.to_vec(),
            422,
            "invalid_fields",
            Some("headline"),
        ),
        (
            "form body",
            Some(&bearer),
            "application/x-www-form-urlencoded",
            b"headline=A".to_vec(),
            415,
            "unsupported_media_type",
            None,
        ),
        (
            "oversized",
            Some(&bearer),
            "application/json",
            huge.into_bytes(),
            413,
            "too_large",
            None,
        ),
    ];
    for (what, auth, content_type, body, status, code, field) in cases {
        let response = send(auth, content_type, body).await.unwrap();
        let challenge = response.headers().get("www-authenticate").cloned();
        let (got, error) = answer(response).await;
        assert_eq!(
            (got, error["code"].as_str()),
            (status, Some(code)),
            "{what}: {error}"
        );
        assert_eq!(
            error["fields"][0]["field"].as_str(),
            field,
            "{what}: {error}"
        );
        assert!(!error["message"].as_str().unwrap().is_empty(), "{what}");
        if status == 401 {
            assert!(
                challenge.unwrap().to_str().unwrap().starts_with("Bearer"),
                "{what}"
            );
        }
    }
    // Nothing of those was stored.
    let drafts = server
        .app
        .store
        .desk_articles(&dateline_store::DeskFilter::default(), 1000)
        .await
        .unwrap();
    assert!(drafts.iter().all(|d| d.headline != "A"));
    // A path id that is not a number names it.
    let (status, error) = call(&server, "GET", "/api/v1/admin/articles/x1", &token, None).await;
    assert_eq!(
        (status, error["fields"][0]["field"].as_str()),
        (400, Some("id"))
    );
}

#[tokio::test]
async fn a_token_past_its_allowance_is_told_when_to_ask_again() {
    let server = TestServer::with_demo_and(|c| c.api.token_requests_per_minute = 3).await;
    let (_, token) = token_for(&server, "e@example.org", Role::Editor, &Scope::ALL).await;
    for _ in 0..3 {
        let (status, _) = call(&server, "GET", "/api/v1/admin/articles/1", &token, None).await;
        assert_eq!(status, 200);
    }
    let response = server
        .client
        .get(format!("{}/api/v1/admin/articles/1", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let (_, error) = answer(response).await;
    assert!(
        error["message"].as_str().unwrap().contains("access token"),
        "{error}"
    );
    // Another token of the same person has its own allowance.
    let (_, other) = token_for(&server, "f@example.org", Role::Editor, &Scope::ALL).await;
    let (status, _) = call(&server, "GET", "/api/v1/admin/articles/1", &other, None).await;
    assert_eq!(status, 200);
}
