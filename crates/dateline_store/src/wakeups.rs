//! Wake-ups: telling the tasks that wait for new rows (change-log
//! followers, job workers, the newsletter sender) that a committed write
//! made some, so that they need not poll.
//!
//! - SQLite: the write connection's update hook notes which of the watched
//!   tables a transaction inserted into; once the transaction has
//!   committed, [`Wakeups::after_commit`] (called by `write_tx!`) wakes
//!   their waiters. A rolled-back transaction wakes nobody.
//! - PostgreSQL: triggers (migrations 0024, 0025, 0027) `NOTIFY dateline` with the
//!   topic at commit, and every node's listener, this one's included,
//!   wakes its waiters. A lost listener connection may have missed some,
//!   so on reconnecting it wakes every waiter once.
//!
//! Waiters still look now and then on their own: a wake-up is a hint that
//! saves latency and queries, never the only way work is found.

use std::sync::{
    Arc, Mutex, Weak,
    atomic::{AtomicU8, Ordering},
};

use sqlx::{PgPool, postgres::PgListener, sqlite::SqliteOperation};
use tokio::{sync::watch, task::JoinHandle};

use crate::{Backend, Store};

/// What a waiter waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A change appended to the log.
    Changes,
    /// A job enqueued.
    Jobs,
    /// Newsletter deliveries made (an issue to send).
    Deliveries,
    /// A newsletter added or changed (a digest's send time, say).
    Newsletters,
    /// An article added or moved along the workflow (the newsroom's review
    /// queue; on SQLite, any change to an article).
    Desk,
}

const TOPICS: [Topic; 5] = [
    Topic::Changes,
    Topic::Jobs,
    Topic::Deliveries,
    Topic::Newsletters,
    Topic::Desk,
];
/// The PostgreSQL channel the triggers notify.
const CHANNEL: &str = "dateline";
/// The payload a listener sends itself to see that notifications arrive.
const PROBE: &str = "probe";
/// How long that may take before the listener says it does not work.
const PROBE_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

