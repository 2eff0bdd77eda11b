//! Reading every table as of one moment.

use futures_util::TryStreamExt;
use sqlx::{Row, TypeInfo, ValueRef, postgres::PgRow, sqlite::SqliteRow};

use super::{Cell, SKIPPED_TABLES, hex};
use crate::{Backend, Result, Store, StoreError, connect::APPLIED_MIGRATIONS, read};

/// Receives a snapshot, table by table. Asynchronous, so that a visitor
/// writing files hands the work to a blocking thread rather than holding
/// up the runtime for the length of a dump.
pub trait SnapshotVisitor {
    /// A table starts; its rows follow, each with `columns`' values in
    /// that order.
    fn table(
        &mut self,
        name: &str,
        columns: &[String],
    ) -> impl Future<Output = std::io::Result<()>> + Send;
    fn row(&mut self, row: Vec<Cell>) -> impl Future<Output = std::io::Result<()>> + Send;
}

/// The catalog queries of each backend: the tables, then a table's columns
/// with their declared types, in order.
pub(super) fn catalog(backend: &Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite { .. } => (
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'
             order by name",
            "select name, type from pragma_table_info($1) order by cid",
        ),
        Backend::Postgres(_) => (
            "select tablename::text from pg_tables where schemaname = current_schema()
             order by tablename",
            "select column_name::text, data_type::text from information_schema.columns
             where table_schema = current_schema() and table_name = $1 order by ordinal_position",
        ),
    }
}

impl Store {
    /// Hands every table's rows to `visitor` as of one moment: on SQLite one
    /// read transaction (WAL keeps its snapshot while writers go on), on
    /// PostgreSQL one repeatable-read, read-only transaction. Writes made
    /// meanwhile are not waited for and not seen. Returns the schema's
    /// migrations as of the same moment (a node upgrading meanwhile does
    /// not make them disagree with the rows).
    pub async fn snapshot(&self, visitor: &mut impl SnapshotVisitor) -> Result<Vec<i64>> {
        let (tables_sql, columns_sql) = catalog(&self.backend);
        let begin = match self.backend {
            Backend::Sqlite { .. } => "begin",
            Backend::Postgres(_) => "begin isolation level repeatable read, read only",
        };
        read!(self, |conn| {
            let mut tx = sqlx::Connection::begin_with(&mut *conn, begin).await?;
            let migrations: Vec<i64> = sqlx::query_scalar(APPLIED_MIGRATIONS)
                .fetch_all(&mut *tx)
                .await?;
            let tables: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(&mut *tx).await?;
            for table in tables
                .iter()
                .filter(|t| !SKIPPED_TABLES.contains(&t.as_str()))
            {
                let columns: Vec<(String, String)> = sqlx::query_as(columns_sql)
                    .bind(table)
                    .fetch_all(&mut *tx)
                    .await?;
                let names: Vec<String> = columns.into_iter().map(|(name, _)| name).collect();
                visitor.table(table, &names).await.map_err(StoreError::Io)?;
                let select = format!("select * from \"{table}\"");
                let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await? {
                    visitor.row(row.cells()?).await.map_err(StoreError::Io)?;
                }
            }
            tx.rollback().await?;
            Ok::<_, StoreError>(migrations)
        })
    }
}

/// A row's values as cells.
trait Cells {
    fn cells(&self) -> Result<Vec<Cell>>;
}

impl Cells for SqliteRow {
    fn cells(&self) -> Result<Vec<Cell>> {
        (0..self.len())
            .map(|i| {
                let raw = self.try_get_raw(i)?;
                if raw.is_null() {
                    return Ok(Cell::Null);
                }
                // A value's own storage class, whatever the column declares.
                let class = raw.type_info().name().to_owned();
                Ok(match class.as_str() {
                    "INTEGER" => Cell::Int(self.try_get(i)?),
                    "REAL" => Cell::Real(self.try_get(i)?),
                    "TEXT" => Cell::Text(self.try_get(i)?),
                    "BLOB" => Cell::Bytes {
                        hex: hex(&self.try_get::<Vec<u8>, _>(i)?),
                    },
                    other => {
                        return Err(StoreError::Corrupt(format!(
                            "a value of SQLite storage class {other}"
                        )));
                    }
                })
            })
            .collect()
    }
}

impl Cells for PgRow {
    fn cells(&self) -> Result<Vec<Cell>> {
        (0..self.len())
            .map(|i| {
                let raw = self.try_get_raw(i)?;
                if raw.is_null() {
                    return Ok(Cell::Null);
                }
                let kind = raw.type_info().name().to_owned();
                Ok(match kind.as_str() {
                    "INT8" => Cell::Int(self.try_get(i)?),
                    "INT4" => Cell::Int(self.try_get::<i32, _>(i)?.into()),
                    "INT2" => Cell::Int(self.try_get::<i16, _>(i)?.into()),
                    "BOOL" => Cell::Bool(self.try_get(i)?),
                    "FLOAT8" => Cell::Real(self.try_get(i)?),
                    "FLOAT4" => Cell::Real(self.try_get::<f32, _>(i)?.into()),
                    "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Cell::Text(self.try_get(i)?),
                    "BYTEA" => Cell::Bytes {
                        hex: hex(&self.try_get::<Vec<u8>, _>(i)?),
                    },
                    other => {
                        return Err(StoreError::Corrupt(format!(
                            "a PostgreSQL column of type {other}"
                        )));
                    }
                })
            })
            .collect()
    }
}
