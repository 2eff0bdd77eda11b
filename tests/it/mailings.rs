//! Mailing every subscriber asks first: "Send now" and "Send as breaking
//! alert" answer with a page that says what will happen, offers a test to
//! the staff member alone, and only the confirmed form sends; afterwards
//! the page says how many it went to.

use std::time::Duration;

use dateline_core::Role;

use crate::{
    admin::post,
    mail::SmtpSink,
    subscribers::{publish, server_with, with_readers},
    support::{encode, eventually, validators_available},
};

#[tokio::test]
async fn a_mailing_asks_first_offers_a_test_to_me_and_says_how_many_it_reached() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = server_with(&sink).await;
    let store = &server.app.store;
    let morning = with_readers(
        store,
        "morning-briefing",
        &[
            ("reader0@example.org", "reader-token-0"),
            ("reader1@example.org", "reader-token-1"),
            ("reader2@example.org", "reader-token-2"),
        ],
    )
    .await;
    let editor = crate::newsroom::session(&server, Role::Editor).await;
    publish(
        &server,
        editor.user.unwrap(),
        "news",
        "Tram line extended to the port",
    )
    .await;
    let send = format!("/admin/newsletters/{}/send", morning.id);

    // The first press asks, and sends nothing.
    let asked = post(
        &server,
        &send,
        &editor.cookie,
        encode(&[("csrf", &editor.csrf)]),
    )
    .await;
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    assert!(page.contains("Send this issue now?"), "{page}");
    assert!(page.contains("name=\"confirmed\" value=\"yes\""));
    assert!(page.contains("Send a test to me"));
    assert!(store.issue_summaries(10).await.unwrap().is_empty());

    // A test goes to the editor alone, and makes no issue.
    let test = post(
        &server,
        &format!("/admin/newsletters/{}/test", morning.id),
        &editor.cookie,
        encode(&[("csrf", &editor.csrf)]),
    )
    .await;
    let page = test.text().await.unwrap();
    assert!(page.contains("A test is on its way to"), "{page}");
    eventually(Duration::from_secs(10), || async {
        sink.messages().len() == 1
    })
    .await;
    let test_mail = &sink.messages()[0];
    assert!(
        test_mail.contains("Subject: [Test] Morning Briefing"),
        "{test_mail}"
    );
    assert!(test_mail.contains("To: editor@example.org"), "{test_mail}");
    assert!(store.issue_summaries(10).await.unwrap().is_empty());

    // Confirmed, it goes to every subscriber, and says so.
    let sent = post(
        &server,
        &send,
        &editor.cookie,
        encode(&[("csrf", &editor.csrf), ("confirmed", "yes")]),
    )
    .await;
    let page = sent.text().await.unwrap();
    assert!(
        page.contains("Morning Briefing: sent to 3 subscribers."),
        "{page}"
    );
    eventually(Duration::from_secs(10), || async {
        store.unfinished_deliveries().await.unwrap() == 0 && sink.messages().len() == 4
    })
    .await;
}
