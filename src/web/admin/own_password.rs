//! `/admin/password`: a staff member signed in with a one-time password
//! (from `dateline user add` or an admin) chooses their own. Until they
//! have, the session extractor sends every other admin page here.

use axum::{extract::State, http::StatusCode, response::Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::session::{AdminForm, Staff, admin_page, start_session};
use crate::{
    accounts::{check_new_password, hash_password},
    app::AppState,
    web::Result,
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OwnPasswordForm {
    password: String,
    again: String,
}

#[derive(Serialize)]
struct OwnPasswordPage<'a> {
    name: &'a str,
    email: &'a str,
    csrf: &'a str,
    error: Option<String>,
    staff: Option<()>,
}

fn page(app: &AppState, staff: &Staff, error: Option<String>) -> Result<Response> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    admin_page(
        app,
        "admin/own_password.html",
        status,
        OwnPasswordPage {
            name: &staff.user.name,
            email: &staff.user.email,
            csrf: &staff.csrf_token,
            error,
            staff: None,
        },
    )
}

/// `GET /admin/password`.
pub async fn show_own_password(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    page(&app, &staff, None)
}

/// `POST /admin/password`: sets the password, ends every session of the
/// account (this one too) and signs this browser in afresh.
pub async fn set_own_password(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<OwnPasswordForm>,
) -> Result<Response> {
    if let Err(e) = check_new_password(&form.password) {
        return page(&app, &staff, Some(format!("{}: {}", e.field, e.reason)));
    }
    if form.again != form.password {
        return page(
            &app,
            &staff,
            Some("The two passwords differ: type the same one twice.".into()),
        );
    }
    let hash = hash_password(form.password).await?;
    app.store
        .set_password(staff.user.id, &hash, Timestamp::now())
        .await?;
    tracing::info!(user = staff.user.id.0, "chose own password");
    start_session(&app, staff.user.id, "/admin").await
}
