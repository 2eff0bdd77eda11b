//! Review: an editor sends a submitted story back to its author with a
//! note, which the author sees in the editor until they submit it again.
//! The note is the audit log's: the article's latest workflow entry, when
//! it is a send-back. A submission also tells reviewers by mail, batched:
//! every submission in one [`REVIEW_MAIL_WINDOW`] shares one job.

use dateline_core::{ArticleId, Invalid, UserId};
use jiff::Timestamp;
use serde::Serialize;

use super::editorial::audit;
use crate::{Result, Store, StoreError, read, rows::instant, write_tx};

/// How long submissions gather before reviewers are mailed about them.
pub const REVIEW_MAIL_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// The job that mails reviewers what waits for them, at the end of the
/// window (`window`: its number since the epoch) a submission fell in.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReviewMail {
    pub window: i64,
}

impl crate::JobKind for ReviewMail {
    const KIND: &'static str = "review_mail";
    const MAX_ATTEMPTS: i64 = 6;
}

impl ReviewMail {
    /// The batch a submission at `now` joins: enqueued once per window.
    pub(crate) fn job_at(now: Timestamp) -> crate::NewJob {
        let length = REVIEW_MAIL_WINDOW.as_micros() as i64;
        let window = now.as_microsecond().div_euclid(length);
        let ends = Timestamp::from_microsecond((window + 1) * length).unwrap_or(now);
        let key = format!("{}:{window}", <Self as crate::JobKind>::KIND);
        crate::NewJob::of(&Self { window }, ends, Some(key))
    }
}

/// The audit log's action for a send-back.
const SENT_BACK: &str = "sent_back";

/// What an editor said sending a story back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewNote {
    pub note: String,
    pub by: Option<String>,
    pub at: Timestamp,
}

impl Store {
    /// Moves a story waiting for review back to draft, with `note` for its
    /// author. Refused (`Invalid`) for a story not waiting for review.
    pub async fn send_back(
        &self,
        id: ArticleId,
        by: UserId,
        note: &str,
        now: Timestamp,
    ) -> Result<()> {
        // Neither status is public: nothing for the change log.
        const UPDATE: &str = "update articles set status = 'draft', updated_at = $2
            where id = $1 and status = 'in_review'";
        write_tx!(self, |tx| {
            let moved = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if moved == 0 {
                return Err(StoreError::Invalid(Invalid::new(
                    "status",
                    "only a story waiting for review can be sent back",
                )));
            }
            audit!(tx, now, Some(by), id, SENT_BACK, note);
        });
        Ok(())
    }

    /// The note of the send-back that is the article's latest move, if it
    /// is one (a new submission, or any other move, retires it).
    pub async fn review_note(&self, id: ArticleId) -> Result<Option<ReviewNote>> {
        const SQL: &str = "select a.action, a.detail, a.at, u.name
            from audit_log a left join users u on u.id = a.user_id
            where a.article_id = $1 and a.action in
                ('sent_back', 'draft', 'in_review', 'scheduled', 'published', 'unpublished')
            order by a.id desc limit 1";
        let row: Option<(String, String, i64, Option<String>)> =
            read!(self, |conn| sqlx::query_as(SQL)
                .bind(id.0)
                .fetch_optional(&mut *conn)
                .await)?;
        match row {
            Some((action, note, at, by)) if action == SENT_BACK => Ok(Some(ReviewNote {
                note,
                by,
                at: instant(at)?,
            })),
            _ => Ok(None),
        }
    }
}
