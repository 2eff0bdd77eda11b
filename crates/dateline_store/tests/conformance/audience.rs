use dateline_core::ArticleId;
use dateline_store::{Store, VariantCounts, day_of};
use jiff::SignedDuration;

use crate::fixtures::{article, at, editor, newsroom};

/// Views make Most read, a story's totals and the dashboard's series, in
/// the site's days; output is counted by day and desk.
pub async fn views_add_up_by_story_hour_section_and_day(store: &Store) {
    let room = newsroom(store).await;
    let published = at("2026-11-03T11:00:00Z");
    let mut ids = Vec::new();
    for headline in ["First story", "Second story"] {
        let id = store
            .create_article(&article(&room, headline), at("2026-11-03T10:00:00Z"))
            .await
            .unwrap();
        store.publish_article(id, published).await.unwrap();
        ids.push(id);
    }
    let (first, second) = (ids[0], ids[1]);
    let hour = at("2026-11-04T09:15:00Z");
    store
        .add_views(&[(first, 3), (second, 5), (ArticleId(999), 7)], hour)
        .await
        .unwrap();
    store
        .add_views(&[(first, 4)], hour + SignedDuration::from_hours(1))
        .await
        .unwrap();
    let since = at("2026-11-04T00:00:00Z");
    let most = store.most_read(since, None, 10).await.unwrap();
    assert_eq!(
        most,
        [(first, 7), (second, 5)],
        "no row for an unknown story"
    );
    let in_news = store.most_read(since, Some(room.news), 1).await.unwrap();
    assert_eq!(in_news, [(first, 7)]);
    assert_eq!(
        store
            .story_views(first, hour + SignedDuration::from_mins(45))
            .await
            .unwrap(),
        (7, 4),
        "in all, and since the second hour"
    );
    let totals = store
        .total_views(&[first, second, ArticleId(5)])
        .await
        .unwrap();
    assert_eq!((totals[&first], totals[&second]), (7, 5));
    assert!(!totals.contains_key(&ArticleId(5)));
    let hours = store.views_per_hour(since).await.unwrap();
    assert_eq!(
        hours,
        [
            (at("2026-11-04T09:00:00Z"), 8),
            (at("2026-11-04T10:00:00Z"), 4)
        ]
    );
    assert_eq!(
        store.views_by_section(since).await.unwrap(),
        [("news".to_owned(), 12)]
    );
    // 11:00 UTC is 16:30 in Kolkata, the same day.
    let ist = 19_800 * 1_000_000;
    let output = store
        .published_per_day(at("2026-11-01T00:00:00Z"), ist)
        .await
        .unwrap();
    assert_eq!(output.len(), 1);
    assert_eq!(output[0].day, day_of(published, ist));
    assert_eq!((output[0].desk.as_str(), output[0].published), ("news", 2));
    let days = [day_of(published, ist)];
    assert_eq!(store.subscribers_on(&days, ist).await.unwrap(), [0]);
}

/// A headline test counts only its own headlines while it runs, is decided
/// once, and leaves its result in the audit log.
pub async fn a_headline_test_counts_while_it_runs_and_is_decided_once(store: &Store) {
    let room = newsroom(store).await;
    let by = editor(store).await;
    let now = at("2026-11-05T08:00:00Z");
    let id = store
        .create_article(&article(&room, "Tested story"), now)
        .await
        .unwrap();
    store.publish_article(id, now).await.unwrap();
    let others = ["Another headline".to_owned()];
    store
        .start_headline_test(id, &others, 100, by, now)
        .await
        .unwrap();
    let counts = |variant, shown, clicks| VariantCounts {
        article: id,
        variant,
        shown,
        clicks,
    };
    let again = store.start_headline_test(id, &others, 100, by, now).await;
    assert!(
        matches!(again, Err(dateline_store::StoreError::Conflict { .. })),
        "a running test is not replaced: {again:?}"
    );
    store
        .add_headline_counts(&[
            counts(0, 60, 2),
            counts(1, 50, 9),
            counts(1, 10, 1),
            counts(2, 10, 1),
            counts(0, 0, 5),
        ])
        .await
        .unwrap();
    let running = store.running_headline_tests().await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].headline, "Tested story");
    assert_eq!(
        running[0].counts,
        [(60, 2), (60, 10)],
        "no headline 2, no clicks beyond showings"
    );
    assert_eq!((running[0].shown(), running[0].leader()), (120, 1));
    assert!(
        store
            .decide_headline_test(id, 1, Some("Another headline"), "won by the other", now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .decide_headline_test(id, 0, None, "again", now)
            .await
            .unwrap(),
        "decided once"
    );
    let adopted = store.latest_revision(id).await.unwrap().unwrap();
    assert_eq!(adopted.headline, "Another headline");
    assert_eq!(adopted.user_id, None, "the system's revision");
    assert_eq!(adopted.standfirst, "A short summary.", "the rest kept");
    store.add_headline_counts(&[counts(0, 5, 5)]).await.unwrap();
    let test = store.headline_test(id).await.unwrap().unwrap();
    assert_eq!(test.winner, Some(1));
    assert_eq!(test.counts[0], (60, 2), "nothing counted after the end");
    assert!(store.running_headline_tests().await.unwrap().is_empty());
    assert!(!store.stop_headline_test(id, by, now).await.unwrap());
    let audit = store.audit_log(Some(id), 10).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"headline_test_started"), "{actions:?}");
    assert!(actions.contains(&"headline_test_decided"), "{actions:?}");
}
