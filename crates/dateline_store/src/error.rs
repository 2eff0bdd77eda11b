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
    MigrationLock(#[source] std::io::Error),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
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

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
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
