//! Newsletters: their definitions, subscribers (double opt-in), issues and
//! the deliveries that carry an issue to each subscriber.
//!
//! A delivery is the unit of sending: one row per (issue, subscriber), made
//! once when the issue is (its primary key is the idempotency key), claimed
//! by a sender with a lease like a job, and finished as sent, failed or
//! skipped. A sender that dies leaves its claimed rows to be claimed again
//! when their lease runs out; the message they carry keeps its Message-ID.

use std::{collections::HashMap, time::Duration};

use dateline_core::{ArticleId, Email};
use jiff::Timestamp;
use serde::Serialize;

use crate::{
    Backend, Result, Store, StoreError,
    jobs::enqueue_in,
    read,
    rows::{instant, micros},
    write_tx,
};

/// The job that mails a pending subscriber a confirmation link.
pub const CONFIRM_SUBSCRIPTION_JOB: &str = "newsletter_confirm";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NewsletterKind {
    /// The newest stories of its sections, once a day.
    Digest,
    /// One article an editor marks breaking.
    Alert,
}

impl NewsletterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Digest => "digest",
            Self::Alert => "alert",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "digest" => Ok(Self::Digest),
            "alert" => Ok(Self::Alert),
            other => Err(StoreError::Corrupt(format!("newsletter kind {other:?}"))),
        }
    }
}

/// How a newsletter's messages look: each is a pair of theme templates,
/// `mail/<name>.html` and `mail/<name>.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NewsletterTemplate {
    /// Pictures, standfirsts and headlines (`mail/issue.*`).
    Standard,
    /// Headlines and sections only (`mail/issue-headlines.*`).
    Headlines,
}

impl NewsletterTemplate {
    pub const ALL: [Self; 2] = [Self::Standard, Self::Headlines];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Headlines => "headlines",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The theme's templates, without their extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            Self::Standard => "mail/issue",
            Self::Headlines => "mail/issue-headlines",
        }
    }

    /// What the admin offers it as.
    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "Standard: pictures, standfirsts and headlines",
            Self::Headlines => "Headlines only",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Newsletter {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: NewsletterKind,
    /// `HH:MM` in the site's time zone, for digests.
    pub send_time: Option<String>,
    pub max_stories: i64,
    pub by_default: bool,
    pub template: NewsletterTemplate,
    /// The section slugs it draws from; empty means every section.
    pub sections: Vec<String>,
}

/// A newsletter as the admin or the demo defines it; saved by slug.
#[derive(Debug, Clone)]
pub struct NewNewsletter {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: NewsletterKind,
    pub send_time: Option<String>,
    pub max_stories: i64,
    pub by_default: bool,
    pub template: NewsletterTemplate,
    pub section_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriberState {
    Pending,
    Confirmed,
    Unsubscribed,
}

impl SubscriberState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Unsubscribed => "unsubscribed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(Self::Pending),
            "confirmed" => Ok(Self::Confirmed),
            "unsubscribed" => Ok(Self::Unsubscribed),
            other => Err(StoreError::Corrupt(format!("subscriber state {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub state: SubscriberState,
    /// The capability in the links of every message to this subscriber.
    pub token: String,
    /// The newsletters subscribed to, by id.
    pub newsletters: Vec<i64>,
    /// The section slugs chosen; empty means all.
    pub sections: Vec<String>,
}

/// What a sign-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUp {
    /// A message is on its way (a job was queued): a confirmation link, or
    /// for an address already confirmed, a link to its preferences.
    MailQueued,
    /// One was mailed moments ago; none more until a while has passed.
    RecentlyMailed,
}

/// The figures of one newsletter, for the admin.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubscriberCounts {
    pub newsletter_id: i64,
    pub pending: i64,
    pub confirmed: i64,
    pub unsubscribed: i64,
}

/// One issue with how its deliveries went.
#[derive(Debug, Clone, Serialize)]
pub struct IssueSummary {
    pub id: i64,
    pub newsletter: String,
    pub subject: String,
    pub created_at: Timestamp,
    pub deliveries: i64,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub id: i64,
    pub newsletter_id: i64,
    pub subject: String,
    pub articles: Vec<ArticleId>,
    pub created_at: Timestamp,
}

/// A claimed delivery: whom to send which issue.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub issue_id: i64,
    pub subscriber_id: i64,
    pub email: String,
    pub token: String,
    /// The section slugs the subscriber chose; empty means all.
    pub sections: Vec<String>,
    /// Still confirmed: one who unsubscribed after the issue was made is
    /// skipped.
    pub confirmed: bool,
    pub attempts: i64,
}

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Failed,
    Skipped,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// One row of the subscriber export.
