//! `/admin/webhooks`: integrations told of article events, each with its
//! delivery log. Admins only (`ManageSite`). A webhook's signing secret is
//! shown once, on the answer to the form that made it.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, Invalid, Text};
use dateline_store::{NewWebhook, WEBHOOK_EVENTS, Webhook, WebhookAttempt};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    catalog::message,
    session::{AdminForm, Staff, StaffView, admin_page, see_other},
    sign_in::Nothing,
};
use crate::{
    accounts::new_token,
    web::{App, AppState},
    web::{AppError, Result},
};

/// Attempts the delivery log shows.
const LOG_LENGTH: i64 = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WebhookForm {
    name: String,
    url: String,
    events: Vec<String>,
}

#[derive(Serialize)]
struct EventChoice {
    name: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct WebhooksPage {
    staff: StaffView,
    webhooks: Vec<Webhook>,
    events: Vec<EventChoice>,
    name: String,
    url: String,
    error: Option<String>,
    /// The new webhook's secret, on the answer that made it.
    secret: Option<String>,
}

async fn list_page(
    app: &App,
    staff: &Staff,
    form: &WebhookForm,
    error: Option<String>,
    secret: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let page = WebhooksPage {
        staff: staff.view(),
        webhooks: app.store.webhooks().await?,
        events: WEBHOOK_EVENTS
            .into_iter()
            .map(|name| EventChoice {
                name,
                checked: form.events.iter().any(|e| e == name),
            })
            .collect(),
        name: form.name.clone(),
        url: form.url.clone(),
        error,
        secret,
    };
    admin_page(app, "admin/webhooks.html", status, page)
}

/// `GET /admin/webhooks`.
pub async fn show_webhooks(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let form = WebhookForm {
        events: WEBHOOK_EVENTS.map(str::to_owned).to_vec(),
        ..WebhookForm::default()
    };
    list_page(&app, &staff, &form, None, None, StatusCode::OK).await
}

fn checked(form: &WebhookForm) -> std::result::Result<NewWebhook, Invalid> {
    let name = Text::parse("name", &form.name, 100)?;
    let url = url::Url::parse(form.url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| Invalid::new("url", "an http:// or https:// address"))?;
    let mut events = Vec::new();
    for event in WEBHOOK_EVENTS {
        if form.events.iter().any(|e| e == event) {
            events.push(event.to_owned());
        }
    }
    if let Some(unknown) = form
        .events
        .iter()
        .find(|e| !WEBHOOK_EVENTS.contains(&e.as_str()))
    {
        return Err(Invalid::new(
            "events",
            format!("{unknown:?} is not an event"),
        ));
    }
    if events.is_empty() {
        return Err(Invalid::new("events", "choose at least one"));
    }
    Ok(NewWebhook {
        name: name.to_string(),
        url: url.to_string(),
        secret: format!("whsec_{}", new_token()),
        events,
    })
}

/// `POST /admin/webhooks`: makes a webhook and shows its secret, this once.
pub async fn make_webhook(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<WebhookForm>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    match checked(&form) {
        Ok(new) => {
            app.store.create_webhook(&new, Timestamp::now()).await?;
            let blank = WebhookForm {
                events: WEBHOOK_EVENTS.map(str::to_owned).to_vec(),
                ..WebhookForm::default()
            };
            list_page(
                &app,
                &staff,
                &blank,
                None,
                Some(new.secret),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            list_page(&app, &staff, &form, Some(message(&e)), None, status).await
        }
    }
}

#[derive(Serialize)]
struct LogPage {
    staff: StaffView,
    webhook: Webhook,
    attempts: Vec<AttemptView>,
}

#[derive(Serialize)]
struct AttemptView {
    #[serde(flatten)]
    attempt: WebhookAttempt,
    delivered: bool,
}

/// `GET /admin/webhooks/{id}`: the delivery log, newest first.
pub async fn show_log(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let webhook = app.store.webhook(id).await?.ok_or(AppError::NotFound)?;
    let attempts = app
        .store
        .webhook_attempts(id, LOG_LENGTH)
        .await?
        .into_iter()
        .map(|attempt| AttemptView {
            delivered: attempt.delivered(),
            attempt,
        })
        .collect();
    let page = LogPage {
        staff: staff.view(),
        webhook,
        attempts,
    };
    admin_page(&app, "admin/webhook.html", StatusCode::OK, page)
}

/// `POST /admin/webhooks/{id}/delete`.
pub async fn delete_webhook(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    app.store.delete_webhook(id).await?;
    Ok(see_other("/admin/webhooks"))
}
