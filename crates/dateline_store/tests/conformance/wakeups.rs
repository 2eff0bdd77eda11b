use std::time::Duration;

use dateline_store::{NewNewsletter, NewsletterKind, NewsletterTemplate, Store, Topic};
use tokio::sync::watch;

use dateline_core::ArticleStatus;

use crate::fixtures::{article, at, newsroom};

/// Long enough for a notification through PostgreSQL on a busy machine.
const WITHIN: Duration = Duration::from_secs(10);

async fn woken(rx: &mut watch::Receiver<()>, what: &str) {
    tokio::time::timeout(WITHIN, rx.changed())
        .await
        .unwrap_or_else(|_| panic!("{what} woke nobody within {WITHIN:?}"))
        .unwrap();
    rx.mark_unchanged();
}

fn digest_at(time: &str) -> NewNewsletter {
    NewNewsletter {
        slug: "morning".into(),
        name: "Morning".into(),
        description: String::new(),
        kind: NewsletterKind::Digest,
        send_time: Some(time.into()),
        max_stories: 10,
        by_default: true,
        template: NewsletterTemplate::Standard,
        section_ids: Vec::new(),
    }
}

/// The digest schedulers sleep until a digest is due: a new newsletter and
/// a changed send time must wake them (on PostgreSQL, through the
/// listener, which also wakes once when it starts listening).
pub async fn a_new_or_changed_newsletter_wakes_the_digest_schedulers(store: &Store) {
    let mut schedulers = store.wakeup(Topic::Newsletters);
    schedulers.mark_unchanged();
    store
        .save_newsletter(&digest_at("07:00"), at("2026-11-01T00:00:00Z"))
        .await
        .unwrap();
    woken(&mut schedulers, "a new newsletter").await;
    store
        .save_newsletter(&digest_at("06:30"), at("2026-11-02T00:00:00Z"))
        .await
        .unwrap();
    woken(&mut schedulers, "a changed send time").await;
}

/// The review queue's count follows articles as they are added and moved
/// along the workflow: both must wake the newsroom's counter.
pub async fn a_new_or_moved_article_wakes_the_review_queue(store: &Store) {
    let room = newsroom(store).await;
    let mut queue = store.wakeup(Topic::Desk);
    queue.mark_unchanged();
    let id = store
        .create_article(&article(&room, "For review"), at("2026-11-03T10:00:00Z"))
        .await
        .unwrap();
    woken(&mut queue, "a new article").await;
    store
        .move_article(
            id,
            ArticleStatus::InReview,
            None,
            at("2026-11-03T10:05:00Z"),
        )
        .await
        .unwrap();
    woken(&mut queue, "a submitted article").await;
}
