//! The scheduler's record of the backups it made, and its job.

use jiff::Timestamp;

use crate::{Result, Store, read, rows::instant, write_tx};

/// A scheduled backup's job: the period it is for (whole periods since
/// the epoch), so every node enqueues the same one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BackupSite {
    pub slot: i64,
}

impl crate::JobKind for BackupSite {
    const KIND: &'static str = "media_backup_site";
    const MAX_ATTEMPTS: i64 = 3;
}

/// One scheduled backup, made or failed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BackupRecord {
    pub slot: i64,
    pub path: String,
    pub byte_size: Option<i64>,
    pub articles: Option<i64>,
    pub error: Option<String>,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
}

impl Store {
    /// Records how the backup for `record.slot` went (a later attempt for
    /// the same period replaces an earlier one's record).
    pub async fn record_backup(&self, record: &BackupRecord) -> Result<()> {
        const SQL: &str = "insert into backups
                (slot, path, byte_size, articles, error, started_at, finished_at)
            values ($1, $2, $3, $4, $5, $6, $7)
            on conflict (slot) do update set path = excluded.path,
                byte_size = excluded.byte_size, articles = excluded.articles,
                error = excluded.error, started_at = excluded.started_at,
                finished_at = excluded.finished_at";
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(record.slot)
            .bind(&record.path)
            .bind(record.byte_size)
            .bind(record.articles)
            .bind(&record.error)
            .bind(record.started_at.as_microsecond())
            .bind(record.finished_at.as_microsecond())
            .execute(&mut *tx)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// The newest scheduled backup's record, and the newest that was made.
    pub async fn latest_backups(&self) -> Result<(Option<BackupRecord>, Option<BackupRecord>)> {
        const NEWEST: &str =
            "select slot, path, byte_size, articles, error, started_at, finished_at
            from backups order by slot desc limit 1";
        const MADE: &str = "select slot, path, byte_size, articles, error, started_at, finished_at
            from backups where error is null order by slot desc limit 1";
        type Row = (
            i64,
            String,
            Option<i64>,
            Option<i64>,
            Option<String>,
            i64,
            i64,
        );
        let (newest, made): (Option<Row>, Option<Row>) = read!(self, |conn| {
            let newest = sqlx::query_as(NEWEST).fetch_optional(&mut *conn).await?;
            let made = sqlx::query_as(MADE).fetch_optional(&mut *conn).await?;
            Ok::<_, sqlx::Error>((newest, made))
        })?;
        let record = |row: Option<Row>| {
            row.map(
                |(slot, path, byte_size, articles, error, started, finished)| {
                    Ok::<_, crate::StoreError>(BackupRecord {
                        slot,
                        path,
                        byte_size,
                        articles,
                        error,
                        started_at: instant(started)?,
                        finished_at: instant(finished)?,
                    })
                },
            )
            .transpose()
        };
        Ok((record(newest)?, record(made)?))
    }
}
