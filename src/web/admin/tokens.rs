//! `/admin/tokens`: each staff member's personal access tokens for the
//! admin API. A new token's secret is shown once, on the answer to the form
//! that made it; the store keeps its SHA-256.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, Invalid, Scope, Text};
use dateline_store::{AccessToken, NewAccessToken};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{
    catalog::message,
    session::{AdminForm, Staff, StaffView, admin_page, see_other},
    sign_in::Nothing,
};
use crate::{
    accounts::{new_access_token, token_hash},
    web::Result,
    web::{App, AppState},
};

const MAX_DAYS: i64 = 3650;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    scopes: Vec<String>,
    /// Days until it expires; empty for never.
    days: String,
}

#[derive(Serialize)]
struct ScopeChoice {
    name: &'static str,
    text: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct TokensPage {
    staff: StaffView,
    tokens: Vec<AccessToken>,
    scopes: Vec<ScopeChoice>,
    name: String,
    days: String,
    error: Option<String>,
    /// The new token's secret, on the answer that made it (and never again).
    secret: Option<String>,
    created_name: Option<String>,
}

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::ArticlesWrite => "create articles and change their text and details",
        Scope::ArticlesPublish => "submit, publish, schedule and unpublish articles",
        Scope::MediaWrite => "upload pictures to the media library",
        Scope::TaxonomyWrite => "rename and delete tags, start topics (editors and admins)",
    }
}

async fn page(
    app: &App,
    staff: &Staff,
    form: &TokenForm,
    error: Option<String>,
    made: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response> {
    let (secret, created_name) = made.unzip();
    let page = TokensPage {
        staff: staff.view(),
        tokens: app.store.access_tokens(staff.user.id).await?,
        scopes: Scope::ALL
            .into_iter()
            .map(|s| ScopeChoice {
                name: s.as_str(),
                text: scope_text(s),
                checked: form.scopes.iter().any(|f| f == s.as_str()),
            })
            .collect(),
        name: form.name.clone(),
        days: form.days.clone(),
        error,
        secret,
        created_name,
    };
    admin_page(app, "admin/tokens.html", status, page)
}

/// `GET /admin/tokens`.
pub async fn show_tokens(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::EnterAdmin)?;
    let form = TokenForm {
        scopes: vec![Scope::ArticlesWrite.as_str().to_owned()],
        days: "90".to_owned(),
        ..TokenForm::default()
    };
    page(&app, &staff, &form, None, None, StatusCode::OK).await
}

fn checked(form: &TokenForm, now: Timestamp) -> std::result::Result<NewTokenParts, Invalid> {
    let name = Text::parse("name", &form.name, 100)?;
    let scopes = form
        .scopes
        .iter()
        .map(|s| Scope::parse(s))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if scopes.is_empty() {
        return Err(Invalid::new("scopes", "choose at least one"));
    }
    let expires_at = match form.days.trim() {
        "" => None,
        days => {
            let days: i64 = days
                .parse()
                .ok()
                .filter(|d| (1..=MAX_DAYS).contains(d))
                .ok_or_else(|| {
                    Invalid::new("days", format!("a number of days from 1 to {MAX_DAYS}"))
                })?;
            Some(now + SignedDuration::from_hours(days * 24))
        }
    };
    Ok(NewTokenParts {
        name: name.to_string(),
        scopes,
        expires_at,
    })
}

struct NewTokenParts {
    name: String,
    scopes: Vec<Scope>,
    expires_at: Option<Timestamp>,
}

/// `POST /admin/tokens`: makes a token and shows its secret, this once.
pub async fn make_token(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<TokenForm>,
) -> Result<Response> {
    staff.require(Action::EnterAdmin)?;
    let now = Timestamp::now();
    let parts = match checked(&form, now) {
        Ok(parts) => parts,
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&app, &staff, &form, Some(message(&e)), None, status).await;
        }
    };
    let (secret, prefix) = new_access_token();
    let new = NewAccessToken {
        user_id: staff.user.id,
        name: parts.name.clone(),
        token_hash: token_hash(&secret),
        prefix,
        scopes: parts.scopes,
        expires_at: parts.expires_at,
    };
    app.store.create_access_token(&new, now).await?;
    let made = Some((secret, parts.name));
    page(
        &app,
        &staff,
        &TokenForm::default(),
        None,
        made,
        StatusCode::CREATED,
    )
    .await
}

/// `POST /admin/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    app.store
        .revoke_access_token(staff.user.id, id, Timestamp::now())
        .await?;
    Ok(see_other("/admin/tokens"))
}
