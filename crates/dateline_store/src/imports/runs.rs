//! Imports started from the admin: a row per uploaded export, with the
//! job that runs it enqueued in the same transaction, its progress while
//! it runs, and its summary and report when it ends.

use dateline_core::UserId;
use jiff::Timestamp;

use crate::{
    JobKind, NewJob, Result, Store,
    jobs::enqueue_in,
    read,
    rows::{instant, opt_instant},
    write_tx,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportRunId(pub i64);

/// The job that runs an uploaded import; in the media lane (its name
/// starts `media_`), as it is long and makes pictures, so scheduled
/// publications never wait for it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunImport {
    pub run: i64,
}

impl JobKind for RunImport {
    const KIND: &'static str = "media_import_site";
    /// An import goes on where it stopped, so a retry after a crash or a
    /// lost connection loses nothing.
    const MAX_ATTEMPTS: i64 = 5;
}

/// An export uploaded to be imported.
#[derive(Debug, Clone)]
pub struct NewImportRun {
    /// `wordpress` or `ghost`.
    pub platform: &'static str,
    pub file_name: String,
    /// Where the upload waits in the blob store.
    pub blob_key: String,
    pub byte_size: i64,
    /// The run's options, as JSON.
    pub options: String,
    pub started_by: Option<UserId>,
    /// The dry run whose upload this imports for real, if it is one.
    pub source_run: Option<ImportRunId>,
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Its job has not started (or is waiting to try again).
    Waiting,
    /// The first pass: the file is read whole and checked.
    Reading,
    Importing,
    Done,
    /// The file is not one that can be imported; nothing was stored.
    Refused,
    /// It broke off after its last try.
    Failed,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Reading => "reading",
            Self::Importing => "importing",
            Self::Done => "done",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "waiting" => Self::Waiting,
            "reading" => Self::Reading,
            "importing" => Self::Importing,
            "done" => Self::Done,
            "refused" => Self::Refused,
            "failed" => Self::Failed,
            other => {
                return Err(crate::StoreError::Corrupt(format!(
                    "import run state {other:?}"
                )));
            }
        })
    }

    /// Whether the run has ended, one way or another.
    pub fn ended(self) -> bool {
        matches!(self, Self::Done | Self::Refused | Self::Failed)
    }
}

/// A run as the admin shows it (without its report, which can be long).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportRun {
    pub id: ImportRunId,
    pub platform: String,
    pub file_name: String,
    pub blob_key: String,
    pub byte_size: i64,
    pub options: String,
    pub state: RunState,
    pub done: i64,
    pub total: i64,
    /// The summary's lines, once it has ended.
    pub summary: Option<String>,
    pub error: Option<String>,
    pub started_by: Option<String>,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    platform: String,
    file_name: String,
    blob_key: String,
    byte_size: i64,
    options: String,
    state: String,
    done: i64,
    total: i64,
    summary: Option<String>,
    error: Option<String>,
    started_by: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

macro_rules! run_sql {
    ($where:literal) => {
        concat!(
            "select r.id, r.platform, r.file_name, r.blob_key, r.byte_size, r.options, r.state,
                r.done, r.total, r.summary, r.error, u.name as started_by, r.created_at,
                r.started_at, r.finished_at
            from import_runs r left join users u on u.id = r.started_by ",
            $where
        )
    };
}

fn run(r: RunRow) -> Result<ImportRun> {
    Ok(ImportRun {
        id: ImportRunId(r.id),
        platform: r.platform,
        file_name: r.file_name,
        blob_key: r.blob_key,
        byte_size: r.byte_size,
        options: r.options,
        state: RunState::parse(&r.state)?,
        done: r.done,
        total: r.total,
        summary: r.summary,
        error: r.error,
        started_by: r.started_by,
        created_at: instant(r.created_at)?,
        started_at: opt_instant(r.started_at)?,
        finished_at: opt_instant(r.finished_at)?,
    })
}

impl Store {
    /// Records an uploaded export and enqueues the job that imports it.
    /// A dry run is imported for real once: asked again (a second click,
    /// a second admin), this gives the run the first asking made.
    pub async fn create_import_run(
        &self,
        new: &NewImportRun,
        now: Timestamp,
    ) -> Result<ImportRunId> {
        const INSERT: &str = "insert into import_runs (platform, file_name, blob_key, byte_size,
                options, state, started_by, created_at, source_run)
            values ($1, $2, $3, $4, $5, 'waiting', $6, $7, $8)
            on conflict (source_run) do nothing returning id";
        const MADE: &str = "select id from import_runs where source_run = $1";
        let id = write_tx!(self, |tx| {
            let made: Option<i64> = sqlx::query_scalar(INSERT)
                .bind(new.platform)
                .bind(&new.file_name)
                .bind(&new.blob_key)
                .bind(new.byte_size)
                .bind(&new.options)
                .bind(new.started_by.map(|u| u.0))
                .bind(now.as_microsecond())
                .bind(new.source_run.map(|r| r.0))
                .fetch_optional(&mut *tx)
                .await?;
            match made {
                Some(id) => {
                    let job = NewJob::of(
                        &RunImport { run: id },
                        now,
                        Some(format!("import-run-{id}")),
                    );
                    enqueue_in!(tx, &job, now);
                    id
                }
                None => {
                    sqlx::query_scalar::<_, i64>(MADE)
                        .bind(new.source_run.map(|r| r.0))
                        .fetch_one(&mut *tx)
                        .await?
                }
            }
        });
        Ok(ImportRunId(id))
    }

    /// The newest runs first.
    pub async fn import_runs(&self, limit: i64) -> Result<Vec<ImportRun>> {
        const SQL: &str = run_sql!("order by r.id desc limit $1");
        let rows: Vec<RunRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(run).collect()
    }

    pub async fn import_run(&self, id: ImportRunId) -> Result<Option<ImportRun>> {
        const SQL: &str = run_sql!("where r.id = $1");
        let row: Option<RunRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(run).transpose()
    }

    /// The report of every skip, once the run has one.
    pub async fn import_run_report(&self, id: ImportRunId) -> Result<Option<String>> {
        const SQL: &str = "select report from import_runs where id = $1";
        let report: Option<Option<String>> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        Ok(report.flatten())
    }

    /// Where a running import is; the first call marks it started.
    pub async fn note_import_progress(
        &self,
        id: ImportRunId,
        state: RunState,
        done: i64,
        total: i64,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "update import_runs set state = $2, done = $3, total = $4,
                started_at = coalesce(started_at, $5), error = null
            where id = $1 and finished_at is null";
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(state.as_str())
                .bind(done)
                .bind(total)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Records how a run ended (or, with a state that has not ended, why
    /// its try failed before the next).
    pub async fn finish_import_run(
        &self,
        id: ImportRunId,
        state: RunState,
        summary: Option<&str>,
        report: Option<&str>,
        error: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "update import_runs set state = $2, summary = $3, report = $4,
                error = $5, finished_at = $6
            where id = $1 and finished_at is null";
        let finished = state.ended().then_some(now.as_microsecond());
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(state.as_str())
                .bind(summary)
                .bind(report)
                .bind(error)
                .bind(finished)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}
