//! Making issues: a digest when its time of day comes (or when an editor
//! asks), an alert when an editor marks an article breaking. An issue is
//! made once per key, whichever node gets there first, with a delivery for
//! each confirmed subscriber; the sender does the rest.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use dateline_core::ArticleId;
use dateline_store::{Newsletter, NewsletterKind, Topic};
use jiff::{Timestamp, ToSpan, civil::Time, tz::TimeZone};
use tokio::task::JoinHandle;

use crate::services::Services;

/// The longest a node's scheduler sleeps without looking: it wakes when a
/// digest is due and when a newsletter is added or changed (on any node),
/// so this is a safety net only.
const IDLE: Duration = Duration::from_secs(600);
/// How long after its time a day's digest may still go (nodes down at
/// 07:00 send it on start); later, that day has no digest rather than one
/// in the afternoon.
const CATCH_UP_HOURS: i64 = 2;

/// An issue that was made: its id and how many messages it will send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    pub issue: i64,
    pub deliveries: u64,
}

/// What a look for due digests did, and when to look next.
#[derive(Debug, Default)]
pub struct Pass {
    pub made: Vec<Made>,
    /// When the next digest is due; `None` with no digest scheduled.
    pub next: Option<Timestamp>,
}

/// Starts the loop that makes scheduled digests when they are due.
pub fn spawn_scheduler(app: Arc<Services>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut changed = app.store.wakeup(Topic::Newsletters);
        loop {
            let next = match make_due_digests(&app, Timestamp::now()).await {
                Ok(pass) => pass.next,
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "cannot make due digests");
                    None
                }
            };
            crate::follow::sleep_until_due(Ok(next), &mut changed, IDLE).await;
        }
    })
}

/// Makes today's issue of every digest whose time of day has come (within
/// [`CATCH_UP_HOURS`]).
pub async fn make_due_digests(app: &Services, now: Timestamp) -> anyhow::Result<Pass> {
    let tz = app.config.site.zone();
    let today = now.to_zoned_datetime(tz.clone()).date();
    let mut pass = Pass::default();
    let mut soonest = |at: Timestamp| pass.next = Some(pass.next.map_or(at, |n| n.min(at)));
    for newsletter in app.store.newsletters().await? {
        let Some(at) = newsletter.send_time.as_deref() else {
            continue;
        };
        if newsletter.kind != NewsletterKind::Digest {
            continue;
        }
        let at: Time = at
            .parse()
            .with_context(|| format!("newsletter {}: send time {at:?}", newsletter.slug))?;
        let due = due_on(today, at, &tz)?;
        if now < due {
            soonest(due);
            continue;
        }
        let tomorrow = due_on(today.tomorrow()?, at, &tz)?;
        soonest(tomorrow);
        if now > due.checked_add(CATCH_UP_HOURS.hours())? {
            continue;
        }
        let key = format!("digest:{}:{today}", newsletter.id);
        pass.made
            .extend(make_digest(app, &newsletter, &key, now).await?);
    }
    Ok(pass)
}

/// When a digest sent at `at` (the site's time of day) is due on `day`.
fn due_on(day: jiff::civil::Date, at: Time, tz: &TimeZone) -> anyhow::Result<Timestamp> {
    Ok(day
        .to_datetime(at)
        .to_zoned_datetime(tz.clone())?
        .timestamp())
}

/// Makes an issue of the digest `newsletter` now, outside its schedule.
pub async fn send_digest_now(
    app: &Services,
    newsletter: &Newsletter,
) -> anyhow::Result<Option<Made>> {
    let now = Timestamp::now();
    let key = format!("digest:{}:at:{}", newsletter.id, now.as_microsecond());
    make_digest(app, newsletter, &key, now).await
}

/// What the digest's next issue holds: the stories first published since
/// its last issue (for its first issue, the newest ones), newest first.
async fn next_digest_articles(
    app: &Services,
    newsletter: &Newsletter,
) -> anyhow::Result<Vec<ArticleId>> {
    let since = app
        .store
        .last_issue_at(newsletter.id)
        .await?
        .unwrap_or(Timestamp::MIN);
    Ok(app
        .store
        .digest_articles(newsletter.id, since, newsletter.max_stories)
        .await?)
}

