//! Reader accounts end to end, over a real SMTP server on loopback: sign-up
//! and verification, sign-in by password and by link, a stolen sign-up
//! password that never opens the account, reset, change of address and
//! password, CSRF, and deletion that takes the personal data with it.

use std::time::Duration;

use dateline_store::SubscriberState;

use crate::{
    admin::{cookie_value, form_token, get_with, post, set_cookie},
    mail::{SmtpSink, unfolded},
    support::{TestServer, encode, eventually, validators_available},
};

const PASSWORD: &str = "correct horse battery";

async fn server_with(sink: &SmtpSink) -> TestServer {
    let port = sink.port;
    TestServer::with_demo_and(|config| {
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail.from = "Dateline News <news@example.org>".into();
    })
    .await
}

/// A pre-sign-in form at `path`: its double-submit cookie and token.
async fn public_form(server: &TestServer, path: &str) -> (String, String) {
    let response = server.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let cookie = set_cookie(&response, "dateline_sign_in").expect("a form cookie");
    let token = form_token(&response.text().await.unwrap());
    (format!("dateline_sign_in={}", cookie_value(&cookie)), token)
}

/// Sends the form at `path` with `fields` (and its token).
async fn send_public(
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    send_with_token_of(server, path, path, fields).await
}

/// Sends `fields` to `path` with the token of the form at `form` (for a
/// link whose own page no longer shows a form).
async fn send_with_token_of(
    server: &TestServer,
    form: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (cookie, token) = public_form(server, form).await;
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    post(server, path, &cookie, encode(&all)).await
}

