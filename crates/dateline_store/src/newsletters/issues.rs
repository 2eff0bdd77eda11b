//! Issues: what a digest carries, and the issue made once with a delivery
//! for every confirmed subscriber.

use dateline_core::ArticleId;
use jiff::Timestamp;

use super::{Issue, IssueSummary};
use crate::{Result, Store, StoreError, read, rows::instant, write_tx};

impl Store {
    /// The published articles a digest of `newsletter_id` would carry:
    /// first published after `since`, in its sections, newest first.
    pub async fn digest_articles(
        &self,
        newsletter_id: i64,
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<ArticleId>> {
        const SQL: &str = "select id from articles where status = 'published' and first_published_at > $2
            and (not exists (select 1 from newsletter_sections where newsletter_id = $1)
                 or section_id in (select section_id from newsletter_sections where newsletter_id = $1))
            order by first_published_at desc, id desc limit $3";
        let ids: Vec<i64> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(newsletter_id)
            .bind(since.as_microsecond())
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    /// When the newest issue of `newsletter_id` was made.
    pub async fn last_issue_at(&self, newsletter_id: i64) -> Result<Option<Timestamp>> {
        const SQL: &str = "select max(created_at) from newsletter_issues where newsletter_id = $1";
        let at: Option<i64> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(newsletter_id)
            .fetch_one(&mut *conn)
            .await)?;
        at.map(instant).transpose()
    }

    /// Makes the issue `key` of `newsletter_id` and a delivery for each of
    /// its confirmed subscribers, in one transaction; `None` if an issue
    /// with that key exists (it is made once). The issue's id and how many
    /// deliveries it has.
    pub async fn create_issue(
        &self,
        newsletter_id: i64,
        key: &str,
        subject: &str,
        articles: &[ArticleId],
        now: Timestamp,
    ) -> Result<Option<(i64, u64)>> {
        const ISSUE: &str = "insert into newsletter_issues (newsletter_id, issue_key, subject, articles, created_at)
            values ($1, $2, $3, $4, $5) on conflict (issue_key) do nothing returning id";
        const FAN_OUT: &str =
            "insert into newsletter_deliveries (issue_id, subscriber_id, next_attempt_at)
            select $1, s.id, $3 from subscriptions u join subscribers s on s.id = u.subscriber_id
            where u.newsletter_id = $2 and s.state = 'confirmed'";
        let ids: Vec<i64> = articles.iter().map(|a| a.0).collect();
        let list = serde_json::to_string(&ids).expect("a list of integers");
        Ok(write_tx!(self, |tx| {
            let id: Option<i64> = sqlx::query_scalar(ISSUE)
                .bind(newsletter_id)
                .bind(key)
                .bind(subject)
                .bind(&list)
                .bind(now.as_microsecond())
                .fetch_optional(&mut *tx)
                .await?;
            match id {
                Some(id) => {
                    let n = sqlx::query(FAN_OUT)
                        .bind(id)
                        .bind(newsletter_id)
                        .bind(now.as_microsecond())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    Some((id, n))
                }
                None => None,
            }
        }))
    }

    pub async fn issue(&self, id: i64) -> Result<Option<Issue>> {
        const SQL: &str = "select id, newsletter_id, subject, articles, created_at
            from newsletter_issues where id = $1";
        let row: Option<(i64, i64, String, String, i64)> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|(id, newsletter_id, subject, articles, created_at)| {
            let articles: Vec<i64> = serde_json::from_str(&articles)
                .map_err(|e| StoreError::Corrupt(format!("issue {id} articles: {e}")))?;
            Ok(Issue {
                id,
                newsletter_id,
                subject,
                articles: articles.into_iter().map(ArticleId).collect(),
                created_at: instant(created_at)?,
            })
        })
        .transpose()
    }

    /// The newest `limit` issues with their delivery counts.
    pub async fn issue_summaries(&self, limit: i64) -> Result<Vec<IssueSummary>> {
        const SQL: &str = "select i.id, n.name, i.subject, i.created_at, count(d.subscriber_id),
                coalesce(sum(case when d.outcome = 'sent' then 1 else 0 end), 0),
                coalesce(sum(case when d.outcome = 'failed' then 1 else 0 end), 0),
                coalesce(sum(case when d.outcome = 'skipped' then 1 else 0 end), 0)
            from newsletter_issues i join newsletters n on n.id = i.newsletter_id
            left join newsletter_deliveries d on d.issue_id = i.id
            group by i.id, n.name, i.subject, i.created_at
            order by i.created_at desc, i.id desc limit $1";
        type Row = (i64, String, String, i64, i64, i64, i64, i64);
        let rows: Vec<Row> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(
                |(id, newsletter, subject, at, deliveries, sent, failed, skipped)| {
                    Ok(IssueSummary {
                        id,
                        newsletter,
                        subject,
                        created_at: instant(at)?,
                        deliveries,
                        sent,
                        failed,
                        skipped,
                    })
                },
            )
            .collect()
    }
}