/// The issue `key` of a digest: the stories first published since its last
/// issue (for its first issue, the newest ones), newest first. Nothing new,
/// no issue.
async fn make_digest(
    app: &Services,
    newsletter: &Newsletter,
    key: &str,
    now: Timestamp,
) -> anyhow::Result<Option<Made>> {
    let articles = next_digest_articles(app, newsletter).await?;
    if articles.is_empty() {
        return Ok(None);
    }
    let tz = app.config.site.zone();
    let day = now.to_zoned_datetime(tz).strftime("%-d %B %Y");
    let subject = format!("{}, {day}", newsletter.name);
    issue(app, newsletter, key, &subject, &articles, now).await
}

/// Alerts for the published article `id`: one issue for each alert
/// newsletter that carries its section. Each article alerts once.
pub async fn send_alert(app: &Services, id: ArticleId) -> anyhow::Result<Vec<Made>> {
    let article = app
        .store
        .article(id)
        .await?
        .with_context(|| format!("article {}", id.0))?;
    anyhow::ensure!(
        article.status == dateline_core::ArticleStatus::Published,
        "only a published article can be sent as an alert"
    );
    let now = Timestamp::now();
    let subject = format!("Breaking: {}", article.headline);
    let mut made = Vec::new();
    for newsletter in app.store.newsletters().await? {
        let carries =
            newsletter.sections.is_empty() || newsletter.sections.contains(&article.section.slug);
        if newsletter.kind != NewsletterKind::Alert || !carries {
            continue;
        }
        let key = format!("alert:{}:{}", newsletter.id, id.0);
        made.extend(issue(app, &newsletter, &key, &subject, &[id], now).await?);
    }
    Ok(made)
}

/// What `send_digest_now` would mail now, sent to `to` alone: `false` when
/// nothing was published since the last issue.
pub async fn send_digest_test(
    app: &Services,
    newsletter: &Newsletter,
    to: &str,
) -> anyhow::Result<bool> {
    let articles = next_digest_articles(app, newsletter).await?;
    if articles.is_empty() {
        return Ok(false);
    }
    let subject = format!("[Test] {}", newsletter.name);
    send_test(app, newsletter, &subject, &articles, to).await?;
    Ok(true)
}

/// The breaking alert of article `id` as its first alert newsletter would
/// mail it, sent to `to` alone: `false` when no alert newsletter carries it.
pub async fn send_alert_test(app: &Services, id: ArticleId, to: &str) -> anyhow::Result<bool> {
    let article = app
        .store
        .article(id)
        .await?
        .with_context(|| format!("article {}", id.0))?;
    let newsletter = app.store.newsletters().await?.into_iter().find(|n| {
        n.kind == NewsletterKind::Alert
            && (n.sections.is_empty() || n.sections.contains(&article.section.slug))
    });
    let Some(newsletter) = newsletter else {
        return Ok(false);
    };
    let subject = format!("[Test] Breaking: {}", article.headline);
    send_test(app, &newsletter, &subject, &[id], to).await?;
    Ok(true)
}

/// One message as an issue's would be, to `to`, with no issue made: its
/// links to preferences and unsubscribing lead nowhere.
async fn send_test(
    app: &Services,
    newsletter: &Newsletter,
    subject: &str,
    articles: &[ArticleId],
    to: &str,
) -> anyhow::Result<()> {
    let content = super::compose::IssueContent {
        issue_id: 0,
        newsletter: newsletter.clone(),
        subject: subject.to_owned(),
        cards: app.store.cards(articles).await?,
    };
    let delivery = dateline_store::Delivery {
        issue_id: 0,
        subscriber_id: 0,
        email: to.to_owned(),
        token: "test".into(),
        sections: Vec::new(),
        confirmed: true,
        attempts: 0,
    };
    let message = super::compose::issue_message(app, &content, &delivery)?
        .context("the test has no story in it")?;
    app.mailer.send(message).await
}

async fn issue(
    app: &Services,
    newsletter: &Newsletter,
    key: &str,
    subject: &str,
    articles: &[ArticleId],
    now: Timestamp,
) -> anyhow::Result<Option<Made>> {
    let made = app
        .store
        .create_issue(newsletter.id, key, subject, articles, now)
        .await?
        .map(|(issue, deliveries)| Made { issue, deliveries });
    if let Some(made) = made {
        tracing::info!(
            newsletter = newsletter.slug,
            issue = made.issue,
            deliveries = made.deliveries,
            "newsletter issue made"
        );
    }
    Ok(made)
}
