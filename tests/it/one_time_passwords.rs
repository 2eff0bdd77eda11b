//! A password handed over by `dateline user add` (or an admin) is good for
//! one thing: choosing the account's own. Until then every other admin page
//! and form sends the staff member to that choice, and afterwards the
//! one-time password no longer signs in.

use std::process::Command;

use crate::{
    admin::{cookie_value, form_token, get_with, post, set_cookie, try_sign_in},
    support::{TestServer, encode},
};

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test]
async fn a_one_time_password_from_user_add_must_be_replaced_before_anything_else() {
    let server = TestServer::with_demo().await;
    let added = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["user", "add", "desk@example.org", "--role", "editor"])
        .arg("--data")
        .arg(&server.app.data_dir)
        .env("DATELINE_LOG", "off")
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let stdout = String::from_utf8(added.stdout).unwrap();
    let one_time = stdout
        .lines()
        .find_map(|l| l.strip_prefix("One-time password: "))
        .unwrap_or_else(|| panic!("no password in {stdout}"))
        .to_owned();

    let signed_in = try_sign_in(&server, "desk@example.org", &one_time).await;
    assert_eq!(signed_in.status(), 303);
    let session = set_cookie(&signed_in, "dateline_session").unwrap();
    let cookie = format!("dateline_session={}", cookie_value(&session));

    // Every page, and every form, leads to the password page.
    for path in ["/admin", "/admin/media", "/admin/tokens", "/admin/wire"] {
        let response = get_with(&server, path, &cookie).await;
        assert_eq!(
            (response.status().as_u16(), location(&response)),
            (303, "/admin/password"),
            "{path}"
        );
    }
    let page = get_with(&server, "/admin/password", &cookie).await;
    assert_eq!(page.status(), 200);
    let csrf = form_token(&page.text().await.unwrap());
    let draft = post(
        &server,
        "/admin/articles",
        &cookie,
        encode(&[("csrf", &csrf), ("headline", "Written too soon")]),
    )
    .await;
    assert_eq!(location(&draft), "/admin/password");

    let choose = |current: &str, password: &str, again: &str| {
        let body = encode(&[
            ("csrf", &csrf),
            ("current", current),
            ("password", password),
            ("again", again),
        ]);
        post(&server, "/admin/password", &cookie, body)
    };
    let new = "a brand new password";
    // A borrowed session cannot choose without the password it began with,
    // and the one-time password cannot be chosen again.
    for (current, password, again, says) in [
        ("a wrong guess", new, new, "not the one-time password"),
        (
            one_time.as_str(),
            one_time.as_str(),
            one_time.as_str(),
            "not the one you have now",
        ),
        (one_time.as_str(), new, "a brand new passwort", "differ"),
    ] {
        let refused = choose(current, password, again).await;
        assert_eq!(refused.status(), 422);
        let text = refused.text().await.unwrap();
        assert!(text.contains(says), "{says}: {text}");
    }
    let chosen = choose(&one_time, new, new).await;
    assert_eq!(
        (chosen.status().as_u16(), location(&chosen)),
        (303, "/admin")
    );
    let fresh = set_cookie(&chosen, "dateline_session").expect("signed in afresh");
    let fresh = format!("dateline_session={}", cookie_value(&fresh));
    assert_eq!(get_with(&server, "/admin", &fresh).await.status(), 200);
    assert_eq!(
        location(&get_with(&server, "/admin", &cookie).await),
        "/admin/sign-in",
        "the one-time session ended"
    );
    let again = try_sign_in(&server, "desk@example.org", &one_time).await;
    assert_eq!(again.status(), 401, "the one-time password is spent");
    let own = try_sign_in(&server, "desk@example.org", new).await;
    assert_eq!(own.status(), 303);

    // Later changes ask for the current password too.
    let page = get_with(&server, "/admin/password", &fresh).await;
    let text = page.text().await.unwrap();
    assert!(text.contains("Change your password"), "{text}");
    let body = encode(&[
        ("csrf", &form_token(&text)),
        ("current", "not my password"),
        ("password", "taken over by a stranger"),
        ("again", "taken over by a stranger"),
    ]);
    let stranger = post(&server, "/admin/password", &fresh, body).await;
    assert_eq!(stranger.status(), 422);
    assert!(
        stranger
            .text()
            .await
            .unwrap()
            .contains("not your current password")
    );
    let still = try_sign_in(&server, "desk@example.org", new).await;
    assert_eq!(still.status(), 303, "the password stands");
}
