//! Saving an article: its text, details and lead picture as the next
//! revision, checked against the revision the editor loaded (optimistic
//! concurrency), with what the details were recorded on the revision; and
//! reading the revisions back.

use dateline_core::{ArticleDetails, ArticleId, LeadImage, UserId};
use jiff::Timestamp;

use super::{
    details::{load_details, write_details},
    editorial::{audit, status},
    snapshot::{DetailsSnapshot, record_details},
    write::ArticleText,
};
use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, rows::instant,
    write_tx,
};

pub(crate) const INSERT_REVISION: &str = "insert into article_revisions
    (article_id, number, user_id, created_at, headline, standfirst, body_markdown)
    values ($1, $2, $3, $4, $5, $6, $7)";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    pub number: i64,
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub created_at: Timestamp,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    /// The details as this revision left them; `None` for revisions saved
    /// before they were recorded.
    pub details: Option<DetailsSnapshot>,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    number: i64,
    user_id: Option<i64>,
    user_name: Option<String>,
    created_at: i64,
    headline: String,
    standfirst: String,
    body_markdown: String,
    details: Option<String>,
}

impl TryFrom<RevisionRow> for Revision {
    type Error = StoreError;
    fn try_from(r: RevisionRow) -> Result<Self> {
        let details = r
            .details
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("revision {} details: {e}", r.number)))?;
        Ok(Revision {
            number: r.number,
            user_id: r.user_id.map(UserId),
            user_name: r.user_name,
            created_at: instant(r.created_at)?,
            headline: r.headline,
            standfirst: r.standfirst,
            body_markdown: r.body_markdown,
            details,
        })
    }
}

/// What one save changes: the text always; the details and the lead
/// picture if given (`lead_image: Some(None)` removes it).
#[derive(Debug, Clone, Copy)]
pub struct ArticleSave<'a> {
    pub text: &'a ArticleText,
    pub details: Option<&'a ArticleDetails>,
    pub lead_image: Option<Option<&'a LeadImage>>,
}

impl Store {
    /// Saves new text as the next revision, if the article is still at
    /// `base_revision`; otherwise [`StoreError::StaleRevision`] and nothing
    /// changes. Returns the new revision number.
    pub async fn save_article_text(
        &self,
        id: ArticleId,
        text: &ArticleText,
        base_revision: i64,
        by: UserId,
        now: Timestamp,
    ) -> Result<i64> {
        self.save_article(id, text, None, base_revision, by, now)
            .await
    }

    /// [`Store::save_edit`] of text and, if given, details.
    pub async fn save_article(
        &self,
        id: ArticleId,
        text: &ArticleText,
        details: Option<&ArticleDetails>,
        base_revision: i64,
        by: UserId,
        now: Timestamp,
    ) -> Result<i64> {
        let save = ArticleSave {
            text,
            details,
            lead_image: None,
        };
        self.save_edit(id, save, base_revision, by, now).await
    }

    /// Saves an edit as the next revision, if the article is still at
    /// `base_revision`; otherwise [`StoreError::StaleRevision`] and nothing
    /// changes. A section, source, byline, topic, related article or
    /// picture that does not exist is a [`StoreError::Conflict`], and
    /// nothing changes either. Returns the new revision number.
    pub async fn save_edit(
        &self,
        id: ArticleId,
        save: ArticleSave<'_>,
        base_revision: i64,
        by: UserId,
        now: Timestamp,
    ) -> Result<i64> {
        // The revision check and the bump are one statement, so two saves
        // from the same base cannot both pass it on either backend.
        const UPDATE: &str = "update articles set headline = $2, standfirst = $3,
                body_markdown = $4, body_html = $5, updated_at = $6, revision = revision + 1
            where id = $1 and revision = $7 returning revision, status";
        const CURRENT: &str = "select revision from articles where id = $1";
        const LEAD_BEFORE: &str =
            "select lead_media_id, lead_caption, lead_credit from articles where id = $1";
        const LEAD: &str = "update articles set lead_media_id = $2, lead_caption = $3,
            lead_credit = $4 where id = $1";
        let text = save.text;
        write_tx!(self, |tx| {
            let updated: Option<(i64, String)> = sqlx::query_as(UPDATE)
                .bind(id.0)
                .bind(text.headline.as_str())
                .bind(&text.standfirst)
                .bind(text.body.markdown())
                .bind(text.body.html())
                .bind(now.as_microsecond())
                .bind(base_revision)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((revision, current_status)) = updated else {
                let current: Option<i64> = sqlx::query_scalar(CURRENT)
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                return Err(match current {
                    Some(current) => StoreError::StaleRevision { current },
                    None => StoreError::NotFound,
                });
            };
            sqlx::query(INSERT_REVISION)
                .bind(id.0)
                .bind(revision)
                .bind(by.0)
                .bind(now.as_microsecond())
                .bind(text.headline.as_str())
                .bind(&text.standfirst)
                .bind(text.body.markdown())
                .execute(&mut *tx)
                .await?;
            sqlx::query(super::autosave::DISCARD)
                .bind(id.0)
                .bind(by.0)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                now,
                Some(by),
                id,
                "edited",
                format!("revision {revision}")
            );
            if let Some(details) = save.details {
                let before = load_details!(tx, id)?.ok_or(StoreError::NotFound)?;
                write_details!(tx, id, details, now);
                let changed = super::details::changed(details, &before);
                if !changed.is_empty() {
                    audit!(tx, now, Some(by), id, "details", changed);
                }
            }
            if let Some(lead) = save.lead_image {
                let before: (Option<i64>, Option<String>, Option<String>) =
                    sqlx::query_as(LEAD_BEFORE)
                        .bind(id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                let after = (
                    lead.map(|l| l.media.0),
                    lead.and_then(|l| l.caption.clone()),
                    lead.and_then(|l| l.credit.clone()),
                );
                if before != after {
                    sqlx::query(LEAD)
                        .bind(id.0)
                        .bind(after.0)
                        .bind(after.1.as_deref())
                        .bind(after.2.as_deref())
                        .execute(&mut *tx)
                        .await?;
                    let detail = lead
                        .map_or_else(|| "removed".to_owned(), |l| format!("media {}", l.media.0));
                    audit!(tx, now, Some(by), id, "lead image", detail);
                }
            }
            record_details!(tx, id, revision);
            if status(&current_status)?.is_public() {
                append_change!(tx, Entity::Article, id.0, ChangeKind::Updated, now);
            }
            Ok(revision)
        })
    }

    /// The article's current text, as its newest revision.
    pub async fn latest_revision(&self, id: ArticleId) -> Result<Option<Revision>> {
        const SQL: &str = "select r.number, r.user_id, u.name as user_name, r.created_at,
                r.headline, r.standfirst, r.body_markdown, r.details
            from article_revisions r left join users u on u.id = r.user_id
            where r.article_id = $1 order by r.number desc limit 1";
        let row: Option<RevisionRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(Revision::try_from).transpose()
    }

    /// Every revision of an article, newest first.
    pub async fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>> {
        const SQL: &str = "select r.number, r.user_id, u.name as user_name, r.created_at,
                r.headline, r.standfirst, r.body_markdown, r.details
            from article_revisions r left join users u on u.id = r.user_id
            where r.article_id = $1 order by r.number desc";
        let rows: Vec<RevisionRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(Revision::try_from).collect()
    }
}
