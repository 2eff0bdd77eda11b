//! Mail to reviewers when stories are submitted: one message per batch
//! ([`dateline_store::REVIEW_MAIL_WINDOW`]), listing what waits then, so
//! that a busy evening is a few messages, not one per story. Nothing is
//! sent without a mail server, or when the queue emptied meanwhile.

use anyhow::Context;
use dateline_core::{ArticleStatus, allows};
use dateline_store::{DeskFilter, ReviewMail};

use crate::{newsroom::REVIEW, services::Services};

/// Stories a message names; the rest are counted.
const LISTED: i64 = 20;

/// Runs a [`ReviewMail`] job. Fails (to be tried again) only when no
/// reviewer could be mailed.
pub async fn send(app: &Services, _job: ReviewMail) -> anyhow::Result<()> {
    if !app.mailer.is_configured() {
        return Ok(());
    }
    let count = app.store.count_in_status(ArticleStatus::InReview).await?;
    if count == 0 {
        return Ok(());
    }
    let waiting = DeskFilter {
        status: Some(ArticleStatus::InReview),
        ..DeskFilter::default()
    };
    let stories = app.store.desk_articles(&waiting, LISTED).await?;
    let base = app.config.site.base();
    let site = &app.config.site.name;
    let mut text = format!(
        "{count} {} for review in the {site} newsroom:\n\n",
        if count == 1 {
            "story waits"
        } else {
            "stories wait"
        }
    );
    for story in &stories {
        text.push_str(&format!(
            "- {} ({})\n  {base}/admin/articles/{}\n",
            story.headline, story.section_name, story.id
        ));
    }
    if count > stories.len() as i64 {
        text.push_str(&format!("- and {} more\n", count - stories.len() as i64));
    }
    text.push_str(&format!("\nThe review queue: {base}/admin\n"));
    let subject = format!("{count} waiting for review — {site}");
    let reviewers: Vec<_> = app
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| !u.disabled && allows(u.role, REVIEW))
        .collect();
    let mut sent = 0;
    let mut last_error = None;
    for reviewer in &reviewers {
        match app
            .mailer
            .send_text(&reviewer.email, &subject, text.clone())
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!(
                    user = reviewer.id.0,
                    error = format!("{e:#}"),
                    "cannot mail a reviewer"
                );
                last_error = Some(e);
            }
        }
    }
    match last_error {
        Some(e) if sent == 0 => Err(e).context("cannot mail any reviewer"),
        _ => Ok(()),
    }
}
