//! Wake-ups: telling the tasks that wait for new rows (change-log
//! followers, job workers, the newsletter sender) that a committed write
//! made some, so that they need not poll.
//!
//! - SQLite: the write connection's update hook notes which of the watched
//!   tables a transaction inserted into; once the transaction has
//!   committed, [`Wakeups::after_commit`] (called by `write_tx!`) wakes
//!   their waiters. A rolled-back transaction wakes nobody.
//! - PostgreSQL: triggers (migration 0024) `NOTIFY dateline` with the
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
}

const TOPICS: [Topic; 3] = [Topic::Changes, Topic::Jobs, Topic::Deliveries];
/// The PostgreSQL channel the triggers notify.
const CHANNEL: &str = "dateline";

impl Topic {
    /// The table whose inserts wake it, and the trigger's payload.
    fn table(self) -> &'static str {
        match self {
            Self::Changes => "change_log",
            Self::Jobs => "jobs",
            Self::Deliveries => "newsletter_deliveries",
        }
    }

    fn payload(self) -> &'static str {
        match self {
            Self::Changes => "changes",
            Self::Jobs => "jobs",
            Self::Deliveries => "deliveries",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

pub(crate) struct Wakeups {
    senders: [watch::Sender<()>; 3],
    /// SQLite: the topics the write connection's open transaction has
    /// inserted rows for (bits), set by its update hook.
    pending: Arc<AtomicU8>,
    /// PostgreSQL: the task that listens for other nodes' notifications,
    /// started by the first waiter.
    listener: Mutex<Option<JoinHandle<()>>>,
}

impl Default for Wakeups {
    fn default() -> Self {
        Self {
            senders: TOPICS.map(|_| watch::Sender::new(())),
            pending: Arc::default(),
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
    /// watched tables; forget them when the transaction rolls back.
    pub(crate) fn sqlite_hooks(
        &self,
    ) -> (
        impl FnMut(sqlx::sqlite::UpdateHookResult<'_>) + Send + 'static,
        impl FnMut() + Send + 'static,
    ) {
        let (noted, dropped) = (self.pending.clone(), self.pending.clone());
        let on_update = move |row: sqlx::sqlite::UpdateHookResult<'_>| {
            if row.operation != SqliteOperation::Insert {
                return;
            }
            if let Some(topic) = TOPICS.into_iter().find(|t| t.table() == row.table) {
                noted.fetch_or(topic.bit(), Ordering::Relaxed);
            }
        };
        let on_rollback = move || dropped.store(0, Ordering::Relaxed);
        (on_update, on_rollback)
    }

    /// Wakes the waiters of what the transaction that just committed
    /// inserted (SQLite; PostgreSQL's triggers do it there).
    pub(crate) fn after_commit(&self) {
        let bits = self.pending.swap(0, Ordering::Relaxed);
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
        let mut listener = match PgListener::connect_with(&pool).await {
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
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(
                error = format!("{e:#}"),
                "cannot listen for other nodes' writes; trying again"
            );
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        // What was notified before this listened is not heard: look once.
        if !wake_all() {
            return;
        }
        loop {
            match listener.try_recv().await {
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
