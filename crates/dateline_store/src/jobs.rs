//! The job table: work that can fail or take long, claimed with a lease.
//!
//! A worker claims one due job for `lease`; until the lease runs out no other
//! worker can claim it. The claim bumps `attempts`, and completing or retrying
//! names the attempt it holds, so a worker whose lease expired (and whose job
//! another worker took over) cannot complete it twice.

use std::time::Duration;

use jiff::Timestamp;

use crate::{Backend, Result, Store, read, rows::instant, write_tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct JobId(pub i64);

/// A kind of job: the shape of its payload and its name in the table. The
/// same struct is enqueued (in the transaction of the change that needs
/// it) and read back by the worker that runs it.
pub trait JobKind: serde::Serialize + serde::de::DeserializeOwned {
    /// A stable snake_case name, never renamed once shipped; kinds starting
    /// `media_` run in the media lane.
    const KIND: &'static str;
    /// Tries before the job is marked failed.
    const MAX_ATTEMPTS: i64;
}

#[derive(Debug, Clone)]
pub struct NewJob {
    /// A stable snake_case name (`send_newsletter_issue`); never renamed once shipped.
    pub kind: &'static str,
    pub payload: serde_json::Value,
    /// A second job with the same key is not enqueued.
    pub idempotency_key: Option<String>,
    pub run_at: Timestamp,
    pub max_attempts: i64,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub idempotency_key: Option<String>,
    pub run_at: Timestamp,
    /// Including the current one.
    pub attempts: i64,
    pub max_attempts: i64,
    pub claimed_until: Timestamp,
}

/// Work of one kind that gave up (a job out of attempts; a newsletter
/// delivery, kind `newsletter_delivery`, that failed for good).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FailedJob {
    pub kind: String,
    pub failures: i64,
    pub last_at: Timestamp,
    /// What the newest failure said.
    pub last_error: Option<String>,
}

/// Which jobs a worker takes: long media work (kinds starting `media_`)
/// runs beside quick jobs, so a batch of renditions never delays a
/// scheduled publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Any,
    Quick,
    Media,
}

