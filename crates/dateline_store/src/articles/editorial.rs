//! The newsroom's side of an article: revisions saved with optimistic
//! concurrency, workflow moves with embargoes and scheduling, and the audit
//! log of who did what.

use dateline_core::{ArticleId, ArticleStatus, Invalid, LeadImage, MediaId, UserId};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError,
    changes::append_change,
    jobs::enqueue_in,
    read,
    rows::{instant, opt_instant},
    write_tx,
};

pub(crate) const INSERT_AUDIT: &str =
    "insert into audit_log (at, user_id, article_id, action, detail) values ($1, $2, $3, $4, $5)";

/// The job that publishes a scheduled article at its time (`at`, in
/// microseconds: a job for a time since changed does nothing).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PublishScheduled {
    pub article: i64,
    pub at: i64,
}

impl crate::JobKind for PublishScheduled {
    const KIND: &'static str = "publish_scheduled";
    const MAX_ATTEMPTS: i64 = 10;
}

/// Appends an audit entry inside `$tx`.
macro_rules! audit {
    ($tx:expr, $at:expr, $by:expr, $article:expr, $action:expr, $detail:expr) => {
        sqlx::query(crate::articles::editorial::INSERT_AUDIT)
            .bind($at.as_microsecond())
            .bind($by.map(|u: dateline_core::UserId| u.0))
            .bind($article.0)
            .bind($action)
            .bind($detail)
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use audit;

/// Where an article stands for the newsroom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editorial {
    pub status: ArticleStatus,
    pub revision: i64,
    pub created_by: Option<UserId>,
    pub scheduled_at: Option<Timestamp>,
    pub embargo_until: Option<Timestamp>,
    pub lead_image: Option<LeadImage>,
}

/// One saved version of an article's text.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub article_id: Option<ArticleId>,
    pub action: String,
    pub detail: String,
}

