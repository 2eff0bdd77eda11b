//! Deliveries: claimed by a sender with a lease, finished as sent, failed
//! or skipped, retried later.

use std::{collections::HashMap, time::Duration};

use jiff::Timestamp;

use super::{Delivery, Outcome, SubscriberState};
use crate::{Backend, Result, Store, read, rows::micros, write_tx};

impl Store {
    /// When an unsent delivery next becomes claimable after `now` (its
    /// retry comes, or another sender's lease runs out), if any: a sender
    /// with nothing to do sleeps until then.
    pub async fn next_delivery_due(&self, now: Timestamp) -> Result<Option<Timestamp>> {
        const SQL: &str = "select min(case when claimed_until > next_attempt_at
                                           then claimed_until else next_attempt_at end)
            from newsletter_deliveries
            where outcome is null and (next_attempt_at > $1 or claimed_until > $1)";
        let next: Option<i64> = read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(now.as_microsecond())
            .fetch_one(&mut *conn)
            .await)?;
        next.map(crate::rows::instant).transpose()
    }

    /// Claims up to `limit` due deliveries for `lease`: none is claimed by
    /// two senders at once, and one whose sender died is due again once its
    /// lease has run out.
    pub async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        const SQLITE: &str = "update newsletter_deliveries
            set attempts = attempts + 1, claimed_until = $2
            where (issue_id, subscriber_id) in (
                select issue_id, subscriber_id from newsletter_deliveries
                where outcome is null and next_attempt_at <= $1
                  and (claimed_until is null or claimed_until <= $1)
                order by next_attempt_at, issue_id, subscriber_id limit $3)
            returning issue_id, subscriber_id, attempts";
        const POSTGRES: &str = "update newsletter_deliveries
            set attempts = attempts + 1, claimed_until = $2
            where (issue_id, subscriber_id) in (
                select issue_id, subscriber_id from newsletter_deliveries
                where outcome is null and next_attempt_at <= $1
                  and (claimed_until is null or claimed_until <= $1)
                order by next_attempt_at, issue_id, subscriber_id limit $3
                for update skip locked)
            returning issue_id, subscriber_id, attempts";
        let sql = match self.backend {
            Backend::Sqlite { .. } => SQLITE,
            Backend::Postgres(_) => POSTGRES,
        };
        let at = now.as_microsecond();
        let mut claimed: Vec<(i64, i64, i64)> = write_tx!(self, |tx| sqlx::query_as(sql)
            .bind(at)
            .bind(at.saturating_add(micros(lease)))
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?);
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        claimed.sort_unstable();
        let mut ids: Vec<i64> = claimed.iter().map(|c| c.1).collect();
        ids.sort_unstable();
        ids.dedup();
        // Read after the claim, outside the write lock: the batch's
        // subscribers in one query and their sections in another.
        type Who = (i64, String, String, String);
        let (who, sections): (Vec<Who>, Vec<(i64, String)>) = read!(self, |conn| {
            let who = among(
                "select id, email, token, state from subscribers where id in (",
                &ids,
            )
            .build_query_as()
            .fetch_all(&mut *conn)
            .await?;
            let sections = among(
                "select x.subscriber_id, s.slug from subscriber_sections x
                    join sections s on s.id = x.section_id where x.subscriber_id in (",
                &ids,
            )
            .build_query_as()
            .fetch_all(&mut *conn)
            .await?;
            Ok::<_, sqlx::Error>((who, sections))
        })?;
        let who: HashMap<i64, (String, String, String)> = who
            .into_iter()
            .map(|(id, email, token, state)| (id, (email, token, state)))
            .collect();
        let mut chosen: HashMap<i64, Vec<String>> = HashMap::new();
        for (subscriber_id, slug) in sections {
            chosen.entry(subscriber_id).or_default().push(slug);
        }
        Ok(claimed
            .into_iter()
            // Gone since the claim (a deleted account): so is the delivery.
            .filter_map(|(issue_id, subscriber_id, attempts)| {
                let (email, token, state) = who.get(&subscriber_id)?.clone();
                Some(Delivery {
                    issue_id,
                    subscriber_id,
                    email,
                    token,
                    sections: chosen.get(&subscriber_id).cloned().unwrap_or_default(),
                    confirmed: state == SubscriberState::Confirmed.as_str(),
                    attempts,
                })
            })
            .collect())
    }

    /// Ends a delivery. Only the claim's holder finishes it: a delivery
    /// already finished (by a sender whose lease had run out) stays as it was.
    pub async fn finish_delivery(
        &self,
        delivery: &Delivery,
        outcome: Outcome,
        error: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str =
            "update newsletter_deliveries set outcome = $3, error = $4, finished_at = $5,
            claimed_until = null where issue_id = $1 and subscriber_id = $2 and outcome is null";
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(delivery.issue_id)
            .bind(delivery.subscriber_id)
            .bind(outcome.as_str())
            .bind(error)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Puts a delivery back to be tried again at `at`.
    pub async fn retry_delivery(
        &self,
        delivery: &Delivery,
        error: &str,
        at: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "update newsletter_deliveries set next_attempt_at = $3, error = $4,
            claimed_until = null where issue_id = $1 and subscriber_id = $2 and outcome is null";
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(delivery.issue_id)
            .bind(delivery.subscriber_id)
            .bind(at.as_microsecond())
            .bind(error)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(())
    }

    /// How many deliveries are still to be made (due or claimed).
    pub async fn unfinished_deliveries(&self) -> Result<i64> {
        const SQL: &str = "select count(*) from newsletter_deliveries where outcome is null";
        Ok(read!(self, |conn| sqlx::query_scalar(SQL)
            .fetch_one(&mut *conn)
            .await)?)
    }
}

/// `head` (ending in `in (`) followed by `ids` as bound parameters and `)`.
fn among<DB: sqlx::Database>(head: &str, ids: &[i64]) -> sqlx::QueryBuilder<DB>
where
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    DB::Arguments: Default,
{
    let mut query = sqlx::QueryBuilder::new(head);
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    query.push(")");
    query
}