impl Topic {
    /// The table whose inserts wake it, and the trigger's payload.
    fn table(self) -> &'static str {
        match self {
            Self::Changes => "change_log",
            Self::Jobs => "jobs",
            Self::Deliveries => "newsletter_deliveries",
            Self::Newsletters => "newsletters",
            Self::Desk => "articles",
        }
    }

    /// Whether `operation` on [`Topic::table`] wakes it: inserts always;
    /// updates too where a row's change is news (a newsletter's, an
    /// article's: SQLite's hook does not say which columns changed).
    fn woken_by(self, operation: &SqliteOperation) -> bool {
        match operation {
            SqliteOperation::Insert => true,
            SqliteOperation::Update => matches!(self, Self::Newsletters | Self::Desk),
            _ => false,
        }
    }

    fn payload(self) -> &'static str {
        match self {
            Self::Changes => "changes",
            Self::Jobs => "jobs",
            Self::Deliveries => "deliveries",
            Self::Newsletters => "newsletters",
            Self::Desk => "desk",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

pub(crate) struct Wakeups {
    senders: [watch::Sender<()>; TOPICS.len()],
    /// SQLite: the topics the write connection's open transaction has
    /// inserted rows for (bits), set by its update hook.
    pending: Arc<AtomicU8>,
    /// SQLite: the topics of transactions that committed, moved from
    /// `pending` by the commit hook on SQLite's thread, so that another
    /// transaction's bits are never taken before it commits.
    committed: Arc<AtomicU8>,
    /// PostgreSQL: the task that listens for other nodes' notifications,
    /// started by the first waiter.
    listener: Mutex<Option<JoinHandle<()>>>,
}

impl Default for Wakeups {
    fn default() -> Self {
        Self {
            senders: TOPICS.map(|_| watch::Sender::new(())),
            pending: Arc::default(),
            committed: Arc::default(),
            listener: Mutex::default(),
        }
    }
}

impl Drop for Wakeups {
    fn drop(&mut self) {
        if let Some(task) = self.listener.get_mut().ok().and_then(Option::take) {
            task.abort();
        }
    }
}

impl Wakeups {
    fn wake(&self, topic: Topic) {
        self.senders[topic as usize].send_replace(());
    }

    fn wake_all(&self) {
        TOPICS.into_iter().for_each(|topic| self.wake(topic));
    }

    /// The hooks SQLite's write connection calls: note inserts into the
    /// watched tables; mark them committed when their transaction commits;
    /// forget them when it rolls back.
    pub(crate) fn sqlite_hooks(
        &self,
    ) -> (
        impl FnMut(sqlx::sqlite::UpdateHookResult<'_>) + Send + 'static,
        impl FnMut() -> bool + Send + 'static,
        impl FnMut() + Send + 'static,
    ) {
        let (noted, dropped) = (self.pending.clone(), self.pending.clone());
        let (pending, committed) = (self.pending.clone(), self.committed.clone());
        let on_commit = move || {
            committed.fetch_or(pending.swap(0, Ordering::Relaxed), Ordering::Relaxed);
            true
        };
        let on_update = move |row: sqlx::sqlite::UpdateHookResult<'_>| {
            if let Some(topic) = TOPICS
                .into_iter()
                .find(|t| t.table() == row.table && t.woken_by(&row.operation))
            {
                noted.fetch_or(topic.bit(), Ordering::Relaxed);
            }
        };
        let on_rollback = move || dropped.store(0, Ordering::Relaxed);
        (on_update, on_commit, on_rollback)
    }

    /// Wakes the waiters of what committed transactions inserted (SQLite;
    /// PostgreSQL's triggers do it there). Called after each commit, once
    /// the rows are visible to other connections.
    pub(crate) fn after_commit(&self) {
        let bits = self.committed.swap(0, Ordering::Relaxed);
        for topic in TOPICS.into_iter().filter(|t| bits & t.bit() != 0) {
            self.wake(topic);
        }
    }
}

impl Store {
    /// A receiver that is marked changed whenever a write of `topic`
    /// commits, on this node or (on PostgreSQL) any other; see the module
    /// docs. Wake-ups may come with nothing new, and without a wake-up
    /// something new may still come, rarely: waiters look on their own too.
    pub fn wakeup(&self, topic: Topic) -> watch::Receiver<()> {
        if let Backend::Postgres(pool) = &self.backend {
            let mut listener = self.wakeups.listener.lock().expect("not poisoned");
            if listener.as_ref().is_none_or(JoinHandle::is_finished) {
                let wakeups = Arc::downgrade(&self.wakeups);
                *listener = Some(tokio::spawn(listen(pool.clone(), wakeups)));
            }
        }
        self.wakeups.senders[topic as usize].subscribe()
    }
}

/// Listens on PostgreSQL for the triggers' notifications until the pool
/// closes or the store is dropped.
async fn listen(pool: PgPool, wakeups: Weak<Wakeups>) {
    let wake_all = || wakeups.upgrade().map(|w| w.wake_all()).is_some();
    loop {
        let listening = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listening.await {
            Ok(listener) => listener,
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "cannot listen for other nodes' writes; trying again"
                );
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        // What was notified before this listened is not heard: look once.
        if !wake_all() {
            return;
        }
        // A notification to itself shows that they arrive: a pooler in
        // transaction mode takes `LISTEN` and delivers nothing.
        let mut probe = match sqlx::query("select pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(PROBE)
            .execute(&pool)
            .await
        {
            Ok(_) => Some(tokio::time::Instant::now() + PROBE_WITHIN),
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "cannot test the listener");
                None
            }
        };
        loop {
            let received = match probe {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline, listener.try_recv()).await {
                        Ok(received) => received,
                        Err(_) => {
                            tracing::warn!(
                                "notifications do not arrive on this connection (a pooler in \
                             transaction mode?): other nodes' changes are seen only every few \
                             seconds; connect the listener directly or in session mode"
                            );
                            probe = None;
                            continue;
                        }
                    }
                }
                None => listener.try_recv().await,
            };
            match received {
                Ok(Some(note)) if note.payload() == PROBE => probe = None,
                Ok(Some(note)) => {
                    let Some(wakeups) = wakeups.upgrade() else {
                        return;
                    };
                    match TOPICS.into_iter().find(|t| t.payload() == note.payload()) {
                        Some(topic) => wakeups.wake(topic),
                        None => wakeups.wake_all(),
                    }
                }
                // The connection dropped and is open again: anything sent
                // in between is lost.
                Ok(None) => {
                    if !wake_all() {
                        return;
                    }
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "lost the listener for other nodes' writes"
                    );
                    break;
                }
            }
        }
    }
}
