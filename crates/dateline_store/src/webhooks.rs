//! Webhooks and their delivery log. Deliveries themselves are jobs; what
//! is stored here is each webhook and every attempt made for it.

use jiff::Timestamp;

use crate::{
    Result, Store, StoreError, read,
    rows::{instant, opt_instant},
    write_tx,
};

/// The article events a webhook may ask for.
pub const WEBHOOK_EVENTS: [&str; 3] = ["published", "updated", "unpublished"];

#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub name: String,
    pub url: String,
    pub secret: String,
    /// Some of [`WEBHOOK_EVENTS`].
    pub events: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub events: Vec<String>,
    pub created_at: Timestamp,
    /// The newest attempt's time and whether it delivered.
    pub last_attempt_at: Option<Timestamp>,
    pub last_delivered: Option<bool>,
}

impl Webhook {
    pub fn wants(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == event)
    }
}

/// One try at delivering one event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WebhookAttempt {
    pub change_seq: i64,
    pub event: String,
    pub article_id: i64,
    /// 1 for the first try.
    pub attempt: i64,
    pub at: Timestamp,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl WebhookAttempt {
    /// Whether the receiver took the event (a 2xx answer).
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

#[derive(sqlx::FromRow)]
struct WebhookRow {
    id: i64,
    name: String,
    url: String,
    secret: String,
    events: String,
    created_at: i64,
    last_at: Option<i64>,
    last_status: Option<i64>,
}

impl TryFrom<WebhookRow> for Webhook {
    type Error = StoreError;
    fn try_from(r: WebhookRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            name: r.name,
            url: r.url,
            secret: r.secret,
            events: r.events.split_whitespace().map(str::to_owned).collect(),
            created_at: instant(r.created_at)?,
            last_attempt_at: opt_instant(r.last_at)?,
            last_delivered: r
                .last_at
                .map(|_| r.last_status.is_some_and(|s| (200..300).contains(&s))),
        })
    }
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    change_seq: i64,
    event: String,
    article_id: i64,
    attempt: i64,
    at: i64,
    status: Option<i64>,
    error: Option<String>,
    duration_ms: i64,
}

/// Webhooks with their newest attempt; a literal, for `concat!`.
macro_rules! select_webhooks {
    () => {
        "select w.id, w.name, w.url, w.secret, w.events, w.created_at,
        a.at as last_at, a.status as last_status
    from webhooks w left join webhook_attempts a on a.id =
        (select max(x.id) from webhook_attempts x where x.webhook_id = w.id)"
    };
}

impl Store {
    pub async fn create_webhook(&self, new: &NewWebhook, now: Timestamp) -> Result<i64> {
        const SQL: &str = "insert into webhooks (name, url, secret, events, created_at)
            values ($1, $2, $3, $4, $5) returning id";
        Ok(write_tx!(self, |tx| sqlx::query_scalar(SQL)
            .bind(&new.name)
            .bind(&new.url)
            .bind(&new.secret)
            .bind(new.events.join(" "))
            .bind(now.as_microsecond())
            .fetch_one(&mut *tx)
            .await?))
    }

    /// Every webhook, oldest first, with its newest attempt.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        const SQL: &str = concat!(select_webhooks!(), " order by w.id");
        let rows: Vec<WebhookRow> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        rows.into_iter().map(Webhook::try_from).collect()
    }

    pub async fn webhook(&self, id: i64) -> Result<Option<Webhook>> {
        const SQL: &str = concat!(select_webhooks!(), " where w.id = $1");
        let row: Option<WebhookRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(Webhook::try_from).transpose()
    }

    /// Deletes a webhook and its log; its pending deliveries find it gone
    /// and are dropped.
    pub async fn delete_webhook(&self, id: i64) -> Result<()> {
        let deleted = write_tx!(self, |tx| sqlx::query("delete from webhooks where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Adds an attempt to webhook `id`'s log.
    pub async fn record_webhook_attempt(&self, id: i64, attempt: &WebhookAttempt) -> Result<()> {
        const SQL: &str = "insert into webhook_attempts
            (webhook_id, change_seq, event, article_id, attempt, at, status, error, duration_ms)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(id)
                .bind(attempt.change_seq)
                .bind(&attempt.event)
                .bind(attempt.article_id)
                .bind(attempt.attempt)
                .bind(attempt.at.as_microsecond())
                .bind(attempt.status)
                .bind(&attempt.error)
                .bind(attempt.duration_ms)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Webhook `id`'s newest `limit` attempts, newest first.
    pub async fn webhook_attempts(&self, id: i64, limit: i64) -> Result<Vec<WebhookAttempt>> {
        const SQL: &str = "select change_seq, event, article_id, attempt, at, status, error,
                duration_ms
            from webhook_attempts where webhook_id = $1 order by id desc limit $2";
        let rows: Vec<AttemptRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|r| {
                Ok(WebhookAttempt {
                    change_seq: r.change_seq,
                    event: r.event,
                    article_id: r.article_id,
                    attempt: r.attempt,
                    at: instant(r.at)?,
                    status: r.status,
                    error: r.error,
                    duration_ms: r.duration_ms,
                })
            })
            .collect()
    }
}