/// Credits `$by` as the editor ("Edited By") of wire story `$id` that has
/// none, through their byline: the one linked to their account, else
/// [`person_named!`]'s (linked from then on).
macro_rules! credit_publisher {
    ($tx:expr, $id:expr, $by:expr, $now:expr) => {{
        const UNCREDITED: &str = "select count(*) from articles
            where id = $1 and wire_item_id is not null and edited_by_id is null";
        const ACCOUNT: &str = "select person_id, name from users where id = $1";
        const LINK: &str = "update users set person_id = $2 where id = $1";
        const CREDIT: &str = "update articles set edited_by_id = $2 where id = $1";
        let uncredited: i64 = sqlx::query_scalar(UNCREDITED)
            .bind($id.0)
            .fetch_one(&mut *$tx)
            .await?;
        if uncredited > 0 {
            let (linked, name): (Option<i64>, String) = sqlx::query_as(ACCOUNT)
                .bind($by.0)
                .fetch_one(&mut *$tx)
                .await?;
            let person = match linked {
                Some(person) => person,
                None => {
                    let person = person_named!($tx, &name, $by.0, $now);
                    sqlx::query(LINK)
                        .bind($by.0)
                        .bind(person)
                        .execute(&mut *$tx)
                        .await?;
                    person
                }
            };
            sqlx::query(CREDIT)
                .bind($id.0)
                .bind(person)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

pub(crate) fn status(s: &str) -> Result<ArticleStatus> {
    ArticleStatus::parse(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn embargoed(until: Timestamp) -> StoreError {
    Invalid::new(
        "embargo",
        format!("the article is under embargo until {until}; it cannot be published before then"),
    )
    .into()
}

impl Store {
    pub async fn editorial(&self, id: ArticleId) -> Result<Option<Editorial>> {
        const SQL: &str = "select status, revision, created_by, scheduled_at, embargo_until,
                lead_media_id, lead_caption, lead_credit
            from articles where id = $1";
        type Row = (
            String,
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(
            |(s, revision, created_by, scheduled_at, embargo_until, media, caption, credit)| {
                Ok(Editorial {
                    status: status(&s)?,
                    revision,
                    created_by: created_by.map(UserId),
                    scheduled_at: opt_instant(scheduled_at)?,
                    embargo_until: opt_instant(embargo_until)?,
                    lead_image: media.map(|m| LeadImage {
                        media: MediaId(m),
                        caption,
                        credit,
                    }),
                })
            },
        )
        .transpose()
    }

    /// Moves an article along the workflow on behalf of `by` (`None`: the
    /// system). Publishing is refused before the article's embargo ends.
    /// Leaving "scheduled" forgets the schedule; its job then finds nothing
    /// to do.
    pub async fn move_article(
        &self,
        id: ArticleId,
        next: ArticleStatus,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<()> {
        const CURRENT: &str = "select status, embargo_until from articles where id = $1";
        const UPDATE: &str =
            "update articles set status = $2, updated_at = $3, scheduled_at = null,
            scheduled_by_id = null,
            first_published_at = case when $2 = 'published' then coalesce(first_published_at, $3)
                                      else first_published_at end
            where id = $1";
        write_tx!(self, |tx| {
            let (current, embargo): (String, Option<i64>) = sqlx::query_as(CURRENT)
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
            let current = status(&current)?;
            current.transition(next)?;
            if let Some(until) = opt_instant(embargo)?
                && next.is_public()
                && now < until
            {
                return Err(embargoed(until));
            }
            sqlx::query(UPDATE)
                .bind(id.0)
                .bind(next.as_str())
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?;
            if next == ArticleStatus::Published
                && let Some(by) = by
            {
                credit_publisher!(tx, id, by, now);
            }
            audit!(tx, now, by, id, next.as_str(), String::new());
            if next == ArticleStatus::InReview {
                enqueue_in!(tx, &super::review::ReviewMail::job_at(now), now);
            }
            match (current.is_public(), next.is_public()) {
                (false, true) => {
                    append_change!(tx, Entity::Article, id.0, ChangeKind::Published, now);
                }
                (true, false) => {
                    append_change!(tx, Entity::Article, id.0, ChangeKind::Unpublished, now);
                }
                _ => {}
            }
        });
        Ok(())
    }

    /// Schedules an article to be published at `at`, by a job enqueued in
    /// the same transaction (so a schedule never exists without its job).
    pub async fn schedule_article(
        &self,
        id: ArticleId,
        at: Timestamp,
        by: UserId,
        now: Timestamp,
    ) -> Result<()> {
        const CURRENT: &str = "select status, embargo_until from articles where id = $1";
        const UPDATE: &str =
            "update articles set status = 'scheduled', scheduled_at = $2, updated_at = $3,
                scheduled_by_id = $4
            where id = $1";
        write_tx!(self, |tx| {
            let (current, embargo): (String, Option<i64>) = sqlx::query_as(CURRENT)
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
            let current = status(&current)?;
            // Rescheduling a scheduled article is allowed; the old job then
            // finds a different time and does nothing.
            if current != ArticleStatus::Scheduled {
                current.transition(ArticleStatus::Scheduled)?;
            }
            if let Some(until) = opt_instant(embargo)?
                && at < until
            {
                return Err(embargoed(until));
            }
            sqlx::query(UPDATE)
                .bind(id.0)
                .bind(at.as_microsecond())
                .bind(now.as_microsecond())
                .bind(by.0)
                .execute(&mut *tx)
                .await?;
            let scheduled = PublishScheduled {
                article: id.0,
                at: at.as_microsecond(),
            };
            let key = format!("publish_scheduled:{}:{}", id.0, scheduled.at);
            let job = crate::NewJob::of(&scheduled, at, Some(key));
            enqueue_in!(tx, &job, now);
            audit!(tx, now, Some(by), id, "scheduled", at.to_string());
        });
        Ok(())
    }

    /// Publishes a scheduled article if it is still scheduled for `at`;
    /// `false` if it is not (published already, unscheduled, moved to
    /// another time). Safe to run any number of times: the check and the
    /// move are one statement.
    pub async fn publish_scheduled(
        &self,
        id: ArticleId,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<bool> {
        const UPDATE: &str = "update articles set status = 'published', updated_at = $3,
                scheduled_at = null, first_published_at = coalesce(first_published_at, $3)
            where id = $1 and status = 'scheduled' and scheduled_at = $2
              and (embargo_until is null or embargo_until <= $3)
            returning scheduled_by_id";
        write_tx!(self, |tx| {
            let published: Option<Option<i64>> = sqlx::query_scalar(UPDATE)
                .bind(id.0)
                .bind(at.as_microsecond())
                .bind(now.as_microsecond())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(scheduled_by) = published else {
                return Ok(false);
            };
            // Who scheduled it publishes it (articles scheduled before this
            // was kept name nobody).
            if let Some(by) = scheduled_by.map(UserId) {
                credit_publisher!(tx, id, by, now);
            }
            audit!(
                tx,
                now,
                None::<UserId>,
                id,
                "published",
                "on schedule".to_owned()
            );
            append_change!(tx, Entity::Article, id.0, ChangeKind::Published, now);
            Ok(true)
        })
    }

    /// Sets or removes the article's lead image (caption and credit as
    /// used here; `None` falls back to the media item's own).
    pub async fn set_lead_image(
        &self,
        id: ArticleId,
        image: Option<&LeadImage>,
        by: UserId,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "update articles set lead_media_id = $2, lead_caption = $3,
            lead_credit = $4, updated_at = $5 where id = $1 returning status";
        write_tx!(self, |tx| {
            let current: Option<String> = sqlx::query_scalar(SQL)
                .bind(id.0)
                .bind(image.map(|i| i.media.0))
                .bind(image.and_then(|i| i.caption.as_deref()))
                .bind(image.and_then(|i| i.credit.as_deref()))
                .bind(now.as_microsecond())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(current) = current else {
                return Err(StoreError::NotFound);
            };
            let detail =
                image.map_or_else(|| "removed".to_owned(), |i| format!("media {}", i.media.0));
            audit!(tx, now, Some(by), id, "lead image", detail);
            if status(&current)?.is_public() {
                append_change!(tx, Entity::Article, id.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }

    /// Sets or lifts the article's embargo.
    pub async fn set_embargo(
        &self,
        id: ArticleId,
        until: Option<Timestamp>,
        by: UserId,
        now: Timestamp,
    ) -> Result<()> {
        // A schedule earlier than the embargo would never fire: refused.
        const SQL: &str = "update articles set embargo_until = $2
            where id = $1 and ($2 is null or status <> 'scheduled' or scheduled_at >= $2)";
        const EXISTS: &str = "select count(*) from articles where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(SQL)
                .bind(id.0)
                .bind(until.map(|t| t.as_microsecond()))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                let exists: i64 = sqlx::query_scalar(EXISTS)
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(if exists == 0 {
                    StoreError::NotFound
                } else {
                    Invalid::new(
                        "embargo",
                        "the article is scheduled before this embargo ends; reschedule it first",
                    )
                    .into()
                });
            }
            let detail = until.map_or_else(|| "lifted".to_owned(), |t| t.to_string());
            audit!(tx, now, Some(by), id, "embargo", detail);
        });
        Ok(())
    }

    /// The newest `limit` audit entries, of one article or of all.
    pub async fn audit_log(
        &self,
        article: Option<ArticleId>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        const SQL: &str = "select a.at, a.user_id, u.name, a.article_id, a.action, a.detail
            from audit_log a left join users u on u.id = a.user_id
            where $1 = 0 or a.article_id = $1
            order by a.id desc limit $2";
        type Row = (
            i64,
            Option<i64>,
            Option<String>,
            Option<i64>,
            String,
            String,
        );
        let rows: Vec<Row> = read!(self, |conn| sqlx::query_as(SQL)
            // Ids start at 1: 0 stands for every article.
            .bind(article.map_or(0, |a| a.0))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|(at, user_id, user_name, article_id, action, detail)| {
                Ok(AuditEntry {
                    at: instant(at)?,
                    user_id: user_id.map(UserId),
                    user_name,
                    article_id: article_id.map(ArticleId),
                    action,
                    detail,
                })
            })
            .collect()
    }
}
