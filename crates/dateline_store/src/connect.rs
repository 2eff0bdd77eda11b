use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{Result, Store, StoreError, read};

/// The SQLite file's name in the data directory when no URL is configured.
pub const DEFAULT_SQLITE_FILE: &str = "dateline.db";

/// How long a request waits for a connection, and how long `serve` waits for
/// an unreachable database before it gives up with an error.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone)]
pub enum Backend {
    /// SQLite allows one writer at a time; writes go through a pool of one so
    /// they queue here instead of failing with `SQLITE_BUSY`.
    Sqlite {
        write: SqlitePool,
        read: SqliteReaders,
        /// The database file; migrations lock a file beside it.
        path: std::path::PathBuf,
    },
    Postgres(PgPool),
}

impl Store {
    /// Opens the database named by `url`: `postgres://…` selects PostgreSQL,
    /// `sqlite://PATH` or `None` selects SQLite (`None` meaning
    /// [`DEFAULT_SQLITE_FILE`] in `data_dir`). Fails fast when it cannot connect.
    pub async fn open(url: Option<&str>, data_dir: &Path) -> Result<Self> {
        match url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::open_postgres(url, 16).await
            }
            Some(url) => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .ok_or_else(|| {
                        StoreError::Invalid(dateline_core::Invalid::new(
                            "database.url",
                            format!(
                                "{:?} is neither a postgres:// nor a sqlite:// URL",
                                redact(url)
                            ),
                        ))
                    })?;
                Self::open_sqlite(Path::new(path)).await
            }
            None => Self::open_sqlite(&data_dir.join(DEFAULT_SQLITE_FILE)).await,
        }
    }

    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Sorting and grouping in memory, not in temporary files.
            .pragma("temp_store", "memory");
        let connect_error = |source| StoreError::Connect {
            target: path.display().to_string(),
            source,
        };
        // A local file cannot drop like a network connection can, and the
        // liveness ping sqlx sends on every acquire costs a round trip to the
        // connection's thread: as much as a small query.
        let wakeups = std::sync::Arc::new(crate::wakeups::Wakeups::default());
        let hooks = wakeups.clone();
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .after_release(|conn, _| Box::pin(discard_if_in_transaction(conn)))
            // The one writer notes what each transaction inserts, to wake
            // whoever waits for it once the transaction commits.
            .after_connect(move |conn, _| {
                let (on_update, on_commit, on_rollback) = hooks.sqlite_hooks();
                Box::pin(async move {
                    let mut handle = conn.lock_handle().await?;
                    handle.set_update_hook(on_update);
                    handle.set_commit_hook(on_commit);
                    handle.set_rollback_hook(on_rollback);
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(connect_error)?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
        let read = SqliteReaders::builder(ReadConnections(options.read_only(true)))
            .max_size(readers)
            .wait_timeout(Some(ACQUIRE_TIMEOUT))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Database(sqlx::Error::Configuration(e.into())))?;
        Ok(Self {
            backend: Backend::Sqlite {
                write,
                read,
                path: path.to_owned(),
            },
            wire_index: Default::default(),
            wakeups,
        })
    }

    pub async fn open_postgres(url: &str, max_connections: u32) -> Result<Self> {
        let connect_error = |source| StoreError::Connect {
            target: redact(url),
            source,
        };
        let options = PgConnectOptions::from_str(url).map_err(connect_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_release(|conn, _| Box::pin(discard_if_in_transaction(conn)))
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        let wakeups = Default::default();
        Ok(Self {
            backend: Backend::Postgres(pool),
            wire_index: Default::default(),
            wakeups,
        })
    }

    /// Applies the migrations this build carries that the database lacks.
    /// Safe to run from several processes at once: PostgreSQL migrations
    /// take an advisory lock; SQLite ones a lock on a file beside the
    /// database, since SQLite has no lock that outlives a transaction.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_to(i64::MAX).await
    }

    /// Applies this build's migrations up to `version`: a restore loads a
    /// backup into the schema it was taken from, then migrates the rest.
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        match &self.backend {
            Backend::Sqlite { write, path, .. } => {
                let lock = lock_file(path.with_extension("migrate-lock")).await?;
                let result = SQLITE_MIGRATIONS.run_to(version, write).await;
                drop(lock);
                result?;
            }
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run_to(version, pool).await?,
        }
        Ok(())
    }

    /// The migrations this database has applied, by version.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        Ok(read!(self, |conn| sqlx::query_scalar(APPLIED_MIGRATIONS)
            .fetch_all(&mut *conn)
            .await)?)
    }

    /// The migrations this build carries for this database's backend, by
    /// version.
    pub fn carried_migrations(&self) -> Vec<i64> {
        let carried = match &self.backend {
            Backend::Sqlite { .. } => &SQLITE_MIGRATIONS,
            Backend::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        carried.iter().map(|m| m.version).collect()
    }

    /// The migrations this build carries that the database has not applied
    /// (by version): a node must not serve a schema older than its code.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>> {
        let applied = self.applied_migrations().await?;
        let mut pending = self.carried_migrations();
        pending.retain(|version| !applied.contains(version));
        Ok(pending)
    }

    /// Holds, until the guard is dropped, the one lock that setting a site
    /// up takes (seeding the demo newsroom, say), whichever node or
    /// process asks: a node that waited for it sees what the first made.
    /// PostgreSQL: a session advisory lock on a connection of its own;
    /// SQLite: a lock on a file beside the database.
    pub async fn setup_lock(&self) -> Result<SetupLock> {
        match &self.backend {
            Backend::Sqlite { path, .. } => Ok(SetupLock::File(
                lock_file(path.with_extension("setup-lock")).await?,
            )),
            Backend::Postgres(pool) => {
                let mut conn = pool.acquire().await?.detach();
                sqlx::query("select pg_advisory_lock($1)")
                    .bind(SETUP_LOCK_KEY)
                    .execute(&mut conn)
                    .await?;
                // Closing the session releases its advisory locks: the
                // guard's drop does, or the server when the process dies.
                Ok(SetupLock::Session(conn))
            }
        }
    }

    /// The migrations each backend carries, by version and description; the
    /// two lists must agree.
    pub fn migration_names() -> [Vec<(i64, String)>; 2] {
        let list = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        [list(&SQLITE_MIGRATIONS), list(&POSTGRES_MIGRATIONS)]
    }

    /// The PostgreSQL migrations' checksums: a migration edited before it
    /// was released changes them, and with them the test template.
    #[cfg(feature = "testing")]
    pub(crate) fn postgres_checksums() -> Vec<Vec<u8>> {
        POSTGRES_MIGRATIONS
            .iter()
            .map(|m| m.checksum.to_vec())
            .collect()
    }
}

