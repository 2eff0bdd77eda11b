//! A site set up for mailing: the demo with mail to a sink, readers
//! subscribed to a newsletter, and stories to send.

use dateline_core::{ArticleStatus, Email, UserId};

use crate::{
    mail::SmtpSink,
    support::{TestServer, move_to},
};

pub(crate) async fn server_with(sink: &SmtpSink) -> TestServer {
    let port = sink.port;
    TestServer::with_demo_and(|config| {
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail.from = "Dateline News <news@example.org>".into();
    })
    .await
}

/// The demo's newsletter `slug`, with `readers` (address, token) imported
/// as its confirmed subscribers.
pub(crate) async fn with_readers(
    store: &dateline_store::Store,
    slug: &str,
    readers: &[(&str, &str)],
) -> dateline_store::Newsletter {
    let newsletter = store
        .newsletters()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.slug == slug)
        .unwrap();
    let readers: Vec<_> = readers
        .iter()
        .map(|(address, token)| (Email::parse(address).unwrap(), (*token).to_owned()))
        .collect();
    store
        .import_subscribers(&readers, &[newsletter.id], jiff::Timestamp::now())
        .await
        .unwrap();
    newsletter
}

/// Publishes a new article in `section` now, written by `by`.
pub(crate) async fn publish(server: &TestServer, by: UserId, section: &str, headline: &str) {
    let store = &server.app.store;
    let id = crate::support::draft_in(store, section, by, headline).await;
    move_to(store, id, ArticleStatus::Published).await;
}