impl Lane {
    fn code(self) -> i64 {
        match self {
            Self::Any => 0,
            Self::Quick => 1,
            Self::Media => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Completed,
    Failed,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    idempotency_key: Option<String>,
    run_at: i64,
    attempts: i64,
    max_attempts: i64,
    claimed_until: Option<i64>,
}

/// A job whose last attempt's worker stopped (its lease ran out) can be
/// claimed no more: it has failed, and says so where failures are listed.
const FAIL_ABANDONED: &str = "update jobs set failed_at = $1, claimed_until = null,
        last_error = 'the worker stopped during its last attempt'
    where completed_at is null and failed_at is null
      and attempts >= max_attempts and claimed_until <= $1";
const CLAIM_SQLITE: &str = "update jobs set attempts = attempts + 1, claimed_until = $2
    where id = (select id from jobs
                where completed_at is null and failed_at is null and run_at <= $1
                  and attempts < max_attempts
                  and (claimed_until is null or claimed_until <= $1)
                  and ($3 = 0 or (substr(kind, 1, 6) = 'media_') = ($3 = 2))
                  and ($4 is null or kind in (select value from json_each($4)))
                order by run_at, id limit 1)
    returning id, kind, payload, idempotency_key, run_at, attempts, max_attempts, claimed_until";
// PostgreSQL runs the subquery and the update in separate snapshots, so two
// workers could pick the same row; `for update skip locked` makes the second
// one skip it instead.
const CLAIM_POSTGRES: &str = "update jobs set attempts = attempts + 1, claimed_until = $2
    where id = (select id from jobs
                where completed_at is null and failed_at is null and run_at <= $1
                  and attempts < max_attempts
                  and (claimed_until is null or claimed_until <= $1)
                  and ($3 = 0 or (substr(kind, 1, 6) = 'media_') = ($3 = 2))
                  and ($4::text is null or kind in (select json_array_elements_text($4::json)))
                order by run_at, id limit 1
                for update skip locked)
    returning id, kind, payload, idempotency_key, run_at, attempts, max_attempts, claimed_until";

pub(crate) const ENQUEUE: &str =
    "insert into jobs (kind, payload, idempotency_key, run_at, max_attempts, created_at)
    values ($1, $2, $3, $4, $5, $6)
    on conflict (idempotency_key) do nothing returning id";

/// Enqueues the [`NewJob`] `$job` inside the transaction `$tx`, so that it
/// commits or rolls back with the change that needs it; evaluates to its id,
/// `None` when a job with the same idempotency key exists.
macro_rules! enqueue_in {
    ($tx:expr, $job:expr, $now:expr) => {{
        let job: &$crate::NewJob = $job;
        let id: Option<i64> = sqlx::query_scalar($crate::jobs::ENQUEUE)
            .bind(job.kind)
            .bind(job.payload.to_string())
            .bind(job.idempotency_key.as_deref())
            .bind(job.run_at.as_microsecond())
            .bind(job.max_attempts)
            .bind($now.as_microsecond())
            .fetch_optional(&mut *$tx)
            .await?;
        id
    }};
}
pub(crate) use enqueue_in;

impl NewJob {
    /// `job`, due at `run_at`; with an `idempotency_key`, enqueued once.
    pub fn of<J: JobKind>(job: &J, run_at: Timestamp, idempotency_key: Option<String>) -> Self {
        Self {
            kind: J::KIND,
            payload: serde_json::to_value(job).expect("a job's payload serialises"),
            idempotency_key,
            run_at,
            max_attempts: J::MAX_ATTEMPTS,
        }
    }
}

impl Job {
    /// The payload as the kind's struct.
    pub fn payload_as<J: JobKind>(&self) -> Result<J> {
        serde_json::from_value(self.payload.clone()).map_err(|e| {
            crate::StoreError::Corrupt(format!("job {} ({}) payload: {e}", self.id.0, self.kind))
        })
    }
}

impl Store {
    /// Enqueues a job; `None` when a job with the same idempotency key exists.
    pub async fn enqueue_job(&self, job: &NewJob, now: Timestamp) -> Result<Option<JobId>> {
        let id = write_tx!(self, |tx| enqueue_in!(tx, job, now));
        Ok(id.map(JobId))
    }

    /// Claims the oldest due job for `lease`, if any.
    pub async fn claim_job(&self, now: Timestamp, lease: Duration) -> Result<Option<Job>> {
        self.claim_job_in(Lane::Any, now, lease).await
    }

    /// Claims the next due job of `lane` (see [`Store::claim_job`]).
    pub async fn claim_job_in(
        &self,
        lane: Lane,
        now: Timestamp,
        lease: Duration,
    ) -> Result<Option<Job>> {
        self.claim_job_of(lane, None, now, lease).await
    }

    /// Claims the next due job of `lane` whose kind is one of `kinds`
    /// (`None`: any): a worker leaves the kinds it does not know to a
    /// version that does, as in a rolling upgrade.
    pub async fn claim_job_of(
        &self,
        lane: Lane,
        kinds: Option<&[&str]>,
        now: Timestamp,
        lease: Duration,
    ) -> Result<Option<Job>> {
        let kinds = kinds.map(|k| serde_json::to_string(k).expect("a list of names"));
        let until = now
            .as_microsecond()
            .saturating_add(lease.as_micros().try_into().unwrap_or(i64::MAX));
        let sql = match self.backend {
            Backend::Sqlite { .. } => CLAIM_SQLITE,
            Backend::Postgres(_) => CLAIM_POSTGRES,
        };
        let row: Option<JobRow> = write_tx!(self, |tx| {
            sqlx::query(FAIL_ABANDONED)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?;
            sqlx::query_as(sql)
                .bind(now.as_microsecond())
                .bind(until)
                .bind(lane.code())
                .bind(kinds.as_deref())
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(|r| {
            Ok(Job {
                id: JobId(r.id),
                kind: r.kind,
                payload: serde_json::from_str(&r.payload).map_err(|e| {
                    crate::StoreError::Corrupt(format!("job {} payload: {e}", r.id))
                })?,
                idempotency_key: r.idempotency_key,
                run_at: instant(r.run_at)?,
                attempts: r.attempts,
                max_attempts: r.max_attempts,
                claimed_until: instant(r.claimed_until.unwrap_or(until))?,
            })
        })
        .transpose()
    }

    /// Marks the claimed job done. `false` when the claim was lost (the lease
    /// ran out and another worker claimed the job again).
    pub async fn complete_job(&self, job: &Job, now: Timestamp) -> Result<bool> {
        const SQL: &str =
            "update jobs set completed_at = $3, claimed_until = null, last_error = null
            where id = $1 and attempts = $2 and completed_at is null and failed_at is null";
        let done = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(job.id.0)
            .bind(job.attempts)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// Holds a claimed job `lease` longer from `now`, for work that runs
    /// past one lease (an import). `false` when the claim was lost.
    pub async fn renew_job(&self, job: &Job, now: Timestamp, lease: Duration) -> Result<bool> {
        const SQL: &str = "update jobs set claimed_until = $3
            where id = $1 and attempts = $2 and completed_at is null and failed_at is null";
        let until = now.as_microsecond() + crate::rows::micros(lease);
        let renewed = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(job.id.0)
            .bind(job.attempts)
            .bind(until)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(renewed == 1)
    }

    /// Records a failed attempt. The job runs again at `retry_at` unless it
    /// has used all its attempts, in which case it is marked failed. `false`
    /// when the claim was lost.
    pub async fn retry_job(
        &self,
        job: &Job,
        error: &str,
        retry_at: Timestamp,
        now: Timestamp,
    ) -> Result<bool> {
        const SQL: &str = "update jobs set last_error = $3, claimed_until = null, run_at = $4,
                failed_at = case when attempts >= max_attempts then $5 else null end
            where id = $1 and attempts = $2 and completed_at is null and failed_at is null";
        let done = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(job.id.0)
            .bind(job.attempts)
            .bind(error)
            .bind(retry_at.as_microsecond())
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// When a pending job next becomes claimable after `now` (its time
    /// comes, or another worker's lease on it runs out), if any: a worker
    /// with nothing to do sleeps until then.
    pub async fn next_job_due(&self, now: Timestamp) -> Result<Option<Timestamp>> {
        const SQL: &str = "select min(case when claimed_until > run_at then claimed_until
                                           else run_at end) from jobs
            where completed_at is null and failed_at is null and attempts < max_attempts
              and (run_at > $1 or claimed_until > $1)";
        let next: Option<i64> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(now.as_microsecond())
            .fetch_one(&mut *conn)
            .await)?;
        next.map(instant).transpose()
    }

    /// How many pending jobs there are of each kind.
    pub async fn pending_job_kinds(&self) -> Result<Vec<(String, i64)>> {
        const SQL: &str = "select kind, count(*) from jobs
            where completed_at is null and failed_at is null group by kind order by kind";
        Ok(read!(self, |conn| sqlx::query_as(SQL)
            .fetch_all(&mut *conn)
            .await)?)
    }

    /// What gave up since `since`, by kind, the kind with the newest
    /// failure first.
    pub async fn failed_jobs_since(&self, since: Timestamp) -> Result<Vec<FailedJob>> {
        const SQL: &str = "select kind, count(*), max(failed_at),
                (select last_error from jobs l where l.kind = j.kind and l.failed_at is not null
                 order by l.failed_at desc limit 1)
            from jobs j where failed_at >= $1 group by kind
            union all
            select 'newsletter_delivery', count(*), max(finished_at),
                (select error from newsletter_deliveries where outcome = 'failed'
                 order by finished_at desc limit 1)
            from newsletter_deliveries where outcome = 'failed' and finished_at >= $1
            having count(*) > 0
            order by 3 desc";
        let rows: Vec<(String, i64, i64, Option<String>)> =
            read!(self, |conn| sqlx::query_as(SQL)
                .bind(since.as_microsecond())
                .fetch_all(&mut *conn)
                .await)?;
        rows.into_iter()
            .map(|(kind, failures, last_at, last_error)| {
                Ok(FailedJob {
                    kind,
                    failures,
                    last_at: instant(last_at)?,
                    last_error,
                })
            })
            .collect()
    }

    pub async fn job_state(&self, id: JobId) -> Result<JobState> {
        const SQL: &str = "select completed_at, failed_at from jobs where id = $1";
        let (completed, failed): (Option<i64>, Option<i64>) =
            read!(self, |pool| sqlx::query_as(SQL)
                .bind(id.0)
                .fetch_one(&mut *pool)
                .await)?;
        Ok(match (completed, failed) {
            (Some(_), _) => JobState::Completed,
            (None, Some(_)) => JobState::Failed,
            (None, None) => JobState::Pending,
        })
    }
}
