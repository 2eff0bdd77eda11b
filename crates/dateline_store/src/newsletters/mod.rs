//! Newsletters: their definitions, subscribers (double opt-in), issues and
//! the deliveries that carry an issue to each subscriber.
//!
//! A delivery is the unit of sending: one row per (issue, subscriber), made
//! once when the issue is (its primary key is the idempotency key), claimed
//! by a sender with a lease like a job, and finished as sent, failed or
//! skipped. A sender that dies leaves its claimed rows to be claimed again
//! when their lease runs out; the message they carry keeps its Message-ID.
//!
//! This file holds the types and the definitions; `subscribers`, `issues`
//! and `deliveries` the rest, each its own part of the tables.

use dateline_core::ArticleId;
use jiff::Timestamp;
use serde::Serialize;

use crate::{Result, Store, StoreError, read, write_tx};

/// The job that mails a pending subscriber a confirmation link.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ConfirmSubscription {
    pub subscriber: i64,
}

impl crate::JobKind for ConfirmSubscription {
    const KIND: &'static str = "newsletter_confirm";
    const MAX_ATTEMPTS: i64 = 5;
}

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

mod deliveries;
mod issues;
mod subscribers;

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
}
