use std::time::Duration;

use dateline_core::{ArticleId, Email};
use dateline_store::{
    NewNewsletter, NewsletterKind, NewsletterTemplate, Outcome, SignUp, Store, SubscriberState,
};
use jiff::SignedDuration;

use crate::fixtures::{at, section};

const RESEND_AFTER: Duration = Duration::from_secs(600);
const LEASE: Duration = Duration::from_secs(10);

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

async fn digest(store: &Store, sections: Vec<i64>) -> i64 {
    store
        .save_newsletter(
            &NewNewsletter {
                slug: "morning".into(),
                name: "Morning".into(),
                description: String::new(),
                kind: NewsletterKind::Digest,
                send_time: Some("07:00".into()),
                max_stories: 10,
                by_default: true,
                template: NewsletterTemplate::Standard,
                section_ids: sections,
            },
            at("2026-11-01T00:00:00Z"),
        )
        .await
        .unwrap()
}

pub async fn a_sign_up_is_one_subscriber_confirmed_once_and_only_confirmed_ones_get_an_issue(
    store: &Store,
) {
    let news = section(store, "news", 1).await;
    let morning = digest(store, vec![news.0]).await;
    assert_eq!(store.newsletters().await.unwrap()[0].sections, ["news"]);
    let now = at("2026-11-09T10:00:00Z");

    let first = store
        .sign_up(
            &email("Reader@Example.org"),
            &[morning],
            "t-reader",
            RESEND_AFTER,
            now,
        )
        .await
        .unwrap();
    assert_eq!(first, SignUp::MailQueued);
    let again = store
        .sign_up(
            &email("reader@example.org"),
            &[morning],
            "t-other",
            RESEND_AFTER,
            now,
        )
        .await
        .unwrap();
    assert_eq!(again, SignUp::RecentlyMailed, "merged, no second mail yet");
    let later = now + SignedDuration::from_secs(601);
    let third = store
        .sign_up(
            &email("reader@example.org"),
            &[morning],
            "t-third",
            RESEND_AFTER,
            later,
        )
        .await
        .unwrap();
    assert_eq!(third, SignUp::MailQueued);
    let reader = store
        .subscriber_by_token("t-reader")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reader.email, "reader@example.org");
    assert_eq!(reader.state, SubscriberState::Pending);
    assert_eq!(reader.newsletters, [morning]);
    assert!(
        store
            .subscriber_by_token("t-other")
            .await
            .unwrap()
            .is_none()
    );

    // A pending address gets nothing from an issue.
    let made = store
        .create_issue(morning, "digest:1:a", "Morning", &[ArticleId(1)], now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(made.1, 0);

    store
        .add_confirmation(reader.id, "hash-1", now + SignedDuration::from_hours(1))
        .await
        .unwrap();
    assert!(
        store
            .confirm_subscriber("hash-1", now + SignedDuration::from_hours(2))
            .await
            .unwrap()
            .is_none(),
        "an expired link confirms nothing"
    );
    store
        .add_confirmation(reader.id, "hash-2", now + SignedDuration::from_hours(1))
        .await
        .unwrap();
    let confirmed = store
        .confirm_subscriber("hash-2", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(confirmed.state, SubscriberState::Confirmed);
    assert!(
        store
            .confirm_subscriber("hash-2", now)
            .await
            .unwrap()
            .is_none(),
        "a link works once"
    );

    let (issue, deliveries) = store
        .create_issue(morning, "digest:1:b", "Morning", &[ArticleId(1)], now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deliveries, 1);
    assert!(
        store
            .create_issue(morning, "digest:1:b", "Morning", &[ArticleId(1)], now)
            .await
            .unwrap()
            .is_none(),
        "an issue is made once per key"
    );
    assert_eq!(
        store.issue(issue).await.unwrap().unwrap().articles,
        [ArticleId(1)]
    );

    // The reader swaps the digest for alerts; a sign-up by anyone who knows
    // the address does not bring the digest back.
    let alerts = store
        .save_newsletter(
            &NewNewsletter {
                slug: "alerts".into(),
                name: "Alerts".into(),
                description: String::new(),
                kind: NewsletterKind::Alert,
                send_time: None,
                max_stories: 1,
                by_default: true,
                template: NewsletterTemplate::Standard,
                section_ids: Vec::new(),
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        store
            .set_subscriber_preferences("t-reader", &[alerts], &[], now)
            .await
            .unwrap()
    );
    let again = store
        .sign_up(
            &email("reader@example.org"),
            &[morning],
            "t-x",
            RESEND_AFTER,
            later + SignedDuration::from_secs(601),
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        SignUp::MailQueued,
        "the owner is mailed a link to their preferences"
    );
    let reader = store
        .subscriber_by_token("t-reader")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reader.newsletters, [alerts], "the owner's choice stands");
    assert_eq!(reader.state, SubscriberState::Confirmed);
    store
        .set_subscriber_preferences("t-reader", &[morning], &[], now)
        .await
        .unwrap();

    let counts = store.subscriber_counts().await.unwrap();
    assert_eq!((counts[0].confirmed, counts[0].pending), (1, 0));
    assert!(store.unsubscribe("t-reader", now).await.unwrap());
    assert!(!store.unsubscribe("no-such-token", now).await.unwrap());
    let export = store.export_subscribers().await.unwrap();
    assert_eq!(export.len(), 1);
    assert_eq!(export[0].state, SubscriberState::Unsubscribed);
    assert_eq!(export[0].newsletters, "morning");
}

pub async fn deliveries_are_claimed_once_per_lease_and_finished_once(store: &Store) {
    let morning = digest(store, Vec::new()).await;
    let now = at("2026-11-09T10:00:00Z");
    let addresses: Vec<(Email, String)> = (0..5)
        .map(|i| (email(&format!("r{i}@example.org")), format!("token-{i}")))
        .collect();
    assert_eq!(
        store
            .import_subscribers(&addresses, &[morning], now)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        store
            .import_subscribers(&addresses, &[morning], now)
            .await
            .unwrap(),
        0,
        "known addresses are not added twice"
    );
    let (issue, n) = store
        .create_issue(morning, "digest:x", "Morning", &[ArticleId(1)], now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 5);

    let a = store.claim_deliveries(now, LEASE, 3).await.unwrap();
    let b = store.claim_deliveries(now, LEASE, 3).await.unwrap();
    assert_eq!((a.len(), b.len()), (3, 2), "no delivery is claimed twice");
    assert!(
        a.iter()
            .chain(&b)
            .all(|d| d.confirmed && d.issue_id == issue)
    );
    assert!(
        store
            .claim_deliveries(now, LEASE, 3)
            .await
            .unwrap()
            .is_empty()
    );

    for d in &a {
        store
            .finish_delivery(d, Outcome::Sent, None, now)
            .await
            .unwrap();
    }
    store
        .retry_delivery(&b[0], "421 busy", now + SignedDuration::from_secs(4))
        .await
        .unwrap();
    // b[1]'s sender died: its lease runs out and it is due again.
    let after_lease = now + SignedDuration::from_secs(10);
    let again = store
        .claim_deliveries(after_lease, LEASE, 10)
        .await
        .unwrap();
    let mut ids: Vec<i64> = again.iter().map(|d| d.subscriber_id).collect();
    ids.sort_unstable();
    let mut expected = vec![b[0].subscriber_id, b[1].subscriber_id];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_eq!(again.iter().map(|d| d.attempts).max(), Some(2));
    for d in &again {
        store
            .finish_delivery(d, Outcome::Sent, None, after_lease)
            .await
            .unwrap();
    }
    // A late finish by the first sender changes nothing.
    store
        .finish_delivery(&b[1], Outcome::Failed, Some("late"), after_lease)
        .await
        .unwrap();
    assert_eq!(store.unfinished_deliveries().await.unwrap(), 0);
    let summary = &store.issue_summaries(10).await.unwrap()[0];
    assert_eq!(
        (summary.deliveries, summary.sent, summary.failed),
        (5, 5, 0)
    );
}
