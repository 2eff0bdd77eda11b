//! What an operator watches: the job table's backlog and the connection
//! pools, read for metrics.

use jiff::Timestamp;

use crate::{Backend, Result, Store, read, rows::instant};

/// The unfinished jobs of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCounts {
    pub kind: String,
    /// Due and waiting for a worker.
    pub waiting: i64,
    /// Due later (a scheduled publication, a retry's backoff).
    pub scheduled: i64,
    /// Held by a worker's lease.
    pub running: i64,
    /// When the longest-waiting due job fell due.
    pub oldest_waiting: Option<Timestamp>,
}

/// Connections of one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// `read` or `write` on SQLite (its one writer has a pool of its
    /// own), `shared` on PostgreSQL.
    pub pool: &'static str,
    pub in_use: u64,
    pub idle: u64,
}

impl Store {
    /// The unfinished jobs by kind as of `now` (one pass over the index of
    /// unfinished jobs).
    pub async fn job_counts(&self, now: Timestamp) -> Result<Vec<JobCounts>> {
        const SQL: &str = "select kind,
                coalesce(sum(case when run_at <= $1 and coalesce(claimed_until, 0) <= $1 then 1 else 0 end), 0),
                coalesce(sum(case when run_at > $1 and coalesce(claimed_until, 0) <= $1 then 1 else 0 end), 0),
                coalesce(sum(case when claimed_until > $1 then 1 else 0 end), 0),
                min(case when run_at <= $1 and coalesce(claimed_until, 0) <= $1 then run_at end)
            from jobs where completed_at is null and failed_at is null
            group by kind order by kind";
        let rows: Vec<(String, i64, i64, i64, Option<i64>)> =
            read!(self, |conn| sqlx::query_as(SQL)
                .bind(now.as_microsecond())
                .fetch_all(&mut *conn)
                .await)?;
        rows.into_iter()
            .map(|(kind, waiting, scheduled, running, oldest)| {
                Ok(JobCounts {
                    kind,
                    waiting,
                    scheduled,
                    running,
                    oldest_waiting: oldest.map(instant).transpose()?,
                })
            })
            .collect()
    }

    /// How many connections each pool holds and lends out now.
    pub fn pool_use(&self) -> Vec<PoolUse> {
        let sqlx_pool = |pool: &'static str, size: u32, idle: usize| PoolUse {
            pool,
            in_use: u64::from(size).saturating_sub(idle as u64),
            idle: idle as u64,
        };
        match &self.backend {
            Backend::Sqlite { write, read, .. } => {
                let status = read.status();
                vec![
                    PoolUse {
                        pool: "read",
                        in_use: status.size.saturating_sub(status.available) as u64,
                        idle: status.available as u64,
                    },
                    sqlx_pool("write", write.size(), write.num_idle()),
                ]
            }
            Backend::Postgres(pool) => vec![sqlx_pool("shared", pool.size(), pool.num_idle())],
        }
    }
}
