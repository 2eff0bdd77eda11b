//! `/admin/people`: staff accounts (admins only), and `/admin/audit`: who
//! did what (editors and admins).

use axum::{
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use dateline_core::{Action, Email, Role, Text};
use dateline_store::{AuditEntry, NewUser, StoreError, User};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::session::{AdminForm, Staff, StaffView, private};
use crate::{
    accounts::{hash_password, one_time_password},
    web::{App, AppState},
    web::{AppError, Result},
};

const AUDIT_ENTRIES: i64 = 200;

#[derive(Serialize)]
struct PeoplePage<'a> {
    staff: StaffView,
    people: Vec<User>,
    roles: [&'static str; 4],
    /// Shown once, right after an account is added.
    added: Option<Added<'a>>,
    error: Option<String>,
}

#[derive(Serialize)]
struct Added<'a> {
    email: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

pub async fn show_people(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ManagePeople)?;
    people_page(&app, &staff, None, None, StatusCode::OK).await
}

/// `POST /admin/people`: adds an account and shows its one-time password,
/// once; the page is not stored by any cache.
pub async fn add_person(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<PersonForm>,
) -> Result<Response> {
    staff.require(Action::ManagePeople)?;
    let checked = (|| {
        let email = Email::parse(&form.email)?;
        let name = Text::parse("name", &form.name, 200)?;
        let role = Role::parse(&form.role)?;
        Ok::<_, dateline_core::Invalid>((email, name, role))
    })();
    let (email, name, role) = match checked {
        Ok(fields) => fields,
        Err(e) => {
            let message = format!("{}: {}", e.field, e.reason);
            return people_page(
                &app,
                &staff,
                None,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let password = one_time_password();
    let new = NewUser {
        email,
        name,
        role,
        password_hash: hash_password(password.clone()).await?,
        must_change_password: true,
    };
    match app.store.create_user(&new, Timestamp::now()).await {
        Ok(_) => {
            let added = Added {
                email: new.email.as_str(),
                password: &password,
            };
            people_page(&app, &staff, Some(added), None, StatusCode::OK).await
        }
        Err(StoreError::Conflict { .. }) => {
            let message = format!("{} already has an account.", new.email.as_str());
            people_page(&app, &staff, None, Some(message), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn people_page(
    app: &App,
    staff: &Staff,
    added: Option<Added<'_>>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let html = app.templates.render(
        "admin/people.html",
        PeoplePage {
            staff: staff.view(),
            people: app.store.users().await?,
            roles: Role::ALL.map(Role::as_str),
            added,
            error,
        },
    )?;
    Ok(private((status, Html(html)).into_response()))
}

#[derive(Serialize)]
struct AuditPage {
    staff: StaffView,
    entries: Vec<AuditEntry>,
}

pub async fn show_audit(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ReadAuditLog)?;
    let entries = app.store.audit_log(None, AUDIT_ENTRIES).await?;
    let html = app
        .templates
        .render(
            "admin/audit.html",
            AuditPage {
                staff: staff.view(),
                entries,
            },
        )
        .map_err(AppError::from)?;
    Ok(private(Html(html).into_response()))
}
