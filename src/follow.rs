//! Following the change log: one way for every consumer (the page cache,
//! live streams, the search index, WebSub, webhooks) to apply each change
//! once, in order, without polling.
//!
//! A node reads the log's head in one place ([`Head`]), woken at once when
//! a write commits (on PostgreSQL, any node's, by `LISTEN/NOTIFY`; see
//! `dateline_store::Topic`), and otherwise every [`SAFETY_NET`] in case a
//! wake-up was lost. Each consumer waits until the head passes its
//! position, then reads the changes after it in batches. Its position is
//! its own, in memory (the page cache, live streams; the search index keeps
//! its own with its commits), or durable in `consumer_positions`, recorded
//! in one transaction with the jobs the batch made, so that a restart
//! resumes where it stopped and nodes side by side enqueue each job once.
//! A batch that fails is tried again from the same position, with backoff.

use std::{future::Future, time::Duration};

use dateline_store::{Change, NewJob, Store, Topic};
use jiff::Timestamp;
use tokio::{sync::watch, task::JoinHandle};
use tracing::Instrument;

/// Changes read per query.
pub const BATCH: i64 = 500;
/// How often the head is read without a wake-up: the latest another node's
/// change (or one a lost notification announced) is seen.
const SAFETY_NET: Duration = Duration::from_secs(10);
/// How soon the head is read again after a failed read.
const RETRY: Duration = Duration::from_secs(1);
/// The longest wait before a failing batch is tried again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The newest change this node knows of, for its consumers to wait on.
#[derive(Clone)]
pub struct Head(watch::Receiver<i64>);

impl Head {
    /// Starts reading the head of `store`'s log, from its current value
    /// (read before this returns: a consumer starting from it misses
    /// nothing that follows). The reading stops when the last clone of the
    /// `Head` is dropped.
    pub async fn start(store: Store) -> anyhow::Result<Self> {
        let read = |store: Store| async move { store.last_change_seq().await };
        let newer = |head: &mut i64, seq: i64| {
            let newer = seq > *head;
            *head = seq.max(*head);
            metrics::gauge!("dateline_change_log_head").set(*head as f64);
            newer
        };
        let head =
            Self(watch_store(store, Topic::Changes, "the change log's head", read, newer).await?);
        metrics::gauge!("dateline_change_log_head").set(head.seq() as f64);
        Ok(head)
    }

    /// The newest change known.
    pub fn seq(&self) -> i64 {
        *self.0.borrow()
    }

    /// Waits until the head is past `seq`; `false` if it never will be
    /// (the head's reader stopped).
    async fn past(&mut self, seq: i64) -> bool {
        self.0.wait_for(|head| *head > seq).await.is_ok()
    }
}

/// A value read from `store` now and again whenever a write of `topic`
/// wakes it (and every [`SAFETY_NET`], for a lost wake-up), kept for
/// many to read and wait on: one query per change per node, not one per
/// reader. `update` folds each reading in and says whether it is news. The
/// reading stops when the last receiver is dropped.
pub async fn watch_store<T, R, F>(
    store: Store,
    topic: Topic,
    name: &'static str,
    read: R,
    update: fn(&mut T, T) -> bool,
) -> dateline_store::Result<watch::Receiver<T>>
where
    T: Send + Sync + 'static,
    R: Fn(Store) -> F + Send + 'static,
    F: Future<Output = dateline_store::Result<T>> + Send,
{
    let mut woken = store.wakeup(topic);
    let (sender, receiver) = watch::channel(read(store.clone()).await?);
    let reading = async move {
        // After a failed read, the next comes soon, woken or not.
        let mut wait = SAFETY_NET;
        loop {
            tokio::select! {
                woke = woken.changed() => if woke.is_err() { return },
                () = tokio::time::sleep(wait) => {}
                () = sender.closed() => return,
            }
            match read(store.clone()).await {
                Ok(value) => {
                    wait = SAFETY_NET;
                    sender.send_if_modified(|kept| update(kept, value));
                }
                Err(e) => {
                    wait = RETRY;
                    tracing::warn!(error = format!("{e:#}"), "cannot read {name}");
                }
            }
        }
    };
    tokio::spawn(reading.instrument(tracing::info_span!("watch", of = name)));
    Ok(receiver)
}

/// Where a consumer's position is kept.
#[derive(Debug, Clone, Copy)]
pub enum Position {
    /// In memory, starting after this sequence.
    From(i64),
    /// In `consumer_positions` under this name; a consumer's first run
    /// starts at the log's head.
    Durable(&'static str),
}

/// What follows the log.
pub trait Consumer: Send + 'static {
    /// Its name in logs and spans.
    const NAME: &'static str;

