//! The Feedback form: what is refused, what is stored, and how often.

use crate::support::{TestServer, encode};

/// Sends the form as a browser on the site's own page does.
async fn post(server: &TestServer, body: String) -> reqwest::Response {
    let origin = server.base.clone();
    send(
        server,
        "application/x-www-form-urlencoded",
        &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        body,
    )
    .await
}

async fn send(
    server: &TestServer,
    content_type: &str,
    headers: &[(&str, &str)],
    body: String,
) -> reqwest::Response {
    let mut request = server
        .client
        .post(format!("{}/feedback", server.base))
        .header("content-type", content_type);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(body).send().await.unwrap()
}

/// The body of `response`, which must have `status`.
async fn answer(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    response.text().await.unwrap()
}

async fn stored(server: &TestServer) -> usize {
    server.app.store.feedback(100).await.unwrap().len()
}

#[tokio::test]
async fn a_valid_message_is_stored_once_even_if_sent_twice_quickly() {
    let server = TestServer::with_demo().await;
    let form = encode(&[
        ("name", "Asha Rao"),
        ("email", "asha@example.org"),
        (
            "message",
            "The tide table on the weather page is a day behind.",
        ),
    ]);
    let (first, second) = tokio::join!(post(&server, form.clone()), post(&server, form));
    for response in [first, second] {
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/feedback/thanks");
    }
    let messages = server.app.store.feedback(10).await.unwrap();
    assert_eq!(messages.len(), 1, "one message, however often it is sent");
    assert_eq!(messages[0].email, "asha@example.org");
    assert!(messages[0].message.starts_with("The tide table"));
    let thanks = server.page("/feedback/thanks").await;
    assert!(thanks.contains("Thank you"));
}

#[tokio::test]
async fn empty_oversized_and_malformed_messages_get_a_clear_answer_and_store_nothing() {
    let server = TestServer::with_demo().await;

    let empty = post(
        &server,
        encode(&[("name", ""), ("email", ""), ("message", "")]),
    )
    .await;
    assert_eq!(empty.status(), 422);
    let html = empty.text().await.unwrap();
    assert!(html.contains("Please write your message."), "{html}");
    assert!(html.contains("Please give an email address"));
    assert!(html.contains("aria-invalid=\"true\""));

    let long = "a".repeat(10 * 1024 + 1);
    let oversized = post(
        &server,
        encode(&[("email", "a@example.org"), ("message", &long)]),
    )
    .await;
    assert_eq!(oversized.status(), 422);
    let html = oversized.text().await.unwrap();
    assert!(html.contains("the limit is 10 KB"), "{html}");
    assert!(
        html.contains("a@example.org"),
        "what the reader typed is kept in the form"
    );

    let huge = "b".repeat(100 * 1024);
    let too_large = post(
        &server,
        encode(&[("email", "a@example.org"), ("message", &huge)]),
    )
    .await;
    assert!(
        answer(too_large, 413)
            .await
            .contains("Please shorten your message")
    );

    let json = r#"{"email": "a@example.org", "message": "Hello"}"#.to_owned();
    let malformed = send(&server, "application/json", &[], json).await;
    assert!(answer(malformed, 400).await.contains("could not be read"));

    let bad_address = post(
        &server,
        encode(&[("email", "not an address"), ("message", "Hi")]),
    )
    .await;
    assert!(
        answer(bad_address, 422)
            .await
            .contains("is not an email address")
    );

    assert_eq!(stored(&server).await, 0);
}

#[tokio::test]
async fn a_form_sent_from_another_site_is_refused() {
    let server = TestServer::with_demo().await;
    let form = encode(&[("email", "a@example.org"), ("message", "Hello")]);
    for (name, value) in [
        ("origin", "https://elsewhere.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let form_type = "application/x-www-form-urlencoded";
        let response = send(&server, form_type, &[(name, value)], form.clone()).await;
        assert!(
            answer(response, 403).await.contains("from another site"),
            "{name}: {value}"
        );
    }
    assert_eq!(stored(&server).await, 0);
}

#[tokio::test]
async fn a_reader_who_sends_too_many_messages_is_asked_to_wait() {
    let server = TestServer::with_demo().await;
    for n in 0..5 {
        let message = format!("Message number {n}");
        let response = post(
            &server,
            encode(&[("email", "a@example.org"), ("message", &message)]),
        )
        .await;
        assert_eq!(response.status(), 303, "message {n}");
    }
    let response = post(
        &server,
        encode(&[("email", "a@example.org"), ("message", "One more")]),
    )
    .await;
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    assert!(response.text().await.unwrap().contains("Please wait"));
    assert_eq!(stored(&server).await, 5);
}

#[tokio::test]
async fn a_robot_filling_the_hidden_field_is_thanked_and_ignored() {
    let server = TestServer::with_demo().await;
    let form = encode(&[
        ("email", "bot@example.org"),
        ("message", "Cheap watches"),
        ("website", "https://spam.example"),
    ]);
    let response = post(&server, form).await;
    assert_eq!(response.status(), 303);
    assert_eq!(stored(&server).await, 0);
}

/// Reader forms are read through the same cleaning as staff forms: a NUL
/// or other control pasted into a field is dropped before anything is
/// stored (PostgreSQL refuses NUL in text, so it would be a 500 there).
#[tokio::test]
async fn controls_pasted_into_the_form_are_dropped_before_it_is_stored() {
    let server = TestServer::with_demo().await;
    let form = encode(&[
        ("name", "Ravi\u{0}\u{1} Menon\u{85}"),
        ("email", "ravi@example.org"),
        ("message", "The ferry\u{7} times\u{0} are wrong."),
    ]);
    answer(post(&server, form).await, 303).await;
    let messages = server.app.store.feedback(10).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].name, "Ravi Menon");
    assert_eq!(messages[0].message, "The ferry times are wrong.");
}
