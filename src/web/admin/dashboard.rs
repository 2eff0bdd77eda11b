//! `/admin`: the newsroom's front page, its latest articles.

use axum::{
    extract::State,
    response::{Html, IntoResponse, Response},
};
use dateline_core::Action;
use dateline_store::DeskEntry;
use serde::Serialize;

use super::session::{Staff, StaffView, private};
use crate::{app::AppState, web::Result};

const DESK_ARTICLES: i64 = 100;

#[derive(Serialize)]
struct DashboardPage {
    staff: StaffView,
    articles: Vec<DeskEntry>,
}

pub async fn show_dashboard(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::EnterAdmin)?;
    let articles = app.store.desk_articles(DESK_ARTICLES).await?;
    let html = app.templates.render(
        "admin/dashboard.html",
        DashboardPage {
            staff: staff.view(),
            articles,
        },
    )?;
    Ok(private(Html(html).into_response()))
}
