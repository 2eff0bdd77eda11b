//! Signing in and out.
//!
//! The sign-in form is protected against login CSRF by a double-submit
//! token: the form carries the value of a cookie set with the form. Attempts
//! are throttled per address and per account; a throttled attempt is refused
//! before its password is checked, so guessing costs the guesser, not us.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::session::{self, AdminForm, SESSION_COOKIE, Staff, private};
use crate::{
    accounts::{dummy_hash, token_hash, verify_password},
    web::AppState,
    web::{
        AppError, Result,
        forms::{SIGN_IN_COOKIE, check_form_token, cookie, read_form, set_cookie, with_form_token},
        throttle::sign_in_throttled,
    },
};

#[derive(Serialize)]
struct SignInPage<'a> {
    csrf: &'a str,
    email: &'a str,
    error: Option<&'a str>,
    staff: Option<()>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `GET /admin/sign-in`.
pub async fn show_sign_in(State(app): State<AppState>, request: Request) -> Result<Response> {
    let (mut parts, _) = request.into_parts();
    if Staff::signed_in(&mut parts, &app).await?.is_some() {
        return Ok(private(Redirect::to("/admin").into_response()));
    }
    form_page(&app, StatusCode::OK, "", None)
}

/// `POST /admin/sign-in`.
pub async fn sign_in(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response> {
    let (parts, body) = request.into_parts();
    let bytes = read_form(&parts.headers, body).await?;
    let form: SignInForm = crate::web::forms::form(&bytes).map_err(|e| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Unreadable form",
            format!("The form could not be read: {e}."),
        )
    })?;
    check_form_token(&parts.headers, &form.csrf)?;

    if let Some(refusal) = sign_in_throttled(&app, &parts.headers, peer, &form.email) {
        return Ok(refusal);
    }

    let credentials = app.store.credentials(&form.email).await?;
    let hash = match credentials
        .as_ref()
        .filter(|c| !c.user.disabled)
        .and_then(|c| c.password_hash.clone())
    {
        Some(hash) => hash,
        None => dummy_hash().await.to_owned(),
    };
    let matches = verify_password(form.password, hash).await;
    let user = match credentials {
        Some(c) if matches && !c.user.disabled => c.user,
        _ => {
            return form_page(
                &app,
                StatusCode::UNAUTHORIZED,
                &form.email,
                Some("That email address and password do not match an account."),
            );
        }
    };

    // A new session every time: a token planted before sign-in is useless after.
    if let Some(old) = cookie(&parts.headers, SESSION_COOKIE) {
        app.store.end_session(&token_hash(old)).await?;
    }
    let mut response = session::start_session(&app, user.id, "/admin").await?;
    // Sign-ins are rare enough to sweep expired sessions away as they happen.
    app.store.purge_expired_sessions(Timestamp::now()).await?;
    tracing::info!(user = user.id.0, "signed in");
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&app, SIGN_IN_COOKIE, "", 0));
    Ok(response)
}

#[derive(Deserialize)]
pub struct Nothing {}

/// `POST /admin/sign-out`: ends this session, here and in the store.
pub async fn sign_out(
    State(app): State<AppState>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    app.store.end_session(&staff.token_hash).await?;
    let mut response = private(Redirect::to("/admin/sign-in").into_response());
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&app, SESSION_COOKIE, "", 0));
    Ok(response)
}

/// The sign-in form with a fresh double-submit token.
fn form_page(
    app: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> Result<Response> {
    with_form_token(app, status, |csrf| {
        app.templates.render(
            "admin/sign_in.html",
            SignInPage {
                csrf,
                email,
                error,
                staff: None,
            },
        )
    })
}
