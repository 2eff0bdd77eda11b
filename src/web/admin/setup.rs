//! First start: with no admin yet, `/admin/setup` makes the first one.
//!
//! Reachable only from the machine itself (a loopback connection that no
//! proxy forwarded) or with the setup token `serve` prints to its log; gone
//! for good once an admin exists. The form carries the token, so the POST
//! proves the same either way.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Query, Request, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use dateline_core::{Email, Role, Text};
use dateline_store::{NewSession, NewUser};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::session::{SESSION_COOKIE, SESSION_HOURS, private, read_form, set_cookie};
use crate::{
    accounts::{check_new_password, hash_password, new_token, same_secret, token_hash},
    app::AppState,
    web::{AppError, Result},
};

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

#[derive(Serialize)]
struct SetupPage<'a> {
    token: &'a str,
    email: &'a str,
    name: &'a str,
    error: Option<String>,
    staff: Option<()>,
}

/// A connection from this machine that no proxy passed on.
fn from_this_machine(app: &AppState, headers: &HeaderMap, peer: SocketAddr) -> bool {
    let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .into_iter()
        .chain(app.config.server.client_ip_header.as_deref())
        .any(|name| headers.contains_key(name));
    peer.ip().is_loopback() && !forwarded
}

async fn open(app: &AppState) -> Result<()> {
    if app.store.admin_count().await? > 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// `GET /admin/setup`.
pub async fn show_setup(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<TokenQuery>,
    request: Request,
) -> Result<Response> {
    open(&app).await?;
    let token_ok = query
        .token
        .as_deref()
        .is_some_and(|t| same_secret(t, &app.setup_token));
    if !token_ok && !from_this_machine(&app, request.headers(), peer) {
        return Err(AppError::refused(
            StatusCode::FORBIDDEN,
            "Setup from this machine only",
            "Open this page on the server itself, or with the setup link Dateline printed to its log.",
        ));
    }
    page(&app, &SetupForm::default(), None, StatusCode::OK)
}

/// `POST /admin/setup`: the first admin, signed in at once.
pub async fn set_up(State(app): State<AppState>, request: Request) -> Result<Response> {
    open(&app).await?;
    let (parts, body) = request.into_parts();
    let bytes = read_form(&parts.headers, body).await?;
    let form: SetupForm = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    if !same_secret(&form.token, &app.setup_token) {
        return Err(super::session::expired_form());
    }
    let checked = (|| {
        Ok::<_, dateline_core::Invalid>((
            Email::parse(&form.email)?,
            Text::parse("name", &form.name, 200)?,
            check_new_password(&form.password)?,
        ))
    })();
    let (email, name, ()) = match checked {
        Ok(fields) => fields,
        Err(e) => {
            let error = format!("{}: {}", e.field, e.reason);
            return page(&app, &form, Some(error), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let user = app
        .store
        .create_user(
            &NewUser {
                email,
                name,
                role: Role::Admin,
                password_hash: hash_password(form.password.clone()).await?,
            },
            Timestamp::now(),
        )
        .await?;
    tracing::info!(user = user.0, "first admin created");
    let token = new_token();
    let now = Timestamp::now();
    app.store
        .create_session(
            &NewSession {
                token_hash: token_hash(&token),
                user_id: user,
                csrf_token: new_token(),
                expires_at: now
                    .checked_add(SESSION_HOURS.hours())
                    .map_err(|e| AppError::Internal(e.into()))?,
            },
            now,
        )
        .await?;
    let mut response = private(Redirect::to("/admin").into_response());
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, &token, SESSION_HOURS * 3600),
    );
    Ok(response)
}

fn page(
    app: &AppState,
    form: &SetupForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let html = app.templates.render(
        "admin/setup.html",
        SetupPage {
            token: &app.setup_token,
            email: &form.email,
            name: &form.name,
            error,
            staff: None,
        },
    )?;
    Ok(private((status, Html(html)).into_response()))
}