pub(crate) const APPLIED_MIGRATIONS: &str =
    "select version from _sqlx_migrations where success order by version";

/// The advisory lock's key for [`Store::setup_lock`] ("dl-setup").
const SETUP_LOCK_KEY: i64 = 0x646c_2d73_6574_7570;

/// Held while a site is set up; see [`Store::setup_lock`].
pub enum SetupLock {
    File(std::fs::File),
    Session(sqlx::PgConnection),
}

/// Takes an exclusive lock on the file at `path` (made if missing), waiting
/// for it off the async threads.
async fn lock_file(path: std::path::PathBuf) -> Result<std::fs::File> {
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::create(&path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| StoreError::LockFile(std::io::Error::other(e)))?
    .map_err(StoreError::LockFile)
}

/// Whether a connection coming back to its pool may be used again: not if
/// it is still inside a transaction. A transaction dropped without a commit
/// queues its rollback, which normally lands before the next use; but when
/// the database ended the transaction itself (SQLite rolls back on a full
/// disk or an I/O error, at the failing statement or at `COMMIT`), that
/// `ROLLBACK` fails, sqlx's count of open transactions stays at one, and
/// every later `begin` on the connection failed ("attempted to call
/// begin_with at non-zero transaction depth") until a restart. Such a
/// connection is closed; the pool opens a fresh one.
async fn discard_if_in_transaction<C: sqlx::Connection>(conn: &mut C) -> sqlx::Result<bool> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // The queued rollback runs before the ping does.
    if conn.ping().await.is_err() {
        return Ok(false);
    }
    let usable = !conn.is_in_transaction();
    if !usable {
        tracing::warn!("a database connection was left inside a transaction; it is replaced");
    }
    Ok(usable)
}

/// SQLite's read connections. Not sqlx's pool: it pings a connection on
/// every return (a round trip to the connection's thread, as costly as a
/// small query), which guards against a transaction left open by a
/// cancelled query. Read connections never open one: every read is a
/// single autocommit statement, so a connection goes back as it is.
pub type SqliteReaders = deadpool::managed::Pool<ReadConnections>;

pub struct ReadConnections(SqliteConnectOptions);

impl deadpool::managed::Manager for ReadConnections {
    type Type = sqlx::SqliteConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<Self::Type, Self::Error> {
        use sqlx::ConnectOptions;
        self.0.connect().await
    }

    async fn recycle(
        &self,
        _: &mut Self::Type,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<Self::Error> {
        Ok(())
    }
}

/// A database URL fit for a log line or an error message: no password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://ed:s3cret@db:5432/news"),
            "postgres://ed@db:5432/news"
        );
        assert_eq!(redact("postgres://db/news"), "postgres://db/news");
    }

    #[test]
    fn both_backends_carry_the_same_migrations() {
        let [sqlite, postgres] = super::Store::migration_names();
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }
}
