//! "Forgot your password?": a link by email, valid for an hour, used once.
//!
//! Asking for a link answers the same whether or not the address has an
//! account (no way to learn who works here): the same job is queued either
//! way, and the job looks the address up and mails the link over the
//! configured SMTP server. Asking is throttled like signing in.
//! Using the link sets the password and ends every session of the account.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, Request, State},
    http::StatusCode,
    response::Response,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    accounts::{check_new_password, hash_password, token_hash},
    mail::staff_reset::ResetLink,
    web::AppState,
    web::{
        AppError, Result,
        forms::{check_form_token, read_form, with_form_token},
        throttle::sign_in_throttled,
    },
};

#[derive(Serialize)]
struct ResetPage<'a> {
    /// `ask`, `sent`, `choose` or `done`.
    stage: &'static str,
    csrf: &'a str,
    token: &'a str,
    error: Option<String>,
    staff: Option<()>,
}

#[derive(Deserialize, Default)]
pub struct AskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

#[derive(Deserialize, Default)]
pub struct ChooseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

fn page(
    app: &AppState,
    stage: &'static str,
    token: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    with_form_token(app, status, |csrf| {
        app.templates.render(
            "admin/password_reset.html",
            ResetPage {
                stage,
                csrf,
                token,
                error,
                staff: None,
            },
        )
    })
}

fn gone() -> AppError {
    AppError::refused(
        StatusCode::GONE,
        "Link expired",
        "This password-reset link has expired or has been used. Ask for a new one.",
    )
}

/// `GET /admin/password-reset`.
pub async fn show_ask(State(app): State<AppState>) -> Result<Response> {
    page(&app, "ask", "", None, StatusCode::OK)
}

/// `POST /admin/password-reset`.
pub async fn ask(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response> {
    let (parts, body) = request.into_parts();
    let bytes = read_form(&parts.headers, body).await?;
    let form: AskForm = crate::web::forms::form(&bytes).unwrap_or_default();
    check_form_token(&parts.headers, &form.csrf)?;
    if !app.mailer.is_configured() {
        return Err(AppError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "No mail",
            "This site cannot send mail yet. Ask an admin to reset your password.",
        ));
    }
    if let Some(refusal) = sign_in_throttled(&app, &parts.headers, peer, &form.email) {
        return Ok(refusal);
    }
    // The same work whoever asks: one job, whatever the address. Looking
    // the account up and mailing it here made a known address answer
    // slower (and, with the mail server down, with a 503): a way to learn
    // who works here.
    let link = ResetLink {
        email: form.email.trim().to_owned(),
    };
    let job = dateline_store::NewJob::of(&link, Timestamp::now(), None);
    app.store.enqueue_job(&job, Timestamp::now()).await?;
    page(&app, "sent", "", None, StatusCode::OK)
}

/// `GET /admin/password-reset/{token}`.
pub async fn show_choose(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    app.store
        .password_reset_user(&token_hash(&token), Timestamp::now())
        .await?
        .ok_or_else(gone)?;
    page(&app, "choose", &token, None, StatusCode::OK)
}

/// `POST /admin/password-reset/{token}`.
pub async fn choose(
    State(app): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response> {
    let (parts, body) = request.into_parts();
    let bytes = read_form(&parts.headers, body).await?;
    let form: ChooseForm = crate::web::forms::form(&bytes).unwrap_or_default();
    check_form_token(&parts.headers, &form.csrf)?;
    if let Err(e) = check_new_password(&form.password) {
        let error = Some(format!("{}: {}", e.field, e.reason));
        return page(
            &app,
            "choose",
            &token,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let hash = hash_password(form.password).await?;
    let user = app
        .store
        .reset_password(&token_hash(&token), &hash, Timestamp::now())
        .await?
        .ok_or_else(gone)?;
    tracing::info!(user = user.0, "password reset");
    page(&app, "done", "", None, StatusCode::OK)
}
