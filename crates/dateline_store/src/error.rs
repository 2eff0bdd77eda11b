use std::sync::{
    Mutex,
    atomic::{AtomicI64, Ordering},
};

use dateline_core::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A constraint refused the write: a duplicate slug, a missing parent.
    /// `constraint` is the constraint's name where the database gives it.
    #[error("conflict: {message}")]
    Conflict { constraint: String, message: String },
    /// A save started from a revision that is no longer the article's
    /// current one: someone else saved first.
    #[error("the article was changed by someone else (now at revision {current})")]
    StaleRevision { current: i64 },
    #[error(transparent)]
    Invalid(#[from] Invalid),
    // The cause is the error's source; `{:#}` prints it once.
    #[error("cannot connect to the database at {target}")]
    Connect {
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the database")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot take a lock file beside the database")]
    LockFile(#[source] std::io::Error),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A snapshot cannot be loaded into this database: it holds a site, or
    /// a schema newer than the snapshot's.
    #[error("cannot restore into this database: {0}")]
    NotEmpty(String),
    /// A snapshot's reader or writer failed (a full disk, say).
    #[error("cannot move the snapshot's rows")]
    Io(#[source] std::io::Error),
}

impl From<deadpool::managed::PoolError<sqlx::Error>> for StoreError {
    fn from(e: deadpool::managed::PoolError<sqlx::Error>) -> Self {
        use deadpool::managed::PoolError;
        match e {
            PoolError::Backend(e) => e.into(),
            PoolError::Timeout(_) => Self::Database(sqlx::Error::PoolTimedOut),
            _ => Self::Database(sqlx::Error::PoolClosed),
        }
    }
}

/// When this process last saw the database refuse for want of storage (a
/// full disk, an I/O error, a read-only file), and why; and when a write
/// last went through. A readiness check asks [`write_trouble`]: a probe
/// write alone can pass on a full disk (a failed transaction leaves WAL
/// space a small write reuses) while every publish is refused.
static STORAGE_FAILED_AT: AtomicI64 = AtomicI64::new(i64::MIN);
static STORAGE_FAILURE: Mutex<String> = Mutex::new(String::new());
static WRITE_OK_AT: AtomicI64 = AtomicI64::new(i64::MIN);

/// Whether `e` says the database cannot store anything just now.
fn is_storage_failure(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            // PostgreSQL's SQLSTATEs are digits too: tell the two apart by type.
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                // Insufficient resources (disk full), an I/O error, a
                // read-only transaction (a replica, default_transaction_read_only).
                let code = pg.code();
                return code.starts_with("53") || code == "58030" || code == "25006";
            }
            // SQLite's primary result codes are the low byte of its
            // extended ones: IOERR, FULL, READONLY, CANTOPEN.
            db.code()
                .and_then(|code| code.parse::<i64>().ok())
                .is_some_and(|n| matches!(n & 0xff, 8 | 10 | 13 | 14))
        }
        _ => false,
    }
}

fn note_storage_failure(e: &sqlx::Error) {
    let now = jiff::Timestamp::now().as_microsecond();
    if let Ok(mut reason) = STORAGE_FAILURE.lock() {
        *reason = e.to_string();
    }
    STORAGE_FAILED_AT.store(now, Ordering::Release);
}

/// Whether a storage failure is remembered with no write through since:
/// only then do write transactions check that they changed something.
pub(crate) fn trouble_pending() -> bool {
    STORAGE_FAILED_AT.load(Ordering::Acquire) > WRITE_OK_AT.load(Ordering::Acquire)
}

/// A write transaction that changed something committed. One that changed
/// nothing proves nothing: an idle job claim commits every second on a
/// full disk, for it needs no new page.
pub(crate) fn note_write_ok() {
    WRITE_OK_AT.store(jiff::Timestamp::now().as_microsecond(), Ordering::Release);
}

/// Rows this SQLite connection has changed since it opened.
pub(crate) async fn sqlite_changes(conn: &mut sqlx::SqliteConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("select total_changes()")
        .fetch_one(conn)
        .await?)
}

/// Whether this PostgreSQL transaction has written anything (it has a
/// transaction id only once it has).
pub(crate) async fn postgres_wrote(conn: &mut sqlx::PgConnection) -> Result<bool, StoreError> {
    Ok(
        sqlx::query_scalar("select txid_current_if_assigned() is not null")
            .fetch_one(conn)
            .await?,
    )
}

/// Why writes fail, if the last outcome was a storage failure within
/// `within`: none went through since.
pub fn write_trouble(within: std::time::Duration) -> Option<String> {
    let failed = STORAGE_FAILED_AT.load(Ordering::Acquire);
    let recent = jiff::Timestamp::now()
        .as_microsecond()
        .saturating_sub(failed)
        <= i64::try_from(within.as_micros()).unwrap_or(i64::MAX);
    (failed > WRITE_OK_AT.load(Ordering::Acquire) && recent).then(|| {
        STORAGE_FAILURE
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    })
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if is_storage_failure(&e) {
            note_storage_failure(&e);
        }
        if let sqlx::Error::Database(db) = &e {
            use sqlx::error::ErrorKind::*;
            if matches!(
                db.kind(),
                UniqueViolation | ForeignKeyViolation | NotNullViolation | CheckViolation
            ) {
                return Self::Conflict {
                    // SQLite names no constraint; its message names the columns.
                    constraint: db.constraint().unwrap_or_default().to_owned(),
                    message: db.message().to_owned(),
                };
            }
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return Self::NotFound;
        }
        Self::Database(e)
    }
}