    /// Applies `changes` (oldest first, at most [`BATCH`]); the jobs they
    /// make, enqueued with a durable consumer's new position. An error
    /// leaves the position where it was, to try the batch again.
    fn apply(
        &mut self,
        store: &Store,
        changes: &[Change],
    ) -> impl Future<Output = anyhow::Result<Vec<NewJob>>> + Send;

    /// Told after each catch-up: every change up to `seq` is applied.
    fn caught_up(&mut self, _seq: i64) {}
}

/// Starts `consumer` following `store`'s log from `position`, as a task
/// of its own; see [`following`].
pub async fn spawn<C: Consumer>(
    store: Store,
    head: Head,
    position: Position,
    consumer: C,
) -> anyhow::Result<JoinHandle<()>> {
    Ok(tokio::spawn(
        following(store, head, position, consumer).await?,
    ))
}

/// `consumer` following `store`'s log from `position`, for a caller that
/// runs it beside other work. A durable consumer's first position is
/// recorded before this returns.
pub async fn following<C: Consumer>(
    store: Store,
    head: Head,
    position: Position,
    consumer: C,
) -> anyhow::Result<impl Future<Output = ()> + Send> {
    let start = match position {
        Position::From(seq) => seq,
        Position::Durable(name) => match store.consumer_position(name).await? {
            Some(seq) => seq,
            None => {
                // A durable consumer hears of what happens after it first runs.
                let seq = head.seq();
                store
                    .advance_consumer(name, seq, &[], Timestamp::now())
                    .await?;
                seq
            }
        },
    };
    let span = tracing::info_span!("follow", consumer = C::NAME);
    Ok(follow(store, head, position, start, consumer).instrument(span))
}

/// Follows from `start` until the head's reader stops. A durable
/// consumer's position is read again at each catch-up; `last` only says
/// when to look.
async fn follow<C: Consumer>(
    store: Store,
    mut head: Head,
    position: Position,
    start: i64,
    mut consumer: C,
) {
    let mut last = start;
    let mut backoff = Duration::from_millis(100);
    let lag = metrics::gauge!("dateline_change_log_lag", "consumer" => C::NAME);
    let note_lag = |head: &Head, last: i64| lag.set((head.seq() - last).max(0) as f64);
    note_lag(&head, last);
    while head.past(last).await {
        note_lag(&head, last);
        match catch_up(&store, position, &mut last, &mut consumer).await {
            Ok(()) => {
                backoff = Duration::from_millis(100);
                consumer.caught_up(last);
                note_lag(&head, last);
            }
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "cannot apply changes; trying again"
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Applies every change after the consumer's position `last`, moving it
/// past each batch applied, so that a failure later keeps what was done
/// (live streams would otherwise hear a batch twice).
async fn catch_up<C: Consumer>(
    store: &Store,
    position: Position,
    last: &mut i64,
    consumer: &mut C,
) -> anyhow::Result<()> {
    if let Position::Durable(name) = position {
        // Another node may have gone further.
        *last = store.consumer_position(name).await?.unwrap_or(0);
    }
    loop {
        let changes = store.changes_since(*last, BATCH).await?;
        let Some(newest) = changes.last().map(|c| c.seq) else {
            return Ok(());
        };
        let jobs = consumer.apply(store, &changes).await?;
        match position {
            Position::Durable(name) => {
                store
                    .advance_consumer(name, newest, &jobs, Timestamp::now())
                    .await?;
            }
            Position::From(_) => debug_assert!(jobs.is_empty(), "jobs need a durable position"),
        }
        *last = newest;
        if (changes.len() as i64) < BATCH {
            return Ok(());
        }
    }
}

/// Sleeps until `next` (when work next becomes due, as the store answered),
/// until `woken` is marked changed, or at most `cap`: how the job workers
/// and the newsletter sender wait with nothing to do.
pub async fn sleep_until_due(
    next: dateline_store::Result<Option<Timestamp>>,
    woken: &mut watch::Receiver<()>,
    cap: Duration,
) {
    let now = Timestamp::now();
    let until_next = match next {
        // A time already past (it came while the caller worked): at once.
        Ok(Some(next)) => Duration::try_from(next.duration_since(now)).unwrap_or(Duration::ZERO),
        _ => cap,
    };
    tokio::select! {
        () = tokio::time::sleep(until_next.min(cap)) => {}
        _ = woken.changed() => {}
    }
}
