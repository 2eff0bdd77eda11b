//! Newsletters end to end, over a real SMTP server on loopback: sign-up,
//! the confirmation mail and link, preferences, a digest with the chosen
//! sections, one-click unsubscribing, bad input, and a send that survives
//! its process being killed.

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::Duration,
};

use dateline_core::Role;
use dateline_store::SubscriberState;
use serde::Deserialize;

use crate::{
    mail::SmtpSink,
    subscribers::{publish, server_with, with_readers},
    support::{TestServer, encode, eventually, validators_available},
};

/// What Python's `email` package makes of each message (the validators'
/// `mail-inspect.py`): an independent reading of what we sent.
#[derive(Debug, Deserialize)]
struct Inspected {
    subject: Option<String>,
    to: Option<String>,
    message_id: Option<String>,
    date: Option<String>,
    mime: Vec<String>,
    list_unsubscribe: Option<String>,
    list_unsubscribe_post: Option<String>,
    defects: Vec<String>,
    html: Option<String>,
}

fn inspect(sink: &SmtpSink) -> Vec<Inspected> {
    let output = Command::new(crate::support::installed("venv/bin/python"))
        .arg(crate::support::validator("mail-inspect.py"))
        .arg(sink.maildir())
        .arg("--html")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("{\"messages\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The first link in `text` that starts with `prefix`.
fn link(text: &str, prefix: &str) -> String {
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"));
    text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<' && *c != '>')
        .collect()
}

async fn post_form(server: &TestServer, path: &str, body: String) -> reqwest::Response {
    server
        .client
        .post(format!("{}{path}", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reader_signs_up_confirms_chooses_sections_gets_the_digest_and_unsubscribes_in_one_click()
{
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = server_with(&sink).await;
    let home = server.page("/").await;
    assert!(home.contains("action=\"/newsletter\""), "the sign-up box");

    let signed_up = post_form(
        &server,
        "/newsletter",
        encode(&[("email", "Reader@Example.org")]),
    )
    .await;
    assert_eq!(signed_up.status(), 303);
    assert_eq!(signed_up.headers()["location"], "/newsletter/check-inbox");
    assert!(
        server
            .page("/newsletter/check-inbox")
            .await
            .contains("Check your inbox")
    );

    eventually(Duration::from_secs(10), || async {
        sink.messages().len() == 1
    })
    .await;
    let confirmation = &inspect(&sink)[0];
    assert_eq!(confirmation.to.as_deref(), Some("reader@example.org"));
    assert!(confirmation.message_id.is_some() && confirmation.date.is_some());
    let raw = crate::mail::unfolded(&sink.messages()[0]);
    let confirm = link(&raw, &format!("{}/newsletter/confirm/", server.base));
    let confirm = confirm.strip_prefix(&server.base).unwrap().to_owned();

    // Following the link shows a button; only the button confirms.
    let page = server.get(&confirm).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let subscriber = server
        .app
        .store
        .export_subscribers()
        .await
        .unwrap()
        .remove(0);
    assert_eq!(subscriber.state, SubscriberState::Pending);
    let confirmed = post_form(&server, &confirm, String::new()).await;
    assert_eq!(confirmed.status(), 303);
    let preferences = confirmed.headers()["location"].to_str().unwrap().to_owned();
    assert!(preferences.starts_with("/newsletter/preferences/"));
    let page = server.page(&preferences).await;
    assert!(page.contains("your subscription is confirmed"), "{page}");
    assert_eq!(
        post_form(&server, &confirm, String::new()).await.status(),
        404,
        "a confirmation link works once"
    );

    // Business only, the morning digest only.
    let store = &server.app.store;
    let newsletters = store.newsletters().await.unwrap();
    let morning = newsletters
        .iter()
        .find(|n| n.slug == "morning-briefing")
        .unwrap();
    let business = store.section_by_slug("business").await.unwrap().unwrap();
    let path = preferences.split('?').next().unwrap().to_owned();
    let saved = post_form(
        &server,
        &path,
        encode(&[
            ("newsletter", &morning.id.to_string()),
            ("section", &business.id.0.to_string()),
        ]),
    )
    .await;
    assert_eq!(saved.status(), 200);

    let desk = crate::admin::add_staff(&server, "desk@example.org", Role::Editor).await;
    publish(
        &server,
        desk,
        "business",
        "Quarterly numbers beat the forecast",
    )
    .await;
    publish(&server, desk, "news", "Council votes on the new ring road").await;
    let made = dateline::mail::digest::send_digest_now(&server.app, morning)
        .await
        .unwrap()
        .expect("an issue");
    assert_eq!(made.deliveries, 1);
    eventually(Duration::from_secs(10), || async {
        sink.messages().len() == 2
    })
    .await;
    let digest = inspect(&sink)
        .into_iter()
        .find(|m| {
            m.subject
                .as_deref()
                .is_some_and(|s| s.starts_with("Morning Briefing"))
        })
        .expect("the digest");
    assert!(digest.defects.is_empty(), "{:?}", digest.defects);
    assert_eq!(digest.to.as_deref(), Some("reader@example.org"));
    assert!(
        digest.mime.contains(&"text/plain".to_owned())
            && digest.mime.contains(&"text/html".to_owned())
    );
    let html = digest.html.as_deref().unwrap();
    assert!(
        html.contains("Quarterly numbers beat the forecast"),
        "{html}"
    );
    assert!(
        !html.contains("Council votes on the new ring road"),
        "not a chosen section"
    );
    let message_id = digest.message_id.as_deref().unwrap();
    assert!(
        message_id.starts_with(&format!("<issue{}.subscriber", made.issue)),
        "{message_id}"
    );
    assert_eq!(
        digest.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let list_unsubscribe = digest.list_unsubscribe.as_deref().unwrap();
    assert!(
        list_unsubscribe.contains("<mailto:news@example.org?subject=unsubscribe"),
        "{list_unsubscribe}"
    );
    let one_click = link(
        list_unsubscribe,
        &format!("{}/newsletter/unsubscribe/", server.base),
    );
    assert!(
        html.contains(&one_click),
        "the unsubscribe link in the body too"
    );

    // The one-click POST a mailbox provider sends: no cookie, no session.
    let unsubscribed = server
        .client
        .post(&one_click)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(unsubscribed.status(), 200);
    let now = store.export_subscribers().await.unwrap().remove(0);
    assert_eq!(now.state, SubscriberState::Unsubscribed);
    publish(
        &server,
        desk,
        "business",
        "Markets close higher for a third day",
    )
    .await;
    let after = dateline::mail::digest::send_digest_now(&server.app, morning)
        .await
        .unwrap()
        .expect("an issue");
    assert_eq!(after.deliveries, 0, "nobody is left to send to");
}

#[tokio::test]
async fn bad_addresses_are_refused_repeats_merge_and_the_unconfirmed_get_only_the_confirmation() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = server_with(&sink).await;
    let store = &server.app.store;
    let long = format!("{}@example.org", "a".repeat(250));
    for bad in [
        "",
        "not an address",
        "reader@example.org\r\nBcc: victim@example.org",
        "Reader <reader@example.org>\nBcc: victim@example.org",
        long.as_str(),
    ] {
        let response = post_form(&server, "/newsletter", encode(&[("email", bad)])).await;
        assert_eq!(response.status(), 422, "{bad:?}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Please give your email address")
                || page.contains("not an email address we can send to"),
            "{page}"
        );
    }
    assert!(
        store.export_subscribers().await.unwrap().is_empty(),
        "nothing stored"
    );

    for address in ["pending@example.org", "PENDING@example.org"] {
        let response = post_form(&server, "/newsletter", encode(&[("email", address)])).await;
        assert_eq!(response.status(), 303);
    }
    let subscribers = store.export_subscribers().await.unwrap();
    assert_eq!(subscribers.len(), 1, "one address, however written");

    // A confirmed reader beside the pending one; then a digest.
    let morning = with_readers(
        store,
        "morning-briefing",
        &[("confirmed@example.org", "tok")],
    )
    .await;
    let desk = crate::admin::add_staff(&server, "desk@example.org", Role::Editor).await;
    publish(&server, desk, "news", "Monsoon arrives early this year").await;
    let made = dateline::mail::digest::send_digest_now(&server.app, &morning)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(made.deliveries, 1);
    eventually(Duration::from_secs(10), || async {
        store.unfinished_deliveries().await.unwrap() == 0 && sink.messages().len() == 2
    })
    .await;
    let mut to: Vec<String> = inspect(&sink).into_iter().filter_map(|m| m.to).collect();
    to.sort();
    assert_eq!(
        to,
        ["confirmed@example.org", "pending@example.org"],
        "the pending address got its one confirmation, and nothing else"
    );
    let summary = &store.issue_summaries(1).await.unwrap()[0];
    assert_eq!((summary.sent, summary.failed), (1, 0));

    // Someone signs the confirmed address up again: its owner is mailed a
    // link to their preferences, and nothing else changes.
    let response = post_form(
        &server,
        "/newsletter",
        encode(&[("email", "Confirmed@example.org")]),
    )
    .await;
    assert_eq!(response.status(), 303);
    eventually(Duration::from_secs(10), || async {
        sink.messages().len() == 3
    })
    .await;
    let reminder = sink
        .messages()
        .into_iter()
        .map(|m| crate::mail::unfolded(&m))
        .find(|m| m.contains("It is already subscribed"))
        .expect("the preferences mail");
    assert!(
        reminder.contains(&format!("{}/newsletter/preferences/tok", server.base)),
        "{reminder}"
    );
    let reader = store.subscriber_by_token("tok").await.unwrap().unwrap();
    assert_eq!(reader.state, SubscriberState::Confirmed);
    assert_eq!(reader.newsletters, [morning.id]);
}

/// `dateline` with `args`, its log quiet.
fn dateline(args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .env_remove("DATELINE_DATA")
        .env("DATELINE_LOG", "off")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    output
}

fn serve(data: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["serve", "--data", data, "--listen", "127.0.0.1:0"])
        .env_remove("DATELINE_DATA")
        .env("DATELINE_LOG", "warn")
        .env(
            "DATELINE_MAIL__SMTP_URL",
            format!("smtp://127.0.0.1:{port}"),
        )
        .env("DATELINE_MAIL__FROM", "Dateline <news@example.org>")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The value of `name` in a raw message's header block.
fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    let head = message.split("\n\n").next().unwrap_or(message);
    head.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

const SUBSCRIBERS: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_killed_midway_resumes_and_every_subscriber_gets_the_issue_once() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    dateline(&["demo", "--data", dir]);
    let list = data.path().join("subscribers.csv");
    let addresses: Vec<String> = (0..SUBSCRIBERS)
        .map(|i| format!("reader{i}@example.org"))
        .collect();
    std::fs::write(&list, format!("email\n{}\n", addresses.join("\n"))).unwrap();
    dateline(&[
        "newsletter",
        "import",
        list.to_str().unwrap(),
        "--newsletter",
        "morning-briefing",
        "--data",
        dir,
    ]);
    let made = dateline(&["newsletter", "send", "morning-briefing", "--data", dir]);
    let made = String::from_utf8(made.stdout).unwrap();
    assert!(
        made.contains(&format!("{SUBSCRIBERS} messages to send")),
        "{made}"
    );

    let mut first = serve(dir, sink.port);
    eventually(Duration::from_secs(30), || async {
        sink.messages().len() >= SUBSCRIBERS / 4
    })
    .await;
    first.kill().unwrap(); // SIGKILL: no chance to tidy up
    first.wait().unwrap();
    let at_kill = sink.messages().len();
    assert!(
        at_kill < SUBSCRIBERS,
        "killed in the middle ({at_kill} sent)"
    );

    let mut second = serve(dir, sink.port);
    let store = dateline_store::Store::open(None, data.path())
        .await
        .unwrap();
    eventually(Duration::from_secs(60), || async {
        store.unfinished_deliveries().await.unwrap() == 0
    })
    .await;
    second.kill().unwrap();
    second.wait().unwrap();

    // Every subscriber's copies, by Message-ID.
    let mut received: HashMap<String, Vec<String>> = HashMap::new();
    for message in sink.messages() {
        let to = header(&message, "To").unwrap().to_owned();
        let id = header(&message, "Message-ID").unwrap().to_owned();
        received.entry(to).or_default().push(id);
    }
    let mut repeated = 0;
    for address in &addresses {
        let ids = received
            .get(address)
            .unwrap_or_else(|| panic!("{address} got nothing"));
        let mut distinct = ids.clone();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            1,
            "{address}: one message, one Message-ID: {ids:?}"
        );
        repeated += ids.len() - 1;
    }
    assert_eq!(received.len(), SUBSCRIBERS, "nobody else got anything");
    let connections = dateline::config::NewslettersConfig::default().connections as usize;
    eprintln!(
        "killed after {at_kill} of {SUBSCRIBERS} messages; {repeated} in flight at the kill were sent again with their Message-ID"
    );
    assert!(
        repeated <= connections,
        "only messages in flight at the kill may be repeated: {repeated}"
    );
    let summary = &store.issue_summaries(1).await.unwrap()[0];
    assert_eq!(summary.sent, SUBSCRIBERS as i64);
}

#[tokio::test]
async fn a_digest_is_made_once_a_day_at_its_time_in_the_site_zone_and_not_hours_late() {
    let server = TestServer::with_demo().await;
    let app = &server.app;
    // The demo's morning digest goes at 07:00 in Asia/Kolkata. Two days
    // ago, then yesterday, as the scheduler would have seen them.
    let tz = jiff::tz::TimeZone::get(&app.config.site.time_zone).unwrap();
    let today = jiff::Timestamp::now().to_zoned_datetime(tz.clone()).date();
    let at = |days_ago: i64, h: i8, m: i8| {
        today
            .checked_sub(jiff::Span::new().days(days_ago))
            .unwrap()
            .at(h, m, 0, 0)
            .to_zoned_datetime(tz.clone())
            .unwrap()
            .timestamp()
    };
    let due = dateline::mail::digest::make_due_digests;
    let early = due(app, at(2, 6, 59)).await.unwrap();
    assert!(early.made.is_empty(), "not before its time");
    assert_eq!(
        early.next,
        Some(at(2, 7, 0)),
        "the scheduler sleeps till then"
    );
    let pass = due(app, at(2, 7, 0)).await.unwrap();
    assert_eq!(
        pass.made.len(),
        1,
        "the morning digest, with the newest stories"
    );
    assert_eq!(pass.next, Some(at(1, 7, 0)), "then till the next morning");
    assert!(
        due(app, at(2, 7, 30)).await.unwrap().made.is_empty(),
        "once a day"
    );

    // A story published since: yesterday's digest carries it, but only
    // within two hours of 07:00, not in the afternoon.
    let desk = crate::admin::add_staff(&server, "desk@example.org", Role::Editor).await;
    publish(&server, desk, "news", "A story after the morning digest").await;
    assert!(
        due(app, at(1, 15, 0)).await.unwrap().made.is_empty(),
        "a day's digest does not go out hours late"
    );
    assert_eq!(
        due(app, at(1, 8, 0)).await.unwrap().made.len(),
        1,
        "a late node catches up"
    );
}

#[tokio::test]
async fn an_editor_sends_a_breaking_alert_once_in_its_newsletters_look() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let server = server_with(&sink).await;
    let store = &server.app.store;
    let breaking = with_readers(
        store,
        "breaking-news",
        &[("alerts@example.org", "alerts-token")],
    )
    .await;
    assert_eq!(
        breaking.template,
        dateline_store::NewsletterTemplate::Headlines
    );
    let editor = crate::newsroom::session(&server, Role::Editor).await;
    publish(
        &server,
        editor.user.unwrap(),
        "news",
        "Bridge reopens after the flood",
    )
    .await;
    let article = store
        .desk_articles(&Default::default(), 1)
        .await
        .unwrap()
        .remove(0)
        .id;
    let alert = || async {
        crate::admin::post(
            &server,
            &format!("/admin/articles/{article}/alert"),
            &editor.cookie,
            encode(&[("csrf", &editor.csrf), ("confirmed", "yes")]),
        )
        .await
    };
    let sent = alert().await;
    assert_eq!(sent.status(), 200);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("The alert was sent to 1 subscribers.")
    );
    eventually(Duration::from_secs(10), || async {
        store.unfinished_deliveries().await.unwrap() == 0 && sink.messages().len() == 1
    })
    .await;
    let message = &inspect(&sink)[0];
    assert!(message.defects.is_empty(), "{:?}", message.defects);
    assert_eq!(message.to.as_deref(), Some("alerts@example.org"));
    let html = message.html.as_deref().unwrap();
    assert!(html.contains("Bridge reopens after the flood"), "{html}");
    assert!(html.contains("Breaking news"));
    assert!(!html.contains("<img"), "the headlines look has no pictures");
    assert!(message.list_unsubscribe.is_some());

    let again = alert().await;
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("already sent"));
    assert_eq!(
        store.issue_summaries(10).await.unwrap().len(),
        1,
        "one issue per article"
    );
}
