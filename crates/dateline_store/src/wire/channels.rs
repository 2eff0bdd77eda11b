//! How a source's copy arrives besides the command line and watched
//! folders: pushed over HTTP with the source's token (the store keeps its
//! SHA-256), or a feed polled every so many minutes with conditional GETs.
//!
//! A feed is claimed by setting its checked time in one conditional
//! update, so with several nodes each due feed is fetched by one of them.

use dateline_core::SourceId;
use jiff::Timestamp;

use crate::{Result, Store, StoreError, read, rows::opt_instant, write_tx};

/// A source's intake channels, as the admin shows them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WireChannels {
    /// Whether a push token is set (its secret was shown once).
    pub push_token: bool,
    pub feed: Option<WireFeed>,
}

/// A polled feed and what it last answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WireFeed {
    pub url: String,
    pub minutes: i64,
    pub checked_at: Option<Timestamp>,
    /// One line: "200: ingested 3 items (3 new)", "304: not modified", …
    pub status: Option<String>,
}

/// A feed due for a fetch, with the validators of its last answer.
#[derive(Debug, Clone)]
pub struct DueFeed {
    pub source: SourceId,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch came to; validators are kept only from a successful answer.
#[derive(Debug, Clone)]
pub struct FeedAnswer {
    pub status: String,
    /// `Some`: replace the validators (a `200`); `None`: keep them.
    pub validators: Option<(Option<String>, Option<String>)>,
}

const MICROS_PER_MINUTE: i64 = 60_000_000;

impl Store {
    pub async fn wire_channels(&self, source: SourceId) -> Result<WireChannels> {
        const SQL: &str = "select push_token_hash is not null, feed_url, poll_minutes,
            feed_checked_at, feed_status from sources where id = $1";
        type Row = (
            bool,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        let row: Option<Row> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(source.0)
            .fetch_optional(&mut *conn)
            .await)?;
        let (push_token, url, minutes, checked_at, status) = row.ok_or(StoreError::NotFound)?;
        let feed = match (url, minutes) {
            (Some(url), Some(minutes)) => Some(WireFeed {
                url,
                minutes,
                checked_at: opt_instant(checked_at)?,
                status,
            }),
            _ => None,
        };
        Ok(WireChannels { push_token, feed })
    }

    /// Sets (`Some(hash)`) or revokes (`None`) the source's push token.
    pub async fn set_wire_push_token(&self, source: SourceId, hash: Option<&str>) -> Result<()> {
        const SQL: &str = "update sources set push_token_hash = $2 where id = $1";
        let updated = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(source.0)
            .bind(hash)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        found(updated)
    }

    /// The source with slug `slug` whose push token has this hash.
    pub async fn wire_push_source(&self, slug: &str, hash: &str) -> Result<Option<SourceId>> {
        const SQL: &str = "select id from sources where slug = $1 and push_token_hash = $2";
        let id: Option<i64> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(slug)
            .bind(hash)
            .fetch_optional(&mut *conn)
            .await)?;
        Ok(id.map(SourceId))
    }

    /// Polls `url` every `minutes` (`Some`), or stops polling (`None`). A
    /// new address starts afresh: no validators, due at once.
    pub async fn set_wire_feed(&self, source: SourceId, feed: Option<(&str, i64)>) -> Result<()> {
        const SQL: &str = "update sources set poll_minutes = $3,
                feed_etag = case when feed_url = $2 then feed_etag end,
                feed_last_modified = case when feed_url = $2 then feed_last_modified end,
                feed_checked_at = case when feed_url = $2 then feed_checked_at end,
                feed_status = case when feed_url = $2 then feed_status end,
                feed_url = $2
            where id = $1";
        let (url, minutes) = feed.unzip();
        let updated = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(source.0)
            .bind(url)
            .bind(minutes)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        found(updated)
    }

    /// Makes the source's feed due now, whenever it was last fetched.
    pub async fn check_wire_feed_now(&self, source: SourceId) -> Result<()> {
        const SQL: &str = "update sources set feed_checked_at = null where id = $1";
        let updated = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(source.0)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        found(updated)
    }

    /// Claims the feeds due at `now`: each is marked checked at `now` in
    /// the same statement, so no other node claims it until its next turn.
    pub async fn claim_due_wire_feeds(&self, now: Timestamp) -> Result<Vec<DueFeed>> {
        const SQL: &str = "update sources set feed_checked_at = $1
            where feed_url is not null and poll_minutes is not null
                and (feed_checked_at is null or feed_checked_at + poll_minutes * $2 <= $1)
            returning id, feed_url, feed_etag, feed_last_modified";
        let rows: Vec<(i64, String, Option<String>, Option<String>)> =
            write_tx!(self, |tx| sqlx::query_as(SQL)
                .bind(now.as_microsecond())
                .bind(MICROS_PER_MINUTE)
                .fetch_all(&mut *tx)
                .await?);
        Ok(rows
            .into_iter()
            .map(|(id, url, etag, last_modified)| DueFeed {
                source: SourceId(id),
                url,
                etag,
                last_modified,
            })
            .collect())
    }

    /// Notes what the fetch of `feed` came to. An answer for an address
    /// changed meanwhile is dropped.
    pub async fn record_wire_feed_answer(&self, feed: &DueFeed, answer: &FeedAnswer) -> Result<()> {
        const SQL: &str = "update sources set feed_status = $3,
                feed_etag = case when $4 then $5 else feed_etag end,
                feed_last_modified = case when $4 then $6 else feed_last_modified end
            where id = $1 and feed_url = $2";
        let (etag, last_modified) = answer.validators.clone().unzip();
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(feed.source.0)
            .bind(&feed.url)
            .bind(&answer.status)
            .bind(answer.validators.is_some())
            .bind(etag.flatten())
            .bind(last_modified.flatten())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(())
    }
}

fn found(rows: u64) -> Result<()> {
    match rows {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
