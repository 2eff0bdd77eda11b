//! `/admin/password`: a staff member changes their password, giving the
//! current one (so a borrowed session cannot take the account over). One
//! signed in with a one-time password (from `dateline user add` or an
//! admin) must: until they have, the session extractor sends every other
//! admin page here.

use axum::{extract::State, http::StatusCode, response::Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::session::{AdminForm, Staff, StaffView, admin_page, start_session};
use crate::{
    accounts::{check_new_password, hash_password, verify_password},
    web::AppState,
    web::Result,
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OwnPasswordForm {
    current: String,
    password: String,
    again: String,
}

#[derive(Serialize)]
struct OwnPasswordPage<'a> {
    name: &'a str,
    email: &'a str,
    csrf: &'a str,
    error: Option<String>,
    /// Signed in with a one-time password, which must be replaced.
    one_time: bool,
    /// The admin's header, except for one who must choose a password first.
    staff: Option<StaffView>,
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
            one_time: staff.user.must_change_password,
            staff: (!staff.user.must_change_password).then(|| staff.view()),
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
    // Guessing the current password through a borrowed session meets the
    // same per-account limit as signing in.
    if let Err(wait) = app
        .sign_in_by_account
        .check(staff.user.email.to_lowercase())
    {
        return Ok(crate::web::throttle::refusal(
            wait,
            "Too many attempts",
            "Too many attempts. Please wait {wait} and try again.",
        ));
    }
    let hash = app
        .store
        .credentials(&staff.user.email)
        .await?
        .and_then(|c| c.password_hash)
        .unwrap_or_default();
    if !verify_password(form.current.clone(), hash).await {
        let error = if staff.user.must_change_password {
            "That is not the one-time password you signed in with."
        } else {
            "That is not your current password."
        };
        return page(&app, &staff, Some(error.into()));
    }
    if form.password == form.current {
        return page(
            &app,
            &staff,
            Some("Choose a new password, not the one you have now.".into()),
        );
    }
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
