//! Front pages as editors arrange them: the home page's and each section's
//! chosen stories, the lead first, each of them pinned until a time or
//! until changed. Every change is a new revision of the whole front (the
//! newest is in force), with an audit entry and a change in the log, so
//! every node's page cache drops the front at once. A pin's end is a job
//! that logs the front's change again at that time: the page, rendered
//! anew, fills the slot with the newest story.

use dateline_core::{ArticleId, Invalid, SectionId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    ChangeKind, Entity, Result, Store, StoreError, articles::editorial::INSERT_AUDIT,
    changes::append_change, jobs::enqueue_in, read, rows::instant, write_tx,
};

/// The most stories a front pins: the lead and the top stories.
pub const FRONT_SLOTS: usize = 8;

/// Which front page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Front {
    Home,
    Section(SectionId),
}

impl Front {
    /// As stored and logged: 0 for the home page, else the section's id.
    pub fn as_i64(self) -> i64 {
        match self {
            Self::Home => 0,
            Self::Section(id) => id.0,
        }
    }

    pub fn from_i64(id: i64) -> Self {
        if id == 0 {
            Self::Home
        } else {
            Self::Section(SectionId(id))
        }
    }
}

/// A chosen story and when its pin ends (`None`: when an editor changes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub article: ArticleId,
    #[serde(with = "micros")]
    pub until: Option<Timestamp>,
}

impl Slot {
    /// Whether the pin holds at `now`.
    pub fn holds_at(&self, now: Timestamp) -> bool {
        self.until.is_none_or(|until| now < until)
    }
}

/// One arrangement of a front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontRevision {
    pub front: Front,
    pub revision: i64,
    pub slots: Vec<Slot>,
    pub at: Timestamp,
    pub by: Option<UserId>,
}

/// The job that ends a pin at its time: the front's change is logged again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrontPinEnds {
    pub front: i64,
}

impl crate::JobKind for FrontPinEnds {
    const KIND: &'static str = "front_pin_ends";
    const MAX_ATTEMPTS: i64 = 10;
}

const NEWEST: &str = "select front, revision, slots, at, user_id from front_revisions \
     where front = $1 order by revision desc limit $2";
const CURRENT_REVISION: &str =
    "select coalesce(max(revision), 0) from front_revisions where front = $1";
const INSERT: &str = "insert into front_revisions (front, revision, slots, at, user_id) \
     values ($1, $2, $3, $4, $5)";
const STATUS: &str = "select status from articles where id = $1";

type Row = (i64, i64, String, i64, Option<i64>);

fn revision(row: Row) -> Result<FrontRevision> {
    let (front, revision, slots, at, by) = row;
    Ok(FrontRevision {
        front: Front::from_i64(front),
        revision,
        slots: serde_json::from_str(&slots)
            .map_err(|e| StoreError::Corrupt(format!("front {front} revision {revision}: {e}")))?,
        at: instant(at)?,
        by: by.map(UserId),
    })
}

impl Store {
    /// The arrangement in force, if editors ever made one.
    pub async fn front(&self, front: Front) -> Result<Option<FrontRevision>> {
        Ok(self.front_history(front, 1).await?.pop())
    }

    /// The front's newest `limit` arrangements, newest first.
    pub async fn front_history(&self, front: Front, limit: i64) -> Result<Vec<FrontRevision>> {
        let rows: Vec<Row> = read!(self, |conn| {
            sqlx::query_as(NEWEST)
                .bind(front.as_i64())
                .bind(limit)
                .fetch_all(&mut *conn)
                .await
        })?;
        rows.into_iter().map(revision).collect()
    }

    /// Saves `slots` as the front's next revision, if `expected` is still
    /// its revision (0 for a front never arranged); every story must be
    /// published. Returns the new revision. `label` names the front in the
    /// audit log; `by` is `None` for the system (an import).
    pub async fn save_front(
        &self,
        front: Front,
        slots: &[Slot],
        expected: i64,
        by: Option<UserId>,
        label: &str,
        now: Timestamp,
    ) -> Result<i64> {
        if slots.len() > FRONT_SLOTS {
            return Err(Invalid::new(
                "stories",
                format!("a front pins at most {FRONT_SLOTS} stories"),
            )
            .into());
        }
        for (i, slot) in slots.iter().enumerate() {
            if slots[..i].iter().any(|s| s.article == slot.article) {
                return Err(Invalid::new(
                    "stories",
                    format!("story {} is chosen twice", slot.article.0),
                )
                .into());
            }
        }
        let body = serde_json::to_string(slots).expect("slots serialise");
        let detail = format!(
            "{label}: {}",
            slots
                .iter()
                .map(|s| s.article.0.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        write_tx!(self, |tx| {
            let current: i64 = sqlx::query_scalar(CURRENT_REVISION)
                .bind(front.as_i64())
                .fetch_one(&mut *tx)
                .await?;
            if current != expected {
                return Err(StoreError::StaleRevision { current });
            }
            for slot in slots {
                let status: Option<String> = sqlx::query_scalar(STATUS)
                    .bind(slot.article.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if status.as_deref() != Some("published") {
                    return Err(Invalid::new(
                        "stories",
                        format!(
                            "story {} is not published: only published stories go on a front",
                            slot.article.0
                        ),
                    )
                    .into());
                }
            }
            let next = current + 1;
            sqlx::query(INSERT)
                .bind(front.as_i64())
                .bind(next)
                .bind(&body)
                .bind(now.as_microsecond())
                .bind(by.map(|u| u.0))
                .execute(&mut *tx)
                .await?;
            sqlx::query(INSERT_AUDIT)
                .bind(now.as_microsecond())
                .bind(by.map(|u| u.0))
                .bind(slots.first().map(|s| s.article.0))
                .bind("front")
                .bind(&detail)
                .execute(&mut *tx)
                .await?;
            append_change!(tx, Entity::Front, front.as_i64(), ChangeKind::Updated, now);
            for slot in slots {
                if let Some(until) = slot.until.filter(|u| *u > now) {
                    let job = crate::NewJob::of(
                        &FrontPinEnds {
                            front: front.as_i64(),
                        },
                        until,
                        Some(format!(
                            "front-pin:{}:{}",
                            front.as_i64(),
                            until.as_microsecond()
                        )),
                    );
                    enqueue_in!(tx, &job, now);
                }
            }
            Ok(next)
        })
    }

    /// Logs the front's change (a pin ended): every node's pages drop it.
    pub async fn note_front_changed(&self, front: Front, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            append_change!(tx, Entity::Front, front.as_i64(), ChangeKind::Updated, now);
            Ok(())
        })
    }
}

/// `Option<Timestamp>` as UTC microseconds or null.
mod micros {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_some(&at.as_microsecond()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        Option::<i64>::deserialize(d)?
            .map(|us| Timestamp::from_microsecond(us).map_err(serde::de::Error::custom))
            .transpose()
    }
}