#[derive(Debug, Clone, Serialize)]
pub struct SubscriberExport {
    pub email: String,
    pub state: SubscriberState,
    pub created_at: Timestamp,
    pub confirmed_at: Option<Timestamp>,
    /// Newsletter slugs, space-separated.
    pub newsletters: String,
}

const SUBSCRIBER_BY_ID: &str = "select id, email, state, token from subscribers where id = $1";
const SUBSCRIBER_BY_TOKEN: &str =
    "select id, email, state, token from subscribers where token = $1";

impl Store {
    /// Every newsletter, in the order the admin set.
    pub async fn newsletters(&self) -> Result<Vec<Newsletter>> {
        const SQL: &str =
            "select id, slug, name, description, kind, send_time, max_stories, by_default, template
            from newsletters order by position, id";
        const SECTIONS: &str = "select n.newsletter_id, s.slug from newsletter_sections n
            join sections s on s.id = n.section_id order by s.position, s.id";
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
            bool,
            String,
        );
        let (rows, sections): (Vec<Row>, Vec<(i64, String)>) = read!(self, |conn| {
            let rows = sqlx::query_as(SQL).fetch_all(&mut *conn).await?;
            let sections = sqlx::query_as(SECTIONS).fetch_all(&mut *conn).await?;
            Ok::<_, sqlx::Error>((rows, sections))
        })?;
        rows.into_iter()
            .map(
                |(
                    id,
                    slug,
                    name,
                    description,
                    kind,
                    send_time,
                    max_stories,
                    by_default,
                    template,
                )| {
                    Ok(Newsletter {
                        id,
                        slug,
                        name,
                        description,
                        kind: NewsletterKind::parse(&kind)?,
                        send_time,
                        max_stories,
                        by_default,
                        template: NewsletterTemplate::parse(&template).ok_or_else(|| {
                            StoreError::Corrupt(format!("newsletter template {template:?}"))
                        })?,
                        sections: sections
                            .iter()
                            .filter(|(n, _)| *n == id)
                            .map(|(_, s)| s.clone())
                            .collect(),
                    })
                },
            )
            .collect()
    }

    /// Creates the newsletter `new.slug`, or redefines it; its id.
    pub async fn save_newsletter(&self, new: &NewNewsletter, now: Timestamp) -> Result<i64> {
        const UPSERT: &str = "insert into newsletters
                (slug, name, description, kind, send_time, max_stories, by_default, template,
                 position, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $9, (select count(*) from newsletters), $8, $8)
            on conflict (slug) do update set name = excluded.name, description = excluded.description,
                kind = excluded.kind, send_time = excluded.send_time, max_stories = excluded.max_stories,
                by_default = excluded.by_default, template = excluded.template,
                updated_at = excluded.updated_at
            returning id";
        const CLEAR: &str = "delete from newsletter_sections where newsletter_id = $1";
        const ADD: &str =
            "insert into newsletter_sections (newsletter_id, section_id) values ($1, $2)";
        Ok(write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(UPSERT)
                .bind(&new.slug)
                .bind(&new.name)
                .bind(&new.description)
                .bind(new.kind.as_str())
                .bind(new.send_time.as_deref())
                .bind(new.max_stories)
                .bind(new.by_default)
                .bind(now.as_microsecond())
                .bind(new.template.as_str())
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(CLEAR).bind(id).execute(&mut *tx).await?;
            for section in &new.section_ids {
                sqlx::query(ADD)
                    .bind(id)
                    .bind(section)
                    .execute(&mut *tx)
                    .await?;
            }
            id
        }))
    }

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
                let job = crate::NewJob {
                    kind: CONFIRM_SUBSCRIPTION_JOB,
                    payload: serde_json::json!({ "subscriber": id }),
                    idempotency_key: Some(format!("{CONFIRM_SUBSCRIPTION_JOB}:{id}:{at}")),
                    run_at: now,
                    max_attempts: 5,
                };
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

enum SubscriberKey<'a> {
    Id(i64),
    Token(&'a str),
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
