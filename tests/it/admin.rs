//! Staff sign-in: sessions, their cookie, CSRF tokens and throttling.

use dateline::accounts::hash_password;
use dateline_core::{Email, Role, Text};
use dateline_store::NewUser;

use crate::support::{TestServer, encode};

pub(crate) const PASSWORD: &str = "a long enough password";

pub(crate) async fn add_staff(
    server: &TestServer,
    email: &str,
    role: Role,
) -> dateline_core::UserId {
    server
        .app
        .store
        .create_user(
            &NewUser {
                email: Email::parse(email).unwrap(),
                name: Text::parse("name", "Kavya Menon", 200).unwrap(),
                role,
                password_hash: hash_password(PASSWORD.into()).await.unwrap(),
                must_change_password: false,
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap()
}

/// The value of cookie `name` set by `response`, with its attributes.
pub(crate) fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

pub(crate) fn cookie_value(set_cookie: &str) -> &str {
    let pair = set_cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap().1
}

/// The value of the hidden `csrf` field in a form.
pub(crate) fn form_token(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + 64].to_owned()
}

/// A fresh sign-in form: its double-submit cookie and token.
pub(crate) async fn sign_in_form(server: &TestServer) -> (String, String) {
    let response = server.get("/admin/sign-in").await;
    assert_eq!(response.status(), 200);
    let cookie = set_cookie(&response, "dateline_sign_in").expect("a sign-in cookie");
    let html = response.text().await.unwrap();
    let token = form_token(&html);
    assert_eq!(cookie_value(&cookie), token);
    (format!("dateline_sign_in={token}"), token)
}

pub(crate) async fn post(
    server: &TestServer,
    path: &str,
    cookie: &str,
    body: String,
) -> reqwest::Response {
    server
        .client
        .post(format!("{}{path}", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn try_sign_in(
    server: &TestServer,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let (cookie, token) = sign_in_form(server).await;
    let body = encode(&[("csrf", &token), ("email", email), ("password", password)]);
    post(server, "/admin/sign-in", &cookie, body).await
}

/// Signs in and returns the session cookie (`name=value`).
pub(crate) async fn sign_in(server: &TestServer, email: &str) -> String {
    let response = try_sign_in(server, email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin");
    let session = set_cookie(&response, "dateline_session").expect("a session cookie");
    format!("dateline_session={}", cookie_value(&session))
}

pub(crate) async fn get_with(server: &TestServer, path: &str, cookie: &str) -> reqwest::Response {
    server
        .client
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_sign_in_to_a_private_session_and_sign_out_ends_it() {
    let server = TestServer::with_demo().await;
    add_staff(&server, "kavya@example.org", Role::Editor).await;

    let anonymous = server.get("/admin").await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/admin/sign-in");

    let response = try_sign_in(&server, "kavya@example.org", PASSWORD).await;
    assert_eq!(response.status(), 303);
    let session = set_cookie(&response, "dateline_session").unwrap();
    for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=72000"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(
        !session.contains("Secure"),
        "the test site is served over http"
    );
    assert!(
        server
            .app
            .store
            .session(
                &dateline::accounts::token_hash(cookie_value(&session)),
                jiff::Timestamp::now()
            )
            .await
            .unwrap()
            .is_some(),
        "the store knows the session by the token's hash"
    );
    let cookie = format!("dateline_session={}", cookie_value(&session));

    let desk = get_with(&server, "/admin", &cookie).await;
    assert_eq!(desk.status(), 200);
    assert_eq!(desk.headers()["cache-control"], "private, no-store");
    let html = desk.text().await.unwrap();
    assert!(
        html.contains("Kavya Menon <span class=\"role\">editor</span>"),
        "{html}"
    );
    assert!(
        html.contains("<h1>Dashboard</h1>"),
        "the newsroom's dashboard"
    );

    let without_token = post(&server, "/admin/sign-out", &cookie, String::new()).await;
    assert_eq!(without_token.status(), 403, "no CSRF token, no sign-out");
    let wrong_token = post(
        &server,
        "/admin/sign-out",
        &cookie,
        encode(&[("csrf", &"0".repeat(64))]),
    )
    .await;
    assert_eq!(wrong_token.status(), 403);
    assert_eq!(get_with(&server, "/admin", &cookie).await.status(), 200);

    let token = form_token(&html);
    let signed_out = post(
        &server,
        "/admin/sign-out",
        &cookie,
        encode(&[("csrf", &token)]),
    )
    .await;
    assert_eq!(signed_out.status(), 303);
    let cleared = set_cookie(&signed_out, "dateline_session").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = get_with(&server, "/admin", &cookie).await;
    assert_eq!(after.status(), 303, "the old cookie no longer signs in");
}

#[tokio::test]
async fn a_wrong_password_or_a_missing_form_token_is_refused_and_each_sign_in_is_a_new_session() {
    let server = TestServer::with_demo().await;
    add_staff(&server, "kavya@example.org", Role::Author).await;

    let wrong = try_sign_in(&server, "kavya@example.org", "not the password").await;
    assert_eq!(wrong.status(), 401);
    assert!(set_cookie(&wrong, "dateline_session").is_none());
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("do not match an account")
    );
    let unknown = try_sign_in(&server, "nobody@example.org", PASSWORD).await;
    assert_eq!(unknown.status(), 401, "an unknown address reads the same");

    let no_cookie = post(
        &server,
        "/admin/sign-in",
        "",
        encode(&[
            ("csrf", &"a".repeat(64)),
            ("email", "kavya@example.org"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(
        no_cookie.status(),
        403,
        "login CSRF: the token must match the form's cookie"
    );

    let first = sign_in(&server, "KAVYA@example.org").await;
    let second = sign_in(&server, "kavya@example.org").await;
    assert_ne!(first, second, "a new token for every sign-in");
    assert_eq!(get_with(&server, "/admin", &first).await.status(), 200);
    assert_eq!(get_with(&server, "/admin", &second).await.status(), 200);
}

#[tokio::test]
async fn the_eleventh_attempt_in_a_minute_for_one_account_is_refused_without_checking_the_password()
{
    let server = TestServer::with_demo().await;
    add_staff(&server, "kavya@example.org", Role::Editor).await;
    add_staff(&server, "ravi@example.org", Role::Editor).await;
    for attempt in 1..=10 {
        let response = try_sign_in(&server, "kavya@example.org", "a wrong guess").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // The right password now: refused all the same, so it was never checked.
    let eleventh = try_sign_in(&server, "Kavya@Example.org", PASSWORD).await;
    assert_eq!(eleventh.status(), 429);
    let wait: u64 = eleventh.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&wait), "{wait}");
    assert!(set_cookie(&eleventh, "dateline_session").is_none());
    assert!(
        eleventh
            .text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts")
    );

    // Another account from the same address is not locked out.
    sign_in(&server, "ravi@example.org").await;
}

#[tokio::test]
async fn the_first_admin_is_set_up_only_with_the_logged_token_and_only_once() {
    let server = TestServer::with_demo().await;
    let setup = format!("{}/admin/setup", server.base);
    // A loopback connection is no proof of anything: a reverse proxy on
    // the same host sends every reader's request from loopback, often
    // without a header saying so.
    let from_loopback = server.client.get(&setup).send().await.unwrap();
    assert_eq!(from_loopback.status(), 403);
    let html = from_loopback.text().await.unwrap();
    let token = &server.app.setup_token;
    assert!(
        !html.contains(token.as_str()),
        "the token is never handed out"
    );
    assert!(html.contains("dateline user add"), "{html}");
    let with_token = server
        .client
        .get(format!("{setup}?token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
    assert_eq!(with_token.headers()["cache-control"], "private, no-store");

    let wrong_token = post(
        &server,
        "/admin/setup",
        "",
        encode(&[
            ("token", "0"),
            ("email", "chief@example.org"),
            ("name", "Chief"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(wrong_token.status(), 403);
    let short = post(
        &server,
        "/admin/setup",
        "",
        encode(&[
            ("token", token),
            ("email", "chief@example.org"),
            ("name", "Chief"),
            ("password", "short"),
        ]),
    )
    .await;
    assert_eq!(short.status(), 422);
    assert_eq!(
        server.app.store.admin_count().await.unwrap(),
        0,
        "nothing stored"
    );

    let done = post(
        &server,
        "/admin/setup",
        "",
        encode(&[
            ("token", token),
            ("email", "chief@example.org"),
            ("name", "Chief"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(done.status(), 303);
    let session = set_cookie(&done, "dateline_session").expect("signed in at once");
    let cookie = format!("dateline_session={}", cookie_value(&session));
    let desk = get_with(&server, "/admin/people", &cookie).await;
    assert_eq!(desk.status(), 200, "the first account is an admin");

    assert_eq!(
        server.client.get(&setup).send().await.unwrap().status(),
        404,
        "setup is gone"
    );
    let again = post(
        &server,
        "/admin/setup",
        "",
        encode(&[
            ("token", token),
            ("email", "second@example.org"),
            ("name", "Second"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(again.status(), 404);
    assert_eq!(server.app.store.admin_count().await.unwrap(), 1);
}
