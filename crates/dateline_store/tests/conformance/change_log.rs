use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use dateline_core::{Body, NewPage, TagId};
use dateline_store::{Store, StoreError};

use crate::fixtures::{article, at, newsroom, section, slug, text};

pub async fn a_failed_transaction_leaves_neither_the_row_nor_its_change(store: &Store) {
    let room = newsroom(store).await;
    let seq = store.last_change_seq().await.unwrap();
    let good = article(&room, "A good story");
    let mut bad = article(&room, "A story with a missing tag");
    bad.tags.push(TagId(4242));
    let when = at("2026-11-07T00:00:00Z");
    // The first article and its change row are written before the second
    // one fails; the whole batch must roll back.
    let err = store
        .import_published_articles(&[(good, when), (bad, when)], when)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.last_change_seq().await.unwrap(), seq);
    assert!(store.changes_since(seq, 10).await.unwrap().is_empty());
    assert_eq!(
        store
            .count_published_articles(dateline_store::ArticleList::All)
            .await
            .unwrap(),
        0
    );
}

pub async fn the_change_log_has_no_gaps_or_reordering_under_concurrent_writers(store: &Store) {
    const WRITERS: usize = 8;
    const WRITES: usize = 25;
    // The failing writes below collide with this section's slug.
    section(store, "news", 1).await;
    let start = store.last_change_seq().await.unwrap();
    let done = Arc::new(AtomicBool::new(false));

    // A consumer reads the log while the writers write: whatever it sees
    // must continue exactly where it left off.
    let consumer = {
        let store = store.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut last = start;
            loop {
                let finished = done.load(Ordering::Acquire);
                for change in store.changes_since(last, 1000).await.unwrap() {
                    assert_eq!(
                        change.seq,
                        last + 1,
                        "the consumer saw a gap or a change out of order"
                    );
                    last = change.seq;
                }
                if finished {
                    return last;
                }
                tokio::task::yield_now().await;
            }
        })
    };

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..WRITES {
                    let page = NewPage {
                        slug: slug(&format!("page-{w}-{i}")),
                        title: text("A page"),
                        body: Body::from_markdown("Text."),
                    };
                    store
                        .put_page(&page, at("2026-11-08T00:00:00Z"))
                        .await
                        .unwrap();
                    // Every fifth write of each writer fails inside its
                    // transaction (a duplicate slug) and must give its number back.
                    if i % 5 == 0 {
                        let dup = dateline_core::NewSection {
                            slug: slug("news"),
                            name: text("Dup"),
                            parent: None,
                            position: 0,
                        };
                        assert!(
                            store
                                .create_section(&dup, at("2026-11-08T00:00:00Z"))
                                .await
                                .is_err()
                        );
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::Release);
    let seen = consumer.await.unwrap();

    let total = (WRITERS * WRITES) as i64;
    assert_eq!(store.last_change_seq().await.unwrap(), start + total);
    assert_eq!(seen, start + total, "the consumer saw every change");
    let all = store.changes_since(start, 10_000).await.unwrap();
    let seqs: Vec<_> = all.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, ((start + 1)..=(start + total)).collect::<Vec<_>>());
}

pub async fn a_consumer_resumes_where_it_stopped_and_its_jobs_are_enqueued_once(store: &Store) {
    let now = at("2026-11-29T12:00:00Z");
    assert_eq!(store.consumer_position("websub").await.unwrap(), None);
    let ping = |seq: i64| dateline_store::NewJob {
        kind: "websub_ping",
        payload: serde_json::json!({ "article": 1 }),
        idempotency_key: Some(format!("websub:{seq}")),
        run_at: now,
        max_attempts: 3,
    };
    store
        .advance_consumer("websub", 5, &[ping(4), ping(5)], now)
        .await
        .unwrap();
    assert_eq!(store.consumer_position("websub").await.unwrap(), Some(5));
    // A second node, behind the first, applies the same changes: the
    // position does not move back and no job is enqueued twice.
    store
        .advance_consumer("websub", 4, &[ping(4)], now)
        .await
        .unwrap();
    assert_eq!(store.consumer_position("websub").await.unwrap(), Some(5));
    let lease = std::time::Duration::from_secs(60);
    let mut keys = Vec::new();
    while let Some(job) = store.claim_job(now, lease).await.unwrap() {
        keys.push(job.idempotency_key.unwrap());
    }
    assert_eq!(keys, ["websub:4", "websub:5"]);
    // Each consumer has its own position.
    assert_eq!(store.consumer_position("search").await.unwrap(), None);
    store.advance_consumer("search", 2, &[], now).await.unwrap();
    assert_eq!(store.consumer_position("search").await.unwrap(), Some(2));
    assert_eq!(store.consumer_position("websub").await.unwrap(), Some(5));
}
