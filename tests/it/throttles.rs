//! Behind a proxy, every per-address limit holds against a client that
//! writes its own first `X-Forwarded-For` entry, a new one each time.

use crate::support::{TestServer, encode};

/// What the client writes, then what the proxy (this test's loopback
/// connection, the one proxy trusted) appends.
fn spoofed(n: usize) -> String {
    format!("10.9.{}.{}, 203.0.113.9", n / 250, n % 250 + 1)
}

async fn send_form(server: &TestServer, path: &str, n: usize, body: String) -> u16 {
    server
        .client
        .post(format!("{}{path}", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", spoofed(n))
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Tries `attempt` until it is refused with 429; how many were let through.
/// A limit refills as time passes (sign-in: one every 2 s), so a slow run
/// may let a few more through than the burst; a spoofed address that
/// escaped the limit would never be refused at all.
async fn allowed_before_refused<F, Fut>(limit: usize, mut attempt: F) -> usize
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    for n in 0..=limit * 2 {
        if attempt(n).await == 429 {
            return n;
        }
    }
    panic!("no refusal within {} attempts", limit * 2 + 1);
}

/// `allowed` attempts went through before a refusal: the burst, and at most
/// a few that time refilled.
fn assert_refused_past(allowed: usize, burst: usize, what: &str) {
    assert!(
        (burst..burst + 4).contains(&allowed),
        "{what}: {allowed} let through for a burst of {burst}"
    );
}

#[tokio::test]
async fn a_rotating_forwarded_for_entry_escapes_no_limit() {
    let server = TestServer::with_demo_and(|c| {
        c.server.client_ip_header = Some("x-forwarded-for".into());
        c.api.requests_per_minute = 5;
    })
    .await;
    let server = &server;

    let feedback = allowed_before_refused(5, |n| {
        let body = encode(&[
            ("email", "reader@example.org"),
            ("message", &format!("Message {n}")),
        ]);
        send_form(server, "/feedback", n, body)
    })
    .await;
    assert_refused_past(feedback, 5, "feedback");

    let api = allowed_before_refused(5, |n| async move {
        server
            .client
            .get(format!("{}/api/v1/sections", server.base))
            .header("x-forwarded-for", spoofed(n))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
    .await;
    assert_refused_past(api, 5, "API");

    let sign_ups = allowed_before_refused(10, |n| {
        let body = encode(&[("email", &format!("reader{n}@example.org"))]);
        send_form(server, "/newsletter", n, body)
    })
    .await;
    assert_refused_past(sign_ups, 10, "newsletter sign-up");

    // Sign-in: a new account each time, so only the address's limit counts.
    let sign_ins = allowed_before_refused(30, |n| async move {
        let (cookie, token) = crate::admin::sign_in_form(server).await;
        let body = encode(&[
            ("csrf", &token),
            ("email", &format!("nobody{n}@example.org")),
            ("password", "not the password"),
        ]);
        server
            .client
            .post(format!("{}/admin/sign-in", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .header("x-forwarded-for", spoofed(n))
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
    .await;
    assert_refused_past(sign_ins, 30, "staff sign-in");
}
