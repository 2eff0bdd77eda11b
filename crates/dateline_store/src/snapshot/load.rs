//! Writing a snapshot's rows into a freshly migrated database, all in one
//! transaction: a restore that fails leaves the database as it was.

use std::collections::HashMap;

use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};

use super::{Cell, ColumnKind, SKIPPED_TABLES, dump::catalog, unhex};
use crate::{Backend, Result, Store, StoreError, read};

/// Values bound per statement at most: both backends allow 32,766 or more
/// parameters; rows are sent in batches under it.
const PARAMETERS_PER_STATEMENT: usize = 30_000;

enum LoadTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A load in progress: [`SnapshotLoad::table`], its rows with
/// [`SnapshotLoad::row`], the next table, then [`SnapshotLoad::finish`].
pub struct SnapshotLoad {
    tx: LoadTx,
    /// The target's tables: their columns with what each holds.
    schema: HashMap<String, Vec<(String, ColumnKind)>>,
    /// PostgreSQL's foreign keys (table, name, definition), dropped while
    /// rows arrive in any order and added again, checked, at the end.
    foreign_keys: Vec<(String, String, String)>,
    table: String,
    kinds: Vec<ColumnKind>,
    insert: String,
    pending: Vec<Vec<Cell>>,
}

/// Runs `$query` (a sqlx query or query_as, without its executor) on the
/// load's transaction, whichever backend it is on.
macro_rules! on_tx {
    ($tx:expr, $query:expr, execute) => {
        match $tx {
            LoadTx::Sqlite(tx) => {
                $query.execute(&mut **tx).await?;
            }
            LoadTx::Postgres(tx) => {
                $query.execute(&mut **tx).await?;
            }
        }
    };
    ($tx:expr, $query:expr, $fetch:ident) => {
        match $tx {
            LoadTx::Sqlite(tx) => $query.$fetch(&mut **tx).await?,
            LoadTx::Postgres(tx) => $query.$fetch(&mut **tx).await?,
        }
    };
}

/// Counts what makes a database a site: articles and staff accounts.
const HELD: &str = "select (select count(*) from articles) + (select count(*) from users)";

impl Store {
    /// Readies this database for a snapshot whose schema is `migrations`:
    /// it must hold no site (so a mistyped `--database-url` naming a live
    /// site is refused before anything touches it) and no migration the
    /// snapshot lacks (rows loaded into a newer schema would skip the data
    /// migrations in between). It is then migrated to the snapshot's schema.
    pub async fn prepare_load(&self, migrations: &[i64]) -> Result<()> {
        let (tables_sql, _) = catalog(&self.backend);
        let tables: Vec<String> = read!(self, |conn| sqlx::query_scalar(tables_sql)
            .fetch_all(&mut *conn)
            .await)?;
        if tables.iter().any(|t| t == "_sqlx_migrations") {
            let applied = self.applied_migrations().await?;
            if let Some(newer) = applied.iter().find(|v| !migrations.contains(v)) {
                return Err(StoreError::NotEmpty(format!(
                    "its schema has migration {newer}, which the backup's lacks; use an empty database"
                )));
            }
        }
        if tables.iter().any(|t| t == "articles") {
            let held: i64 = read!(self, |conn| sqlx::query_scalar(HELD)
                .fetch_one(&mut *conn)
                .await)?;
            if held > 0 {
                return Err(StoreError::NotEmpty(
                    "it already holds a site; use an empty one".into(),
                ));
            }
        }
        let newest = migrations
            .iter()
            .max()
            .ok_or_else(|| StoreError::Corrupt("the snapshot names no migrations".into()))?;
        self.migrate_to(*newest).await
    }

