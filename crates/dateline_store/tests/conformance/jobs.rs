use std::time::Duration;

use dateline_store::{Lane, NewJob, Store, jobs::JobState};
use jiff::{SignedDuration, Timestamp};

use crate::fixtures::at;

fn job(key: Option<&str>, run_at: Timestamp, max_attempts: i64) -> NewJob {
    NewJob {
        kind: "publish_scheduled_article",
        payload: serde_json::json!({ "article": 7 }),
        idempotency_key: key.map(str::to_owned),
        run_at,
        max_attempts,
    }
}

const LEASE: Duration = Duration::from_secs(30);

pub async fn a_claimed_job_is_not_claimed_again_until_its_lease_expires(store: &Store) {
    let now = at("2026-11-09T10:00:00Z");
    let id = store
        .enqueue_job(&job(None, now, 3), now)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .claim_job(now - SignedDuration::from_secs(1), LEASE)
            .await
            .unwrap()
            .is_none(),
        "a job is not claimed before it is due"
    );

    let first = store
        .claim_job(now, LEASE)
        .await
        .unwrap()
        .expect("worker A claims the job");
    assert_eq!((first.id, first.attempts), (id, 1));
    assert_eq!(first.payload["article"], 7);
    let during = now + SignedDuration::from_secs(29);
    assert!(
        store.claim_job(during, LEASE).await.unwrap().is_none(),
        "worker B must wait for the lease"
    );

    let after = now + SignedDuration::from_secs(30);
    let second = store
        .claim_job(after, LEASE)
        .await
        .unwrap()
        .expect("the lease ran out");
    assert_eq!((second.id, second.attempts), (id, 2));
    assert!(
        !store.complete_job(&first, after).await.unwrap(),
        "worker A lost its claim"
    );
    assert!(store.complete_job(&second, after).await.unwrap());
    assert_eq!(store.job_state(id).await.unwrap(), JobState::Completed);
    let later = after + SignedDuration::from_hours(1);
    assert!(
        store.claim_job(later, LEASE).await.unwrap().is_none(),
        "a completed job never runs again"
    );
}

pub async fn a_job_is_enqueued_once_per_idempotency_key(store: &Store) {
    let now = at("2026-11-09T10:00:00Z");
    let key = Some("newsletter-issue-4:subscriber-9");
    assert!(
        store
            .enqueue_job(&job(key, now, 3), now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .enqueue_job(&job(key, now, 3), now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .enqueue_job(&job(None, now, 3), now)
            .await
            .unwrap()
            .is_some(),
        "jobs without a key are not deduplicated"
    );
    assert!(
        store
            .enqueue_job(&job(None, now, 3), now)
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn a_failing_job_is_retried_then_given_up(store: &Store) {
    let now = at("2026-11-09T10:00:00Z");
    let id = store
        .enqueue_job(&job(None, now, 2), now)
        .await
        .unwrap()
        .unwrap();
    let first = store.claim_job(now, LEASE).await.unwrap().unwrap();
    let retry_at = now + SignedDuration::from_mins(5);
    assert!(
        store
            .retry_job(&first, "SMTP 451", retry_at, now)
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_job(now + SignedDuration::from_mins(4), LEASE)
            .await
            .unwrap()
            .is_none(),
        "backoff is honoured"
    );
    let second = store
        .claim_job(retry_at, LEASE)
        .await
        .unwrap()
        .expect("retried after the backoff");
    assert_eq!(second.attempts, 2);
    assert!(
        store
            .retry_job(
                &second,
                "SMTP 451",
                retry_at + SignedDuration::from_mins(5),
                retry_at
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store.job_state(id).await.unwrap(),
        JobState::Failed,
        "no attempts left"
    );
    assert!(
        store
            .claim_job(retry_at + SignedDuration::from_hours(1), LEASE)
            .await
            .unwrap()
            .is_none()
    );
    // The admins' dashboard names what gave up, with its last words.
    let failed = store.failed_jobs_since(now).await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].kind, "publish_scheduled_article");
    assert_eq!(failed[0].failures, 1);
    assert_eq!(failed[0].last_at, retry_at);
    assert_eq!(failed[0].last_error.as_deref(), Some("SMTP 451"));
    assert!(
        store
            .failed_jobs_since(retry_at + SignedDuration::from_secs(1))
            .await
            .unwrap()
            .is_empty(),
        "only failures since the time asked"
    );
}

pub async fn concurrent_workers_never_claim_the_same_job(store: &Store) {
    let now = at("2026-11-09T10:00:00Z");
    for _ in 0..20 {
        store.enqueue_job(&job(None, now, 1), now).await.unwrap();
    }
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(job) = store.claim_job(now, LEASE).await.unwrap() {
                    mine.push(job.id.0);
                    assert!(store.complete_job(&job, now).await.unwrap());
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "a job was claimed twice");
    assert_eq!(all.len(), 20);
}

pub async fn a_worker_leaves_the_kinds_it_does_not_know(store: &Store) {
    let now = at("2026-11-09T10:00:00Z");
    let newer = NewJob {
        kind: "from_a_newer_version",
        ..job(None, now, 1)
    };
    let newer = store.enqueue_job(&newer, now).await.unwrap().unwrap();
    let known = store
        .enqueue_job(&job(None, now, 1), now)
        .await
        .unwrap()
        .unwrap();
    let known_kinds = ["publish_scheduled_article"];
    let claimed = store
        .claim_job_of(Lane::Any, Some(&known_kinds), now, LEASE)
        .await
        .unwrap()
        .expect("the known job, though the other is older");
    assert_eq!(claimed.id, known);
    assert!(
        store
            .claim_job_of(Lane::Any, Some(&known_kinds), now, LEASE)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.pending_job_kinds().await.unwrap(),
        [
            ("from_a_newer_version".to_owned(), 1),
            ("publish_scheduled_article".to_owned(), 1)
        ]
    );
    let left = store
        .claim_job(now, LEASE)
        .await
        .unwrap()
        .expect("still there");
    assert_eq!((left.id, left.attempts), (newer, 1), "untouched until now");
}

pub async fn a_job_whose_last_attempt_was_abandoned_fails_and_says_so(store: &Store) {
    let now = at("2026-11-09T10:00:00Z");
    store
        .enqueue_job(&job(None, now, 1), now)
        .await
        .unwrap()
        .unwrap();
    let claimed = store
        .claim_job(now, LEASE)
        .await
        .unwrap()
        .expect("the one attempt");
    // The worker stops without a word; its lease runs out.
    let after = now + SignedDuration::from_secs(31);
    assert!(
        store.claim_job(after, LEASE).await.unwrap().is_none(),
        "no attempt is left"
    );
    let failed = store.failed_jobs_since(now).await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].kind, "publish_scheduled_article");
    assert_eq!(
        failed[0].last_error.as_deref(),
        Some("the worker stopped during its last attempt")
    );
    assert!(
        !store.complete_job(&claimed, after).await.unwrap(),
        "the stalled worker's late word does not count"
    );
}
