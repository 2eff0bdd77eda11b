//! The change log: an ordered, gapless record of reader-visible writes.
//!
//! Page caches, the search index, live updates and other nodes consume it by
//! reading `changes_since(last_seq_they_applied)`. Sequence numbers are handed
//! out by the single row of `change_log_head`; the row lock taken by that
//! `update` is held until commit, so numbers follow commit order and a rolled
//! back write returns its number. A consumer therefore never sees seq `n + 1`
//! before `n`, and never waits for a number that will not come.

use jiff::Timestamp;

use crate::{NewJob, Result, Store, StoreError, read, rows::instant, write_tx};

/// What kind of thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Article,
    Section,
    Page,
    Source,
    Person,
    Topic,
    Tag,
    Media,
    /// An entry of a live blog (its id is the entry's).
    LiveEntry,
    /// A front page's arrangement (0: the home page, else the section's id).
    Front,
    /// The breaking-news strip over every page.
    Breaking,
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Updated,
    Published,
    Unpublished,
    Deleted,
}

macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

names!(Entity {
    Article => "article",
    Section => "section",
    Page => "page",
    Source => "source",
    Person => "person",
    Topic => "topic",
    Tag => "tag",
    Media => "media",
    LiveEntry => "live_entry",
    Front => "front",
    Breaking => "breaking",
});
names!(ChangeKind {
    Created => "created",
    Updated => "updated",
    Published => "published",
    Unpublished => "unpublished",
    Deleted => "deleted",
});

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub seq: i64,
    pub entity: Entity,
    pub entity_id: i64,
    pub kind: ChangeKind,
    pub at: Timestamp,
}

pub(crate) const NEXT_SEQ: &str =
    "update change_log_head set last_seq = last_seq + 1 where id = 1 returning last_seq";
pub(crate) const INSERT: &str =
    "insert into change_log (seq, entity, entity_id, kind, at) values ($1, $2, $3, $4, $5)";

/// Appends a change inside the transaction `$tx`; evaluates to its sequence.
macro_rules! append_change {
    ($tx:expr, $entity:expr, $id:expr, $kind:expr, $at:expr) => {{
        let seq: i64 = sqlx::query_scalar($crate::changes::NEXT_SEQ)
            .fetch_one(&mut *$tx)
            .await?;
        sqlx::query($crate::changes::INSERT)
            .bind(seq)
            .bind($crate::changes::Entity::as_str($entity))
            // An i64 whatever the caller wrote: a bare `0` would go to
            // PostgreSQL as a 4-byte integer for an 8-byte column.
            .bind::<i64>($id)
            .bind($crate::changes::ChangeKind::as_str($kind))
            .bind($at.as_microsecond())
            .execute(&mut *$tx)
            .await?;
        seq
    }};
}
pub(crate) use append_change;

#[derive(sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    entity: String,
    entity_id: i64,
    kind: String,
    at: i64,
}

impl TryFrom<ChangeRow> for Change {
    type Error = StoreError;

    fn try_from(r: ChangeRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("change {}: unknown {what}", r.seq));
        Ok(Change {
            seq: r.seq,
            entity: Entity::parse(&r.entity).ok_or_else(|| corrupt("entity"))?,
            entity_id: r.entity_id,
            kind: ChangeKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
            at: instant(r.at)?,
        })
    }
}

impl Store {
    /// Changes after `after_seq`, oldest first, at most `limit`.
    pub async fn changes_since(&self, after_seq: i64, limit: i64) -> Result<Vec<Change>> {
        const SQL: &str = "select seq, entity, entity_id, kind, at from change_log where seq > $1 order by seq limit $2";
        let rows: Vec<ChangeRow> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&mut *pool)
            .await)?;
        rows.into_iter().map(Change::try_from).collect()
    }

    /// Where the durable consumer `name` stopped: the last sequence it
    /// applied, `None` before its first run.
    pub async fn consumer_position(&self, name: &str) -> Result<Option<i64>> {
        const SQL: &str = "select seq from consumer_positions where name = $1";
        Ok(read!(self, |pool| sqlx::query_scalar(SQL)
            .bind(name)
            .fetch_optional(&mut *pool)
            .await)?)
    }

    /// Records that the consumer `name` has applied the log up to `seq`,
    /// enqueueing the `jobs` that applying it made (those whose idempotency
    /// key exists are skipped), in one transaction: a crash leaves both or
    /// neither. The position never moves back, so nodes running the same
    /// consumer side by side agree on it.
    pub async fn advance_consumer(
        &self,
        name: &str,
        seq: i64,
        jobs: &[NewJob],
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "insert into consumer_positions (name, seq) values ($1, $2)
            on conflict (name) do update set seq = case
                when excluded.seq > consumer_positions.seq then excluded.seq
                else consumer_positions.seq end";
        write_tx!(self, |tx| {
            for job in jobs {
                crate::jobs::enqueue_in!(tx, job, now);
            }
            sqlx::query(SQL)
                .bind(name)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The sequence of the newest change, 0 when there is none.
    pub async fn last_change_seq(&self) -> Result<i64> {
        const SQL: &str = "select last_seq from change_log_head where id = 1";
        Ok(read!(self, |pool| sqlx::query_scalar(SQL)
            .fetch_one(&mut *pool)
            .await)?)
    }
}
