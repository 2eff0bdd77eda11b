//! Messages readers send through the Feedback form.

use dateline_core::Email;
use jiff::Timestamp;

use crate::{Result, Store, read, rows::instant, write_tx};

/// A message as the form checked it.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub name: String,
    pub email: Email,
    pub message: String,
    /// Equal for submissions that are the same message sent again; such a
    /// submission is not stored a second time.
    pub dedupe_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Feedback {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub message: String,
    pub created_at: Timestamp,
}

impl Store {
    /// Stores a reader's message; `false` if one with the same key was
    /// stored before (the same message sent twice), which is left as it was.
    pub async fn submit_feedback(&self, new: &NewFeedback, now: Timestamp) -> Result<bool> {
        const SQL: &str = "insert into feedback (name, email, message, dedupe_key, created_at)
            values ($1, $2, $3, $4, $5) on conflict (dedupe_key) do nothing";
        let inserted = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(&new.name)
            .bind(new.email.as_str())
            .bind(&new.message)
            .bind(&new.dedupe_key)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(inserted == 1)
    }

    /// The newest `limit` messages, newest first.
    pub async fn feedback(&self, limit: i64) -> Result<Vec<Feedback>> {
        const SQL: &str = "select id, name, email, message, created_at from feedback
            order by created_at desc, id desc limit $1";
        let rows: Vec<(i64, String, String, String, i64)> =
            read!(self, |pool| sqlx::query_as(SQL)
                .bind(limit)
                .fetch_all(&mut *pool)
                .await)?;
        rows.into_iter()
            .map(|(id, name, email, message, at)| {
                Ok(Feedback {
                    id,
                    name,
                    email,
                    message,
                    created_at: instant(at)?,
                })
            })
            .collect()
    }
}
