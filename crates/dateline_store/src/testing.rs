//! Fresh databases for tests, on either backend.
//!
//! SQLite: a new file in a temporary directory. PostgreSQL: a new database
//! cloned from a template migrated once per set of migrations (cloning is
//! much faster than migrating), dropped when the test ends. PostgreSQL is
//! found at `DATELINE_TEST_POSTGRES_URL` (default: the `postgres` database
//! on 127.0.0.1:5432). When it cannot be reached the test is skipped with a
//! message, unless `DATELINE_REQUIRE_POSTGRES=1` (as in CI), which makes it fail.

use std::{
    hash::{Hash, Hasher},
    sync::atomic::{AtomicU32, Ordering},
};

use sqlx::{Connection, PgConnection};

use crate::Store;

pub struct TestDb {
    store: Store,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The PostgreSQL database's URL (`None` on SQLite).
    pub fn postgres_url(&self) -> Option<String> {
        self.postgres
            .as_ref()
            .map(|(admin, name)| database_url(admin, name))
    }

    /// Makes the PostgreSQL database refuse writes in sessions opened from
    /// now on, as a replica does.
    pub async fn make_read_only(&self) {
        let (_, name) = self.postgres.as_ref().expect("a PostgreSQL database");
        self.administer(format!(
            "alter database \"{name}\" set default_transaction_read_only = on"
        ))
        .await;
    }

    /// Runs `sql` on the server as its administrator.
    async fn administer(&self, sql: String) {
        let (admin, _) = self.postgres.as_ref().expect("a PostgreSQL database");
        let mut conn = PgConnection::connect(admin).await.expect("connect");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect("administer the test database");
    }

    /// Makes the PostgreSQL database unreachable (its sessions ended, new
    /// ones refused, as when its server is down) or reachable again.
    pub async fn allow_connections(&self, allowed: bool) {
        let (_, name) = self.postgres.as_ref().expect("a PostgreSQL database");
        self.administer(format!(
            "alter database \"{name}\" with allow_connections {allowed}"
        ))
        .await;
        if !allowed {
            self.administer(format!(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'"
            ))
            .await;
        }
    }

    /// Marks the migration `version` as not applied (or applied again),
    /// as a database one migration behind the build looks.
    pub async fn set_migration_applied(&self, version: i64, applied: bool) {
        let (admin, name) = self.postgres.as_ref().expect("a PostgreSQL database");
        let mut conn = PgConnection::connect(&database_url(admin, name))
            .await
            .expect("connect");
        sqlx::query("update _sqlx_migrations set success = $2 where version = $1")
            .bind(version)
            .bind(applied)
            .execute(&mut conn)
            .await
            .expect("mark the migration");
    }
}

/// A migrated SQLite database in a fresh file.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open_sqlite(&dir.path().join("test.db"))
        .await
        .expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDb {
        store,
        _dir: Some(dir),
        postgres: None,
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("DATELINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var("DATELINE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A migrated PostgreSQL database of its own, or `None` (after saying so)
/// when PostgreSQL is unreachable and not required.
pub async fn postgres() -> Option<TestDb> {
    fresh_postgres(true).await
}

/// A PostgreSQL database of its own with nothing in it, not even the
/// schema (what a restore or a first start meets), or `None` as
/// [`postgres`] says.
pub async fn postgres_empty() -> Option<TestDb> {
    fresh_postgres(false).await
}

async fn fresh_postgres(migrated: bool) -> Option<TestDb> {
    let admin_url = postgres_admin_url();
    let mut admin = match PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) if !postgres_required() => {
            eprintln!(
                "SKIPPED: PostgreSQL is not reachable at {} ({e}); set DATELINE_REQUIRE_POSTGRES=1 to fail instead",
                crate::redact(&admin_url)
            );
            return None;
        }
        Err(e) => panic!(
            "PostgreSQL is required but not reachable at {}: {e}",
            crate::redact(&admin_url)
        ),
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "dateline_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let create = if migrated {
        let template = ensure_template(&mut admin, &admin_url).await;
        format!("create database {name} template {template}")
    } else {
        format!("create database {name}")
    };
    // One statement per call: PostgreSQL runs a multi-statement string as
    // one transaction, and `create database` refuses to run in one.
    for sql in [
        format!("drop database if exists {name} with (force)"),
        create,
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await
            .expect("create test database");
    }
    let store = Store::open_postgres(&database_url(&admin_url, &name), 8)
        .await
        .expect("connect to test database");
    Some(TestDb {
        store,
        _dir: None,
        postgres: Some((admin_url, name)),
    })
}

/// The template database for this build's migrations, created under an
/// advisory lock so that parallel test processes build it once.
async fn ensure_template(admin: &mut PgConnection, admin_url: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    Store::migration_names().hash(&mut hasher);
    Store::postgres_checksums().hash(&mut hasher);
    let template = format!("dateline_template_{:016x}", hasher.finish());
    sqlx::query("select pg_advisory_lock(7212021)")
        .execute(&mut *admin)
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(&template)
            .fetch_one(&mut *admin)
            .await
            .expect("look up template");
    if !exists {
        let building = format!("{template}_building");
        for sql in [
            format!("drop database if exists {building} with (force)"),
            format!("create database {building}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *admin)
                .await
                .expect("create template database");
        }
        let store = Store::open_postgres(&database_url(admin_url, &building), 1)
            .await
            .expect("connect to template database");
        store.migrate().await.expect("migrate template database");
        store.close().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "alter database {building} rename to {template}"
        )))
        .execute(&mut *admin)
        .await
        .expect("publish template database");
    }
    sqlx::query("select pg_advisory_unlock(7212021)")
        .execute(&mut *admin)
        .await
        .expect("advisory unlock");
    template
}

fn database_url(admin_url: &str, database: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; a short-lived runtime on its own thread
        // drops the database so no test leaves one behind.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "drop database if exists {name} with (force)"
                )))
                .execute(&mut admin)
                .await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop a test database: {e}");
        }
    }
}

impl Store {
    /// Another handle on the same database, as a second node would have
    /// (its own pools and caches).
    pub async fn another_node(&self) -> Store {
        match &self.backend {
            crate::Backend::Sqlite { path, .. } => {
                Store::open_sqlite(path).await.expect("open SQLite again")
            }
            crate::Backend::Postgres(pool) => Store {
                backend: crate::Backend::Postgres(
                    sqlx::postgres::PgPoolOptions::new()
                        .max_connections(4)
                        .connect_with((*pool.connect_options()).clone())
                        .await
                        .expect("connect to PostgreSQL again"),
                ),
                wire_index: Default::default(),
                wakeups: Default::default(),
            },
        }
    }
}