    /// Starts loading a snapshot into this database, which must be
    /// migrated to the snapshot's schema ([`Store::prepare_load`]) and hold
    /// no site. Every table is emptied first (of the rows its migrations
    /// seeded): the snapshot's rows replace them.
    pub async fn begin_load(&self) -> Result<SnapshotLoad> {
        let (tables_sql, columns_sql) = catalog(&self.backend);
        let mut tx = match &self.backend {
            Backend::Sqlite { write, .. } => {
                let mut tx = write.begin_with("begin immediate").await?;
                // Rows arrive table by table in name order, children before
                // parents: foreign keys are checked at commit instead.
                sqlx::query("pragma defer_foreign_keys = on")
                    .execute(&mut *tx)
                    .await?;
                LoadTx::Sqlite(tx)
            }
            Backend::Postgres(pool) => LoadTx::Postgres(pool.begin().await?),
        };
        let held: i64 = on_tx!(&mut tx, sqlx::query_scalar(HELD), fetch_one);
        if held > 0 {
            return Err(StoreError::NotEmpty(
                "it already holds a site; use an empty one".into(),
            ));
        }
        let tables: Vec<String> = on_tx!(&mut tx, sqlx::query_scalar(tables_sql), fetch_all);
        let tables: Vec<String> = tables
            .into_iter()
            .filter(|t| !SKIPPED_TABLES.contains(&t.as_str()))
            .collect();
        let mut schema = HashMap::new();
        for table in &tables {
            let columns: Vec<(String, String)> =
                on_tx!(&mut tx, sqlx::query_as(columns_sql).bind(table), fetch_all);
            let columns = columns
                .into_iter()
                .map(|(name, declared)| (name, ColumnKind::of_declared(&declared)))
                .collect();
            schema.insert(table.clone(), columns);
        }
        let mut foreign_keys = Vec::new();
        if let LoadTx::Postgres(tx) = &mut tx {
            foreign_keys = sqlx::query_as(
                "select conrelid::regclass::text, conname::text, pg_get_constraintdef(oid)
                 from pg_constraint where contype = 'f'
                   and connamespace = current_schema()::regnamespace",
            )
            .fetch_all(&mut **tx)
            .await?;
            for (table, name, _) in &foreign_keys {
                let drop = format!("alter table {table} drop constraint \"{name}\"");
                sqlx::query(sqlx::AssertSqlSafe(drop))
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let mut load = SnapshotLoad {
            tx,
            schema,
            foreign_keys,
            table: String::new(),
            kinds: Vec::new(),
            insert: String::new(),
            pending: Vec::new(),
        };
        // All at once, before any row arrives: on SQLite a cascading delete
        // fires at once even with foreign keys deferred, so emptying a
        // parent table later would delete children already loaded.
        for table in tables {
            load.execute(format!("delete from \"{table}\"")).await?;
        }
        Ok(load)
    }
}

impl SnapshotLoad {
    /// Starts the rows of `table`, each with `columns`' values in order.
    pub async fn table(&mut self, table: &str, columns: &[String]) -> Result<()> {
        self.flush().await?;
        let target = self.schema.get(table).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "the snapshot has a table this build does not know: {table}"
            ))
        })?;
        let kinds = columns
            .iter()
            .map(|column| {
                target
                    .iter()
                    .find(|(name, _)| name == column)
                    .map(|(_, kind)| *kind)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "the snapshot has a column this build does not know: {table}.{column}"
                        ))
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        self.insert = format!("insert into \"{table}\" ({}) ", quoted.join(", "));
        self.table = table.to_owned();
        self.kinds = kinds;
        Ok(())
    }

    /// One row of the current table.
    pub async fn row(&mut self, row: Vec<Cell>) -> Result<()> {
        if row.len() != self.kinds.len() {
            return Err(StoreError::Corrupt(format!(
                "a row of {} has {} values for {} columns",
                self.table,
                row.len(),
                self.kinds.len()
            )));
        }
        self.pending.push(row);
        if self.pending.len() * self.kinds.len().max(1) >= PARAMETERS_PER_STATEMENT {
            self.flush().await?;
        }
        Ok(())
    }

    /// Checks what was loaded (foreign keys), sets PostgreSQL's id
    /// sequences past the loaded ids, and commits.
    pub async fn finish(mut self) -> Result<()> {
        self.flush().await?;
        for (table, name, definition) in std::mem::take(&mut self.foreign_keys) {
            self.execute(format!(
                "alter table {table} add constraint \"{name}\" {definition}"
            ))
            .await?;
        }
        match self.tx {
            LoadTx::Sqlite(tx) => tx.commit().await?,
            LoadTx::Postgres(mut tx) => {
                let identities: Vec<(String, String)> = sqlx::query_as(
                    "select table_name::text, column_name::text from information_schema.columns
                     where table_schema = current_schema() and is_identity = 'YES'",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (table, column) in identities {
                    let set = format!(
                        "select setval(pg_get_serial_sequence('\"{table}\"', '{column}'),
                                       coalesce(max(\"{column}\"), 0) + 1, false) from \"{table}\""
                    );
                    sqlx::query(sqlx::AssertSqlSafe(set))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    async fn execute(&mut self, sql: String) -> Result<()> {
        on_tx!(&mut self.tx, sqlx::query(sqlx::AssertSqlSafe(sql)), execute);
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let bound = rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&self.kinds)
                    .map(|(cell, kind)| Bound::of(cell, *kind, &self.table))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        macro_rules! insert {
            ($db:ty, $tx:expr) => {{
                let mut insert = QueryBuilder::<$db>::new(self.insert.clone());
                insert.push_values(bound, |mut values, row| {
                    for value in row {
                        match value {
                            Bound::Int(v) => values.push_bind(v),
                            Bound::Real(v) => values.push_bind(v),
                            Bound::Bool(v) => values.push_bind(v),
                            Bound::Text(v) => values.push_bind(v),
                            Bound::Bytes(v) => values.push_bind(v),
                        };
                    }
                });
                insert.build().execute(&mut **$tx).await?;
            }};
        }
        match &mut self.tx {
            LoadTx::Sqlite(tx) => insert!(Sqlite, tx),
            LoadTx::Postgres(tx) => insert!(Postgres, tx),
        }
        Ok(())
    }
}

/// A cell as the target column takes it, nulls typed.
enum Bound {
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl Bound {
    fn of(cell: &Cell, kind: ColumnKind, table: &str) -> Result<Self> {
        Ok(match (cell, kind) {
            (Cell::Null, ColumnKind::Int) => Self::Int(None),
            (Cell::Null, ColumnKind::Real) => Self::Real(None),
            (Cell::Null, ColumnKind::Bool) => Self::Bool(None),
            (Cell::Null, ColumnKind::Text) => Self::Text(None),
            (Cell::Null, ColumnKind::Bytes) => Self::Bytes(None),
            (Cell::Int(n), ColumnKind::Int) => Self::Int(Some(*n)),
            (Cell::Bool(b), ColumnKind::Int) => Self::Int(Some(i64::from(*b))),
            (Cell::Int(n), ColumnKind::Bool) => Self::Bool(Some(*n != 0)),
            (Cell::Bool(b), ColumnKind::Bool) => Self::Bool(Some(*b)),
            (Cell::Real(x), ColumnKind::Real) => Self::Real(Some(*x)),
            (Cell::Int(n), ColumnKind::Real) => Self::Real(Some(*n as f64)),
            (Cell::Text(s), ColumnKind::Text) => Self::Text(Some(s.clone())),
            (Cell::Bytes { hex }, ColumnKind::Bytes) => {
                Self::Bytes(Some(unhex(hex).ok_or_else(|| {
                    StoreError::Corrupt(format!("bad hex in a row of {table}"))
                })?))
            }
            (cell, kind) => {
                return Err(StoreError::Corrupt(format!(
                    "a row of {table} holds {cell:?} where the column is {kind:?}"
                )));
            }
        })
    }
}
