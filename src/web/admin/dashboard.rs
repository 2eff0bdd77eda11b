//! `/admin`: what needs the signed-in staff member now. Reviewers see the
//! review queue (its count live, through `/admin/events`), what goes out
//! or comes off embargo within a day, and urgent wire copy; everyone their
//! own stories in progress and what went live lately, with links to the
//! reader's pages; admins what failed (mail, webhooks, renditions) this
//! week.

use axum::{
    extract::State,
    response::{Html, IntoResponse, Response},
};
use dateline_core::{Action, ArticleStatus};
use dateline_store::{
    DeskEntry, DeskFilter, DeskVisibility, Due, DueEntry, FailedJob, StoreError, WireFilter,
    WireListing, WireState,
};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::session::{Staff, StaffView, private};
use crate::{web::AppState, web::Result};

/// Stories each list shows.
const LISTED: i64 = 8;
/// How far ahead "due soon" looks, and how far back urgent wire copy.
const A_DAY: SignedDuration = SignedDuration::from_hours(24);
/// How far back failures are shown.
const A_WEEK: SignedDuration = SignedDuration::from_hours(24 * 7);
/// How much of a failure's message is shown (a mail server's answer can
/// run to pages).
const ERROR_CHARS: usize = 200;
/// Wire copy this urgent or more (IPTC: 1 is a flash, 2 an alert).
const URGENT: i64 = 2;

#[derive(Serialize)]
struct DashboardPage {
    staff: StaffView,
    /// `None`: the staff member reviews nothing (and sees no due lists).
    review: Option<Vec<DeskEntry>>,
    scheduled: Vec<DueEntry>,
    embargoes: Vec<DueEntry>,
    /// `None`: no wire desk for this role.
    wire: Option<Vec<WireListing>>,
    mine: Vec<DeskEntry>,
    published: Vec<DeskEntry>,
    /// `None`: not for this role.
    failed: Option<Vec<FailedJob>>,
    /// `None`: not for this role.
    backups: Option<Backups>,
}

/// Scheduled backups, for admins.
#[derive(Serialize)]
struct Backups {
    /// `backup.every`; `None`: no schedule.
    every: Option<String>,
    keep: u32,
    /// The newest attempt, made or failed.
    newest: Option<dateline_store::BackupRecord>,
    /// The newest backup that was made.
    made: Option<dateline_store::BackupRecord>,
    /// No backup made within two periods.
    overdue: bool,
}

pub async fn show_dashboard(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::EnterAdmin)?;
    let now = Timestamp::now();
    let store = &app.store;
    let reviews = staff.in_review.is_some();
    let review = async {
        let waiting = DeskFilter {
            status: Some(ArticleStatus::InReview),
            ..DeskFilter::default()
        };
        Ok::<_, StoreError>(if reviews {
            Some(store.desk_articles(&waiting, LISTED).await?)
        } else {
            None
        })
    };
    let due = async |due: Due| {
        if reviews {
            store.articles_due(due, now, now + A_DAY, LISTED).await
        } else {
            Ok(Vec::new())
        }
    };
    let wire = async {
        if !staff.allows(Action::UseWire) {
            return Ok::<_, StoreError>(None);
        }
        let urgent = WireFilter {
            urgency_at_most: Some(URGENT),
            state: Some(WireState::New),
            ..WireFilter::default()
        };
        let mut lines = store.wire_desk(&urgent, LISTED).await?;
        lines.retain(|line| line.received_at > now - A_DAY);
        Ok(Some(lines))
    };
    // Their own drafts and what waits for an editor, whatever the role
    // would let them open of others'.
    let mine = DeskFilter {
        visible_to: Some(DeskVisibility {
            user: staff.user.id,
            own: vec![ArticleStatus::Draft, ArticleStatus::InReview],
            any: Vec::new(),
        }),
        ..DeskFilter::default()
    };
    let published = DeskFilter {
        status: Some(ArticleStatus::Published),
        ..DeskFilter::default()
    };
    let failed = async {
        Ok::<_, StoreError>(if staff.allows(Action::ManageSite) {
            let mut failed = store.failed_jobs_since(now - A_WEEK).await?;
            for error in failed.iter_mut().filter_map(|f| f.last_error.as_mut()) {
                shorten(error, ERROR_CHARS);
            }
            Some(failed)
        } else {
            None
        })
    };
    let backups = async {
        if !staff.allows(Action::ManageSite) {
            return Ok::<_, StoreError>(None);
        }
        let (newest, made) = store.latest_backups().await?;
        let config = &app.config.backup;
        let overdue = config.period().is_some_and(|period| {
            let since = made
                .as_ref()
                .map_or(Timestamp::UNIX_EPOCH, |m| m.finished_at);
            (now - since).as_secs() > 2 * period.as_secs() as i64
        });
        Ok(Some(Backups {
            every: config.every.clone(),
            keep: config.keep,
            newest,
            made,
            overdue,
        }))
    };
    let (review, scheduled, embargoes, wire, mine, published, failed, backups) = tokio::try_join!(
        review,
        due(Due::Scheduled),
        due(Due::EmbargoLifts),
        wire,
        store.desk_articles(&mine, LISTED),
        store.desk_articles(&published, LISTED),
        failed,
        backups,
    )?;
    let html = app.templates.render(
        "admin/dashboard.html",
        DashboardPage {
            staff: staff.view(),
            review,
            scheduled,
            embargoes,
            wire,
            mine,
            published,
            failed,
            backups,
        },
    )?;
    Ok(private(Html(html).into_response()))
}

/// Cuts `text` to its first `chars` characters, marked with an ellipsis.
fn shorten(text: &mut String, chars: usize) {
    if let Some((cut, _)) = text.char_indices().nth(chars) {
        text.truncate(cut);
        text.push('…');
    }
}
