//! Moving an article along the workflow: the editor's buttons (which save
//! first, then move: one press, one revision) and the plain move and
//! schedule forms the dashboard and pages without the editor use.

use axum::{
    extract::{Path, State},
    response::Response,
};
use dateline_core::{Action, ArticleId, ArticleStatus, Invalid, Ownership};
use dateline_store::StoreError;
use jiff::{Timestamp, civil::DateTime};
use serde::Deserialize;

use super::{
    articles::{back_to_editor, refused, store_refusal},
    notice::Notice,
    session::{AdminForm, Staff},
};
use crate::{
    newsroom::{Actor, movable},
    web::{App, AppState, Result},
};

/// Where the editor's button takes the article after saving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Move(ArticleStatus),
    Schedule(Timestamp),
}

impl Step {
    /// The step a form's `then` (a status, or `scheduled` with `at` in
    /// the site's zone) asks for; empty: none.
    pub fn read(app: &App, then: &str, at: &str) -> std::result::Result<Option<Self>, Invalid> {
        match then.trim() {
            "" => Ok(None),
            "scheduled" => {
                if at.trim().is_empty() {
                    return Err(Invalid::new("schedule_at", "choose when to publish it"));
                }
                let at = site_time(app, "schedule_at", at)?;
                if at <= Timestamp::now() {
                    return Err(Invalid::new("schedule_at", "choose a time in the future"));
                }
                Ok(Some(Self::Schedule(at)))
            }
            status => ArticleStatus::parse(status)
                .map(|s| Some(Self::Move(s)))
                .map_err(|_| Invalid::new("then", format!("{status:?} is not a workflow step"))),
        }
    }

    fn status(self) -> ArticleStatus {
        match self {
            Self::Move(status) => status,
            Self::Schedule(_) => ArticleStatus::Scheduled,
        }
    }

    /// Whether the workflow leads from `from` to this step and `staff` may
    /// take it for an article they do (`Own`) or do not write: the one rule
    /// for the buttons the editor offers and the steps it accepts.
    pub fn may(self, staff: &Staff, from: ArticleStatus, whose: Ownership) -> bool {
        let leads = match self {
            Self::Schedule(_) => matches!(
                from,
                ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled
            ),
            Self::Move(next) => from.can_become(next),
        };
        leads && staff.allows(Action::MoveArticle(whose, self.status()))
    }

    /// `Ok` if [`Step::may`]; otherwise why not.
    pub fn allowed(self, staff: &Staff, from: ArticleStatus, whose: Ownership) -> Result<()> {
        if self.may(staff, from, whose) {
            return Ok(());
        }
        let next = self.status();
        staff.require(Action::MoveArticle(whose, next))?;
        Err(refused(Invalid::new(
            "then",
            format!(
                "a {} article cannot become {}",
                from.as_str().replace('_', " "),
                next.as_str().replace('_', " ")
            ),
        )))
    }

    /// Takes the step for `by`; what the notice says, or why the workflow
    /// or an embargo refused it.
    pub async fn take(self, app: &App, id: ArticleId, staff: &Staff) -> Result<Notice, StoreError> {
        let now = Timestamp::now();
        match self {
            Self::Move(status) => {
                app.store
                    .move_article(id, status, Some(staff.user_id()), now)
                    .await?;
                Ok(Notice::Moved {
                    status,
                    saved: None,
                })
            }
            Self::Schedule(at) => {
                app.store
                    .schedule_article(id, at, staff.user_id(), now)
                    .await?;
                Ok(Notice::Scheduled { at, saved: None })
            }
        }
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    status: String,
}

/// `POST /admin/articles/{id}/status`.
pub async fn change_status(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<MoveForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    let next = ArticleStatus::parse(&form.status).map_err(refused)?;
    movable(&app.store, &staff, id, next).await?;
    let done = Step::Move(next)
        .take(&app, id, &staff)
        .await
        .map_err(store_refusal)?;
    Ok(back_to_editor(id, done))
}

#[derive(Deserialize)]
pub struct ScheduleForm {
    /// `YYYY-MM-DDTHH:MM` in the site's time zone (an `<input type="datetime-local">`).
    at: String,
}

/// `POST /admin/articles/{id}/schedule`.
pub async fn schedule(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<ScheduleForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    movable(&app.store, &staff, id, ArticleStatus::Scheduled).await?;
    let step = Step::read(&app, "scheduled", &form.at)
        .map_err(|e| refused(Invalid::new("at", e.reason)))?
        .unwrap_or(Step::Move(ArticleStatus::Scheduled));
    let done = step.take(&app, id, &staff).await.map_err(store_refusal)?;
    Ok(back_to_editor(id, done))
}

/// A `datetime-local` value read in the site's time zone; `field` names
/// it in the error.
pub(super) fn site_time(
    app: &App,
    field: &'static str,
    value: &str,
) -> std::result::Result<Timestamp, Invalid> {
    let civil: DateTime = value
        .trim()
        .parse()
        .map_err(|_| Invalid::new(field, format!("{value:?} is not a date and time")))?;
    civil
        .to_zoned_datetime(app.config.site.zone())
        .map(|z| z.timestamp())
        .map_err(|e| Invalid::new(field, e.to_string()))
}
