//! `/admin/feedback`: what readers sent through the Feedback form, newest
//! first. Editors and admins.

use axum::{extract::State, http::StatusCode, response::Response};
use dateline_core::Action;
use dateline_store::Feedback;
use serde::Serialize;

use super::session::{Staff, StaffView, admin_page};
use crate::{web::AppState, web::Result};

/// The most messages the inbox shows.
const SHOWN: i64 = 200;

#[derive(Serialize)]
struct InboxPage {
    staff: StaffView,
    messages: Vec<Feedback>,
}

pub async fn show_inbox(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ReadFeedback)?;
    let page = InboxPage {
        staff: staff.view(),
        messages: app.store.feedback(SHOWN).await?,
    };
    admin_page(&app, "admin/feedback.html", StatusCode::OK, page)
}
