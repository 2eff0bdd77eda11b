//! The breaking-news strip over every reader page: a headline and a link
//! an editor puts up until a set time. Putting it up, taking it down and
//! its end are changes in the log that purge every page; the end is a job
//! at that time, so the strip goes by itself.

use dateline_core::UserId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    ChangeKind, Entity, Result, Store, articles::editorial::INSERT_AUDIT, changes::append_change,
    jobs::enqueue_in, read, rows::instant, write_tx,
};

/// The strip as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breaking {
    pub id: i64,
    pub headline: String,
    /// A full address or a path on the site.
    pub url: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// The job that takes the strip `id` down at its end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BreakingEnds {
    pub id: i64,
}

impl crate::JobKind for BreakingEnds {
    const KIND: &'static str = "breaking_ends";
    const MAX_ATTEMPTS: i64 = 10;
}

const CURRENT: &str = "select id, headline, url, starts_at, ends_at from breaking_news \
     where starts_at <= $1 and ends_at > $1 order by id desc limit 1";
const INSERT: &str = "insert into breaking_news (headline, url, starts_at, ends_at, user_id) \
     values ($1, $2, $3, $4, $5) returning id";
const END_NOW: &str =
    "update breaking_news set ends_at = $1 where starts_at <= $1 and ends_at > $1 returning id";

impl Store {
    /// The strip in force at `now`, if any.
    pub async fn breaking_news(&self, now: Timestamp) -> Result<Option<Breaking>> {
        let row: Option<(i64, String, String, i64, i64)> = read!(self, |conn| {
            sqlx::query_as(CURRENT)
                .bind(now.as_microsecond())
                .fetch_optional(&mut *conn)
                .await
        })?;
        row.map(|(id, headline, url, starts_at, ends_at)| {
            Ok(Breaking {
                id,
                headline,
                url,
                starts_at: instant(starts_at)?,
                ends_at: instant(ends_at)?,
            })
        })
        .transpose()
    }

    /// Puts the strip up from `now` until `ends_at` (the caller checked
    /// its words and address); one in force replaces another.
    pub async fn start_breaking(
        &self,
        headline: &str,
        url: &str,
        ends_at: Timestamp,
        by: UserId,
        now: Timestamp,
    ) -> Result<i64> {
        write_tx!(self, |tx| {
            let ended: Vec<i64> = sqlx::query_scalar(END_NOW)
                .bind(now.as_microsecond())
                .fetch_all(&mut *tx)
                .await?;
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(headline)
                .bind(url)
                .bind(now.as_microsecond())
                .bind(ends_at.as_microsecond())
                .bind(by.0)
                .fetch_one(&mut *tx)
                .await?;
            for old in ended {
                append_change!(tx, Entity::Breaking, old, ChangeKind::Deleted, now);
            }
            sqlx::query(INSERT_AUDIT)
                .bind(now.as_microsecond())
                .bind(by.0)
                .bind(None::<i64>)
                .bind("breaking news")
                .bind(format!("{headline} ({url}) until {ends_at}"))
                .execute(&mut *tx)
                .await?;
            append_change!(tx, Entity::Breaking, id, ChangeKind::Created, now);
            let job = crate::NewJob::of(
                &BreakingEnds { id },
                ends_at,
                Some(format!("breaking-ends:{id}")),
            );
            enqueue_in!(tx, &job, now);
            Ok(id)
        })
    }

    /// Takes the strip down now; whether one was up.
    pub async fn stop_breaking(&self, by: UserId, now: Timestamp) -> Result<bool> {
        write_tx!(self, |tx| {
            let ended: Vec<i64> = sqlx::query_scalar(END_NOW)
                .bind(now.as_microsecond())
                .fetch_all(&mut *tx)
                .await?;
            for id in &ended {
                sqlx::query(INSERT_AUDIT)
                    .bind(now.as_microsecond())
                    .bind(by.0)
                    .bind(None::<i64>)
                    .bind("breaking news taken down")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                append_change!(tx, Entity::Breaking, *id, ChangeKind::Deleted, now);
            }
            Ok(!ended.is_empty())
        })
    }

    /// Logs the strip's end (its job, at its time): every page drops it.
    pub async fn note_breaking_ended(&self, id: i64, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            append_change!(tx, Entity::Breaking, id, ChangeKind::Deleted, now);
            Ok(())
        })
    }
}
