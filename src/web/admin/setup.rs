//! First start: with no admin yet, `/admin/setup` makes the first one.
//!
//! Reachable only with the setup token `serve` prints to its log (the
//! setup link); gone for good once an admin exists. The form carries the
//! token, so the POST proves it again.

use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use dateline_core::{Email, Role, Text};
use dateline_store::NewUser;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::session::private;
use crate::{
    accounts::{check_new_password, hash_password, same_secret},
    web::AppState,
    web::forms::read_form,
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

async fn open(app: &AppState) -> Result<()> {
    if app.store.admin_count().await? > 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// `GET /admin/setup`: only with the token from the setup link Dateline
/// logs at start. Never handed out by the caller's address: behind a
/// reverse proxy on the same host every request arrives from loopback,
/// often without a header saying so (nginx's default `proxy_pass`), and
/// the page would give anyone who reached the proxy the first admin.
pub async fn show_setup(
    State(app): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<Response> {
    open(&app).await?;
    let token_ok = query
        .token
        .as_deref()
        .is_some_and(|t| same_secret(t, &app.setup_token));
    if !token_ok {
        return Err(AppError::refused(
            StatusCode::FORBIDDEN,
            "Setup needs its link",
            "Open the setup link Dateline printed to its log when it started, or add the first admin on the server with the command “dateline user add EMAIL --role admin”.",
        ));
    }
    page(&app, &SetupForm::default(), None, StatusCode::OK)
}

/// `POST /admin/setup`: the first admin, signed in at once.
pub async fn set_up(State(app): State<AppState>, request: Request) -> Result<Response> {
    open(&app).await?;
    let (parts, body) = request.into_parts();
    let bytes = read_form(&parts.headers, body).await?;
    let form: SetupForm = crate::web::forms::form(&bytes).unwrap_or_default();
    if !same_secret(&form.token, &app.setup_token) {
        return Err(crate::web::forms::expired_form());
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
                must_change_password: false,
            },
            Timestamp::now(),
        )
        .await?;
    tracing::info!(user = user.0, "first admin created");
    super::session::start_session(&app, user, "/admin").await
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