/// Waits for a message not in `seen` (the sink keeps no order), adds it,
/// and returns its link to `/account/link/` and the message.
async fn next_link(
    server: &TestServer,
    sink: &SmtpSink,
    seen: &mut Vec<String>,
) -> (String, String) {
    let n = seen.len() + 1;
    eventually(Duration::from_secs(10), || async {
        sink.messages().len() >= n
    })
    .await;
    let message = sink
        .messages()
        .iter()
        .map(|m| unfolded(m))
        .find(|m| !seen.contains(m))
        .unwrap();
    seen.push(message.clone());
    let prefix = format!("{}/account/link/", server.base);
    let at = message.find(&prefix).unwrap_or_else(|| panic!("{message}"));
    let link: String = message[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    (link.strip_prefix(&server.base).unwrap().to_owned(), message)
}

/// Uses a mailed link (its button); the session cookie it starts.
async fn use_link(server: &TestServer, path: &str, fields: &[(&str, &str)]) -> String {
    let response = send_public(server, path, fields).await;
    assert_eq!(response.status(), 303, "{path}");
    assert_eq!(response.headers()["location"], "/account");
    let session = set_cookie(&response, "dateline_reader").expect("a session");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    format!("dateline_reader={}", cookie_value(&session))
}

/// The account page's own form token.
async fn account_token(server: &TestServer, session: &str) -> String {
    let page = get_with(server, "/account", session).await;
    assert_eq!(page.status(), 200);
    form_token(&page.text().await.unwrap())
}

async fn sign_in(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    send_public(
        server,
        "/account/sign-in",
        &[("email", email), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn a_reader_signs_up_verifies_signs_in_and_out_and_resets_the_password() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = server_with(&sink).await;
    let anonymous = server.get("/account").await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/account/sign-in");
    assert!(server.page("/").await.contains("href=\"/account\""));

    let mut seen = Vec::new();
    // Someone else signs the address up first, with their own password.
    let first = send_public(
        &server,
        "/account/sign-up",
        &[
            ("email", "Reader@Example.org"),
            ("password", "the intruder's password"),
        ],
    )
    .await;
    assert_eq!(first.status(), 200);
    assert!(first.text().await.unwrap().contains("Check your inbox"));
    let (intruders_link, mail) = next_link(&server, &sink, &mut seen).await;
    assert!(mail.contains("To: reader@example.org"), "{mail}");
    assert!(mail.contains("Confirm your"), "{mail}");
    // Unverified, the account opens to no password.
    assert_eq!(
        sign_in(&server, "reader@example.org", "the intruder's password")
            .await
            .status(),
        401
    );

    // The owner signs up too; the intruder's link is spent when theirs is
    // used, and their password is the account's.
    let store = &server.app.store;
    let reader = store
        .reader_credentials("reader@example.org")
        .await
        .unwrap()
        .unwrap()
        .0;
    let owner = send_public(
        &server,
        "/account/sign-up",
        &[("email", "reader@example.org"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(owner.status(), 200);
    let (owners_link, _) = next_link(&server, &sink, &mut seen).await;
    assert_ne!(owners_link, intruders_link);
    // A scanner following the link changes nothing; the button does.
    assert_eq!(server.get(&owners_link).await.status(), 200);
    assert!(!store.reader(reader.id).await.unwrap().unwrap().verified);
    let session = use_link(&server, &owners_link, &[]).await;
    let page = get_with(&server, "/account", &session).await;
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Signed in as <strong>reader@example.org")
    );
    let admin = get_with(&server, "/admin", &session).await;
    assert_eq!(admin.status(), 303, "a reader is not staff");
    assert_eq!(admin.headers()["location"], "/admin/sign-in");
    assert_eq!(
        send_with_token_of(&server, "/account/sign-in", &intruders_link, &[])
            .await
            .status(),
        410,
        "the other verification link is spent"
    );
    assert_eq!(
        sign_in(&server, "reader@example.org", "the intruder's password")
            .await
            .status(),
        401
    );

    // Signing out ends the session; the password signs in again, with a
    // new session each time.
    let token = account_token(&server, &session).await;
    let out = post(
        &server,
        "/account/sign-out",
        &session,
        encode(&[("csrf", &token)]),
    )
    .await;
    assert_eq!(out.status(), 303);
    assert_eq!(get_with(&server, "/account", &session).await.status(), 303);
    let signed_in = sign_in(&server, "READER@example.org", PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    let again = format!(
        "dateline_reader={}",
        cookie_value(&set_cookie(&signed_in, "dateline_reader").unwrap())
    );
    assert_ne!(again, session);
    assert_eq!(
        sign_in(&server, "reader@example.org", "wrong password here")
            .await
            .status(),
        401
    );

    // A form without the session's token is refused and changes nothing.
    let forged = post(
        &server,
        "/account/delete",
        &again,
        encode(&[("csrf", &"0".repeat(64)), ("confirm", "delete")]),
    )
    .await;
    assert_eq!(forged.status(), 403);
    assert!(store.reader(reader.id).await.unwrap().is_some());

    // Reset by mail: the new password works, the old one and every
    // session end.
    let asked = send_public(
        &server,
        "/account/reset",
        &[("email", "reader@example.org")],
    )
    .await;
    assert_eq!(asked.status(), 200);
    let (reset_link, _) = next_link(&server, &sink, &mut seen).await;
    let short = send_public(&server, &reset_link, &[("password", "short")]).await;
    assert_eq!(
        short.status(),
        422,
        "a short password is refused, the link kept"
    );
    let reset_session = use_link(
        &server,
        &reset_link,
        &[("password", "a brand new passphrase")],
    )
    .await;
    assert_eq!(get_with(&server, "/account", &again).await.status(), 303);
    assert_eq!(
        get_with(&server, "/account", &reset_session).await.status(),
        200
    );
    assert_eq!(
        sign_in(&server, "reader@example.org", PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        sign_in(&server, "reader@example.org", "a brand new passphrase")
            .await
            .status(),
        303
    );
    assert_eq!(
        send_with_token_of(
            &server,
            "/account/sign-in",
            &reset_link,
            &[("password", "another passphrase")]
        )
        .await
        .status(),
        410,
        "a link works once"
    );
}

#[tokio::test]
async fn a_passwordless_reader_signs_in_by_link_moves_address_subscribes_and_deletes_everything() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = server_with(&sink).await;
    let store = &server.app.store;
    // The address already gets the newsletters.
    crate::support::subscriber(&server, "asha@example.org").await;

    for bad in [
        "",
        "not an address",
        "asha@example.org\r\nBcc: x@example.org",
    ] {
        let refused = send_public(&server, "/account/sign-up", &[("email", bad)]).await;
        assert_eq!(refused.status(), 422, "{bad:?}");
    }
    let short = send_public(
        &server,
        "/account/sign-up",
        &[("email", "asha@example.org"), ("password", "short")],
    )
    .await;
    assert_eq!(short.status(), 422);
    let mut seen = Vec::new();

    let created = send_public(
        &server,
        "/account/sign-up",
        &[("email", "asha@example.org")],
    )
    .await;
    assert_eq!(created.status(), 200);
    let (verify, _) = next_link(&server, &sink, &mut seen).await;
    let session = use_link(&server, &verify, &[]).await;
    let reader = store
        .reader_credentials("asha@example.org")
        .await
        .unwrap()
        .unwrap();
    assert!(reader.0.verified && !reader.0.has_password && reader.1.is_none());
    assert!(
        reader.0.subscriber_token.is_some(),
        "the verified account owns its address's subscription"
    );

    // No password: a link signs in.
    let asked = send_public(
        &server,
        "/account/sign-in",
        &[("email", "asha@example.org"), ("link", "1")],
    )
    .await;
    assert_eq!(asked.status(), 200);
    let (sign_in_link, mail) = next_link(&server, &sink, &mut seen).await;
    assert!(mail.contains("To sign in"), "{mail}");
    let session2 = use_link(&server, &sign_in_link, &[]).await;
    assert_ne!(session, session2);

    // Subscribing from the account confirms the address's subscription.
    let token = account_token(&server, &session2).await;
    let subscribed = post(
        &server,
        "/account/newsletters",
        &session2,
        encode(&[("csrf", &token)]),
    )
    .await;
    assert_eq!(subscribed.status(), 303);
    let preferences = subscribed.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(preferences.starts_with("/newsletter/preferences/"));
    let subscriber = store.export_subscribers().await.unwrap();
    assert_eq!(subscriber.len(), 1);
    assert_eq!(subscriber[0].state, SubscriberState::Confirmed);

    // Moving to a new address: a link to it; the account and its
    // subscription move when it is used.
    let moved = post(
        &server,
        "/account/email",
        &session2,
        encode(&[("csrf", &token), ("email", "asha.new@example.org")]),
    )
    .await;
    assert_eq!(moved.status(), 303);
    let (move_link, mail) = next_link(&server, &sink, &mut seen).await;
    assert!(mail.contains("To: asha.new@example.org"), "{mail}");
    let session3 = use_link(&server, &move_link, &[]).await;
    assert_eq!(
        get_with(&server, "/account", &session2).await.status(),
        303,
        "moving ends the other sessions"
    );
    let page = get_with(&server, "/account", &session3)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("asha.new@example.org"));
    assert_eq!(
        store.export_subscribers().await.unwrap()[0].email,
        "asha.new@example.org"
    );

    // Setting a password from the account.
    let token = account_token(&server, &session3).await;
    let set = post(
        &server,
        "/account/password",
        &session3,
        encode(&[("csrf", &token), ("password", "now with a password")]),
    )
    .await;
    assert_eq!(set.status(), 303);
    assert_eq!(
        sign_in(&server, "asha.new@example.org", "now with a password")
            .await
            .status(),
        303
    );

    // Deleting needs the word; then the account, its sessions and its
    // subscription are gone.
    let kept = post(
        &server,
        "/account/delete",
        &session3,
        encode(&[("csrf", &token), ("confirm", "")]),
    )
    .await;
    assert_eq!(kept.status(), 422);
    let deleted = post(
        &server,
        "/account/delete",
        &session3,
        encode(&[("csrf", &token), ("confirm", "delete")]),
    )
    .await;
    assert_eq!(deleted.status(), 200);
    assert!(store.reader(reader.0.id).await.unwrap().is_none());
    assert!(store.export_subscribers().await.unwrap().is_empty());
    assert_eq!(get_with(&server, "/account", &session3).await.status(), 303);
    assert_eq!(
        sign_in(&server, "asha.new@example.org", "now with a password")
            .await
            .status(),
        401
    );
}
