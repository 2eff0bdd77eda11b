//! Subscribers: double opt-in sign-up, confirmation, preferences,
//! unsubscribing, import and export.

use std::time::Duration;

use dateline_core::Email;
use jiff::Timestamp;

use super::{
    ConfirmSubscription, SignUp, Subscriber, SubscriberCounts, SubscriberExport, SubscriberState,
};
use crate::{
    Result, Store,
    jobs::enqueue_in,
    read,
    rows::{instant, micros},
    write_tx,
};

const SUBSCRIBER_BY_ID: &str = "select id, email, state, token from subscribers where id = $1";
const SUBSCRIBER_BY_TOKEN: &str =
    "select id, email, state, token from subscribers where token = $1";

impl Store {
    /// Signs `email` up for `newsletters` (ids). A new or unsubscribed
    /// address becomes pending and gets a confirmation job, as does a
    /// pending one whose last link is older than `resend_after`; a
    /// confirmed one is left as its owner set it. `token` is used only for
    /// a new address.
    pub async fn sign_up(
        &self,
        email: &Email,
        newsletters: &[i64],
        token: &str,
        resend_after: Duration,
        now: Timestamp,
    ) -> Result<SignUp> {
        const INSERT: &str = "insert into subscribers (email, state, token, created_at, updated_at)
            values ($1, 'pending', $2, $3, $3) on conflict (email) do nothing";
        const FIND: &str =
            "select id, state, confirm_requested_at from subscribers where email = $1";
        const REQUEST: &str = "update subscribers set state = $3, confirm_requested_at = $2,
            unsubscribed_at = null, updated_at = $2 where id = $1";
        const SUBSCRIBE: &str =
            "insert into subscriptions (subscriber_id, newsletter_id, created_at)
            values ($1, $2, $3) on conflict do nothing";
        let email = email.as_str().to_lowercase();
        let at = now.as_microsecond();
        Ok(write_tx!(self, |tx| {
            sqlx::query(INSERT)
                .bind(&email)
                .bind(token)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            let (id, state, requested_at): (i64, String, Option<i64>) = sqlx::query_as(FIND)
                .bind(&email)
                .fetch_one(&mut *tx)
                .await?;
            let state = SubscriberState::parse(&state)?;
            // A confirmed reader's choices are theirs: a sign-up by anyone
            // who knows the address changes nothing.
            if state != SubscriberState::Confirmed {
                for newsletter in newsletters {
                    sqlx::query(SUBSCRIBE)
                        .bind(id)
                        .bind(newsletter)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let recent = requested_at.is_some_and(|r| at.saturating_sub(r) < micros(resend_after));
            if recent {
                SignUp::RecentlyMailed
            } else {
                // The job mails a pending reader a confirmation link and a
                // confirmed one a link to their preferences.
                let state = match state {
                    SubscriberState::Confirmed => SubscriberState::Confirmed,
                    SubscriberState::Pending | SubscriberState::Unsubscribed => {
                        SubscriberState::Pending
                    }
                };
                sqlx::query(REQUEST)
                    .bind(id)
                    .bind(at)
                    .bind(state.as_str())
                    .execute(&mut *tx)
                    .await?;
                let key = format!("newsletter_confirm:{id}:{at}");
                let job =
                    crate::NewJob::of(&ConfirmSubscription { subscriber: id }, now, Some(key));
                enqueue_in!(tx, &job, now);
                SignUp::MailQueued
            }
        }))
    }

    /// Records a confirmation link's token (by its hash) for a subscriber.
    pub async fn add_confirmation(
        &self,
        subscriber_id: i64,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> Result<()> {
        const SQL: &str =
            "insert into subscriber_confirmations (token_hash, subscriber_id, expires_at)
            values ($1, $2, $3)";
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(token_hash)
            .bind(subscriber_id)
            .bind(expires_at.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Confirms the subscriber whose link carries the token hashed to
    /// `token_hash`, if that link is live. Every link of theirs is spent.
    pub async fn confirm_subscriber(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<Subscriber>> {
        const FIND: &str = "select subscriber_id from subscriber_confirmations where token_hash = $1 and expires_at > $2";
        const CONFIRM: &str = "update subscribers set state = 'confirmed', confirmed_at = $2,
            updated_at = $2 where id = $1";
        const SPEND: &str = "delete from subscriber_confirmations where subscriber_id = $1";
        let at = now.as_microsecond();
        let id: Option<i64> = write_tx!(self, |tx| {
            let id: Option<i64> = sqlx::query_scalar(FIND)
                .bind(token_hash)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(id) = id {
                sqlx::query(CONFIRM)
                    .bind(id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(SPEND).bind(id).execute(&mut *tx).await?;
            }
            id
        });
        match id {
            Some(id) => self.subscriber(id).await,
            None => Ok(None),
        }
    }

    pub async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>> {
        self.find_subscriber(SUBSCRIBER_BY_ID, SubscriberKey::Id(id))
            .await
    }

    /// The subscriber whose links carry `token`.
    pub async fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>> {
        self.find_subscriber(SUBSCRIBER_BY_TOKEN, SubscriberKey::Token(token))
            .await
    }

    async fn find_subscriber(
        &self,
        sql: &'static str,
        key: SubscriberKey<'_>,
    ) -> Result<Option<Subscriber>> {
        const NEWSLETTERS: &str = "select newsletter_id from subscriptions where subscriber_id = $1 order by newsletter_id";
        const SECTIONS: &str =
            "select s.slug from subscriber_sections x join sections s on s.id = x.section_id
            where x.subscriber_id = $1 order by s.position, s.id";
        type Row = (i64, String, String, String);
        let found: Option<(Row, Vec<i64>, Vec<String>)> = read!(self, |conn| {
            let query = sqlx::query_as::<_, Row>(sql);
            let row = match key {
                SubscriberKey::Id(id) => query.bind(id),
                SubscriberKey::Token(token) => query.bind(token),
            }
            .fetch_optional(&mut *conn)
            .await?;
            match row {
                Some(row) => {
                    let newsletters = sqlx::query_scalar(NEWSLETTERS)
                        .bind(row.0)
                        .fetch_all(&mut *conn)
                        .await?;
                    let sections = sqlx::query_scalar(SECTIONS)
                        .bind(row.0)
                        .fetch_all(&mut *conn)
                        .await?;
                    Ok::<_, sqlx::Error>(Some((row, newsletters, sections)))
                }
                None => Ok(None),
            }
        })?;
        found
            .map(|((id, email, state, token), newsletters, sections)| {
                Ok(Subscriber {
                    id,
                    email,
                    state: SubscriberState::parse(&state)?,
                    token,
                    newsletters,
                    sections,
                })
            })
            .transpose()
    }

    /// Sets what the subscriber with `token` receives: `newsletters` (ids)
    /// and `section_ids` (none: all). No newsletters at all unsubscribes.
    /// `false` when no subscriber has that token.
    pub async fn set_subscriber_preferences(
        &self,
        token: &str,
        newsletters: &[i64],
        section_ids: &[i64],
        now: Timestamp,
    ) -> Result<bool> {
        const FIND: &str = "select id from subscribers where token = $1";
        const CLEAR_NEWSLETTERS: &str = "delete from subscriptions where subscriber_id = $1";
        const CLEAR_SECTIONS: &str = "delete from subscriber_sections where subscriber_id = $1";
        const ADD_NEWSLETTER: &str =
            "insert into subscriptions (subscriber_id, newsletter_id, created_at)
            values ($1, $2, $3) on conflict do nothing";
        const ADD_SECTION: &str = "insert into subscriber_sections (subscriber_id, section_id)
            values ($1, $2) on conflict do nothing";
        const NONE_LEFT: &str =
            "update subscribers set state = 'unsubscribed', unsubscribed_at = $2,
            updated_at = $2 where id = $1";
        let at = now.as_microsecond();
        Ok(write_tx!(self, |tx| {
            let id: Option<i64> = sqlx::query_scalar(FIND)
                .bind(token)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(id) = id {
                sqlx::query(CLEAR_NEWSLETTERS)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(CLEAR_SECTIONS)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for n in newsletters {
                    sqlx::query(ADD_NEWSLETTER)
                        .bind(id)
                        .bind(n)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                for s in section_ids {
                    sqlx::query(ADD_SECTION)
                        .bind(id)
                        .bind(s)
                        .execute(&mut *tx)
                        .await?;
                }
                if newsletters.is_empty() {
                    sqlx::query(NONE_LEFT)
                        .bind(id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            id.is_some()
        }))
    }

    /// Unsubscribes the subscriber with `token` from everything; `false`
    /// when no subscriber has that token.
    pub async fn unsubscribe(&self, token: &str, now: Timestamp) -> Result<bool> {
        const SQL: &str = "update subscribers set state = 'unsubscribed',
            unsubscribed_at = coalesce(unsubscribed_at, $2), updated_at = $2
            where token = $1";
        let changed = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(token)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }

    /// Adds addresses that consented elsewhere (an import from another
    /// platform) as confirmed subscribers of `newsletters`; `tokens` gives
    /// each new address its link token. How many addresses were new.
    pub async fn import_subscribers(
        &self,
        addresses: &[(Email, String)],
        newsletters: &[i64],
        now: Timestamp,
    ) -> Result<u64> {
        const INSERT: &str =
            "insert into subscribers (email, state, token, created_at, confirmed_at, updated_at)
            values ($1, 'confirmed', $2, $3, $3, $3) on conflict (email) do nothing";
        const SUBSCRIBE: &str =
            "insert into subscriptions (subscriber_id, newsletter_id, created_at)
            select id, $2, $3 from subscribers where email = $1 on conflict do nothing";
        let at = now.as_microsecond();
        Ok(write_tx!(self, |tx| {
            let mut added = 0;
            for (email, token) in addresses {
                let email = email.as_str().to_lowercase();
                added += sqlx::query(INSERT)
                    .bind(&email)
                    .bind(token)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                for n in newsletters {
                    sqlx::query(SUBSCRIBE)
                        .bind(&email)
                        .bind(n)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            added
        }))
    }

    /// Subscribers per state for each newsletter.
    pub async fn subscriber_counts(&self) -> Result<Vec<SubscriberCounts>> {
        const SQL: &str = "select u.newsletter_id, s.state, count(*) from subscriptions u
            join subscribers s on s.id = u.subscriber_id group by u.newsletter_id, s.state";
        let rows: Vec<(i64, String, i64)> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        let mut counts: Vec<SubscriberCounts> = Vec::new();
        for (newsletter_id, state, n) in rows {
            let at = match counts.iter().position(|c| c.newsletter_id == newsletter_id) {
                Some(at) => at,
                None => {
                    counts.push(SubscriberCounts {
                        newsletter_id,
                        ..Default::default()
                    });
                    counts.len() - 1
                }
            };
            let entry = &mut counts[at];
            match SubscriberState::parse(&state)? {
                SubscriberState::Pending => entry.pending = n,
                SubscriberState::Confirmed => entry.confirmed = n,
                SubscriberState::Unsubscribed => entry.unsubscribed = n,
            }
        }
        Ok(counts)
    }

    /// Every subscriber, oldest first, for the CSV export.
    pub async fn export_subscribers(&self) -> Result<Vec<SubscriberExport>> {
        const SQL: &str = "select s.id, s.email, s.state, s.created_at, s.confirmed_at, n.slug
            from subscribers s left join subscriptions u on u.subscriber_id = s.id
            left join newsletters n on n.id = u.newsletter_id
            order by s.id, n.position, n.id";
        type Row = (i64, String, String, i64, Option<i64>, Option<String>);
        let rows: Vec<Row> = read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        let mut out: Vec<(i64, SubscriberExport)> = Vec::new();
        for (id, email, state, created_at, confirmed_at, slug) in rows {
            if out.last().is_none_or(|(last, _)| *last != id) {
                out.push((
                    id,
                    SubscriberExport {
                        email,
                        state: SubscriberState::parse(&state)?,
                        created_at: instant(created_at)?,
                        confirmed_at: confirmed_at.map(instant).transpose()?,
                        newsletters: String::new(),
                    },
                ));
            }
            if let (Some(slug), Some((_, row))) = (slug, out.last_mut()) {
                if !row.newsletters.is_empty() {
                    row.newsletters.push(' ');
                }
                row.newsletters.push_str(&slug);
            }
        }
        Ok(out.into_iter().map(|(_, row)| row).collect())
    }
}

enum SubscriberKey<'a> {
    Id(i64),
    Token(&'a str),
}
