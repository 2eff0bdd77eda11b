//! The newsroom's dashboard: what needs each staff member now, and the
//! review queue's count, live.

use std::time::Duration;

use dateline_core::{ArticleId, Role};

use crate::{
    admin::{get_with, post},
    live::Stream,
    mail::SmtpSink,
    newsroom::{Session, session},
    support::{TestServer, draft, encode, validators_available},
};

/// `writer` submits their story `id` for review, through the editor's form.
async fn submit(server: &TestServer, writer: &Session, id: ArticleId) {
    let submitted = post(
        server,
        &format!("/admin/articles/{id}/status"),
        &writer.cookie,
        encode(&[("csrf", &writer.csrf), ("status", "in_review")]),
    )
    .await;
    assert_eq!(submitted.status(), 303);
}

/// A contributor submits: the editor's open dashboard hears the new count
/// within a second (the stream `admin.js` follows), and every page shows
/// it beside "Review queue"; contributors have no queue.
#[tokio::test]
async fn a_submitted_story_reaches_the_editors_review_count_within_a_second() {
    let server = TestServer::with_demo().await;
    let (writer, editor) = (
        session(&server, Role::Contributor).await,
        session(&server, Role::Editor).await,
    );
    let count = async |who: &Session, page: &str| {
        let html = get_with(&server, page, &who.cookie)
            .await
            .text()
            .await
            .unwrap();
        let badge = "Review queue <span class=\"count\">";
        html.find(badge).map(|at| {
            let rest = &html[at + badge.len()..];
            rest[..rest.find('<').unwrap()].parse::<i64>().unwrap()
        })
    };
    assert_eq!(count(&editor, "/admin").await, None, "an empty queue");
    let mut stream = Stream::of(get_with(&server, "/admin/events", &editor.cookie).await);
    let first = stream.next(Duration::from_secs(5)).await;
    assert_eq!((first.event.as_str(), first.data.as_str()), ("review", "0"));
    let id = draft(
        &server.app.store,
        writer.user.unwrap(),
        "Night buses return",
    )
    .await;
    submit(&server, &writer, id).await;
    let heard = stream.next(Duration::from_secs(1)).await;
    assert_eq!((heard.event.as_str(), heard.data.as_str()), ("review", "1"));
    for page in ["/admin", "/admin/articles", "/admin/media", "/admin/tags"] {
        assert_eq!(count(&editor, page).await, Some(1), "{page}");
    }
    let dashboard = get_with(&server, "/admin", &editor.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dashboard.contains(&format!("/admin/articles/{id}\"")),
        "the dashboard lists what waits"
    );
    let writers = get_with(&server, "/admin", &writer.cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !writers.contains("Review queue"),
        "a contributor has no queue to review"
    );
    assert_eq!(
        get_with(&server, "/admin/events", &writer.cookie)
            .await
            .status(),
        403
    );

    // The editor sends it back with a note; the author sees the note in
    // the editor, and the queue empties.
    let send_back = async |note: &str| {
        post(
            &server,
            &format!("/admin/articles/{id}/send-back"),
            &editor.cookie,
            encode(&[("csrf", &editor.csrf), ("note", note)]),
        )
        .await
    };
    assert_eq!(send_back("  ").await.status(), 422, "a note is required");
    let sent = send_back("Needs a quote from the transport department.").await;
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], "/admin?done=sent-back");
    let heard = stream.next(Duration::from_secs(1)).await;
    assert_eq!(heard.data, "0");
    let editor_page = async |who: &Session| {
        get_with(&server, &format!("/admin/articles/{id}"), &who.cookie).await
    };
    let authors = editor_page(&writer).await.text().await.unwrap();
    assert!(
        authors.contains("Needs a quote from the transport department."),
        "{authors}"
    );
    assert!(authors.contains("Sent back by"));
    // Submitted again, the note has done its work.
    submit(&server, &writer, id).await;
    assert_eq!(server.app.store.review_note(id).await.unwrap(), None);
}

/// Submissions in one window make one job, which mails every reviewer
/// (editors and admins, not writers) what waits then.
#[tokio::test]
async fn reviewers_are_mailed_once_for_a_batch_of_submissions() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let server = TestServer::with_demo_and(|config| {
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    })
    .await;
    let writer = session(&server, Role::Contributor).await;
    session(&server, Role::Editor).await;
    session(&server, Role::Admin).await;
    for headline in ["Ferry timetable changes", "Library opens late"] {
        let id = draft(&server.app.store, writer.user.unwrap(), headline).await;
        submit(&server, &writer, id).await;
    }
    let pending = server.app.store.pending_job_kinds().await.unwrap();
    assert!(
        pending.contains(&("review_mail".to_owned(), 1)),
        "one job for the batch: {pending:?}"
    );
    // The job, run now rather than at the end of its window.
    dateline::mail::review::send(
        &server.app.services,
        dateline_store::ReviewMail { window: 0 },
    )
    .await
    .unwrap();
    let messages = sink.messages();
    let to = |who: &str| {
        messages
            .iter()
            .filter(|m| m.contains(&format!("To: {who}")))
            .count()
    };
    assert_eq!(
        (
            to("editor@example.org"),
            to("admin@example.org"),
            to("contributor@example.org")
        ),
        (1, 1, 0),
        "{messages:?}"
    );
    for message in &messages {
        let message = crate::mail::unfolded(message);
        assert!(message.contains("2 stories wait for review"), "{message}");
        assert!(
            message.contains("Ferry timetable changes") && message.contains("Library opens late")
        );
    }
}
