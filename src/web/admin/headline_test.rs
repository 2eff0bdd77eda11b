//! `POST /admin/articles/{id}/headline-test`: an editor starts a test of
//! other headlines for a published story, or stops it (see
//! `newsroom::headline_tests`). The editor page shows how it is going.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, ArticleId};
use serde::Deserialize;

use super::{articles::back_to_editor, notice::Notice, session::AdminForm};
use crate::{
    newsroom::headline_tests::{self, TestRefused},
    web::{AppError, AppState, Result},
};

#[derive(Deserialize)]
pub struct TestForm {
    /// `start` or `stop`.
    op: String,
    #[serde(default)]
    headline_b: String,
    #[serde(default)]
    headline_c: String,
    #[serde(default)]
    views_needed: String,
}

pub async fn change_headline_test(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<TestForm>,
) -> Result<Response> {
    staff.require(Action::ArrangeFronts)?;
    let id = ArticleId(id);
    let notice = match form.op.as_str() {
        "start" => {
            let views_needed = form.views_needed.trim().parse().map_err(|_| {
                refused(format!(
                    "views_needed: {:?} is not a number of showings",
                    form.views_needed
                ))
            })?;
            let others = [form.headline_b, form.headline_c];
            let headlines =
                headline_tests::start(&app.store, id, &others, views_needed, staff.user.id)
                    .await
                    .map_err(|e| match e {
                        TestRefused::Invalid(_) => refused(e.to_string()),
                        TestRefused::Store(e) => e.into(),
                    })?;
            app.views.note_test(id, Some(headlines));
            Notice::TestStarted
        }
        "stop" => {
            let stopped = app
                .store
                .stop_headline_test(id, staff.user.id, jiff::Timestamp::now())
                .await?;
            if !stopped {
                return Err(AppError::refused(
                    StatusCode::CONFLICT,
                    "No test to stop",
                    "No headline test of this story is running.",
                ));
            }
            app.views.note_test(id, None);
            Notice::TestStopped
        }
        other => return Err(refused(format!("{other:?} is not a change to a test"))),
    };
    Ok(back_to_editor(id, notice))
}

fn refused(reason: String) -> AppError {
    AppError::refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "The headline test did not start",
        reason,
    )
}
