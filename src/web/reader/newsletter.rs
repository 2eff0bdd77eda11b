//! Newsletter sign-up, confirmation, preferences and unsubscribing, for
//! readers with or without an account.
//!
//! The sign-up box is on every (cached) reader page and posts here. Every
//! answer to a sign-up is the same "check your inbox", so the form does
//! not tell anyone whether an address is subscribed. Links in mail carry a
//! token: a confirmation link's is used once; the subscriber's own token
//! (in every message) opens their preferences and unsubscribes them in one
//! click, as RFC 8058 asks, without signing in.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, Request, State},
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
};
use dateline_core::{Email, Section};
use dateline_store::{Newsletter, Subscriber, SubscriberState};
use serde::{Deserialize, Serialize};

use super::{Chrome, render};
use crate::{
    accounts::{new_token, token_hash},
    web::{App, AppState},
    web::{
        AppError, Result,
        forms::{CleanForm, FormRefusal},
        private,
        throttle::{self, client_address},
    },
};

/// A second confirmation mail for one address goes out no sooner than this.
const RESEND_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// A sign-up form is one address; anything larger is not read.
pub const MAX_FORM_BYTES: usize = 4 * 1024;

#[derive(Debug, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    email: String,
    /// Hidden from people; a robot that fills every field fills it.
    #[serde(default)]
    website: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    newsletter: Vec<i64>,
    #[serde(default)]
    section: Vec<i64>,
}

/// The template's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum View {
    /// The sign-up box's address was refused.
    SignUp,
    CheckInbox,
    Confirm,
    Preferences,
    Unsubscribe,
    Unsubscribed,
    /// A token that is unknown or used up.
    Invalid,
}

impl View {
    fn title(self) -> &'static str {
        match self {
            Self::SignUp => "Newsletter sign-up",
            Self::CheckInbox => "Check your inbox",
            Self::Confirm => "Confirm your subscription",
            Self::Preferences => "Your newsletters",
            Self::Unsubscribe => "Unsubscribe",
            Self::Unsubscribed => "You are unsubscribed",
            Self::Invalid => "This link does not work",
        }
    }
}

#[derive(Serialize)]
struct NewsletterPage<'a> {
    chrome: Chrome,
    view: View,
    title: &'static str,
    token: &'a str,
    subscriber: Option<&'a Subscriber>,
    newsletters: Vec<Newsletter>,
    sections: Vec<SectionChoice>,
    saved: bool,
    error: Option<String>,
    email: &'a str,
}

#[derive(Serialize)]
struct SectionChoice {
    id: i64,
    name: String,
    chosen: bool,
}

impl<'a> NewsletterPage<'a> {
    async fn new(app: &App, view: View) -> Result<Self> {
        Ok(Self {
            chrome: Chrome::load(app).await?,
            view,
            title: view.title(),
            token: "",
            subscriber: None,
            newsletters: Vec::new(),
            sections: Vec::new(),
            saved: false,
            error: None,
            email: "",
        })
    }

    fn html(&self, app: &App) -> Result<String> {
        Ok(app.templates.render("newsletter.html", self)?)
    }

    /// A page for one reader: never stored by a cache.
    fn respond(&self, app: &App, status: StatusCode) -> Result<Response> {
        Ok(private((status, Html(self.html(app)?)).into_response()))
    }
}

/// `POST /newsletter`: the sign-up box.
pub async fn sign_up(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: std::result::Result<CleanForm<SignUpForm>, FormRefusal>,
) -> Result<Response> {
    let client = client_address(&headers, &app.config.server, peer);
    if let Err(wait) = app.signup_throttle.check(client) {
        return Ok(throttle::refusal(
            wait,
            "Please wait",
            "Too many sign-ups from here in a short time. Please wait {wait} and try again.",
        ));
    }
    let CleanForm(form) = form.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Form too large",
            "A sign-up is one email address. Please send the form from our page.",
        ),
        _ => AppError::refused(
            StatusCode::BAD_REQUEST,
            "Form not understood",
            "The form could not be read. Please send it again from our page.",
        ),
    })?;
    if !form.website.is_empty() {
        // A robot: told it worked, nothing kept.
        return Ok(Redirect::to("/newsletter/check-inbox").into_response());
    }
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(_) => {
            let mut page = NewsletterPage::new(&app, View::SignUp).await?;
            page.email = &form.email;
            page.error = Some(if form.email.trim().is_empty() {
                "Please give your email address.".into()
            } else {
                "That is not an email address we can send to. Please check it and try again.".into()
            });
            return page.respond(&app, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if !app.mailer.is_configured() {
        return Err(AppError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-up unavailable",
            "Newsletters cannot be sent from this site yet. Please try again later.",
        ));
    }
    let offered = offered_by_default(&app).await?;
    // The confirmation mail, if one is due, is a job: the store wakes the worker.
    app.store
        .sign_up(
            &email,
            &offered,
            &new_token(),
            RESEND_AFTER,
            jiff::Timestamp::now(),
        )
        .await?;
    Ok(Redirect::to("/newsletter/check-inbox").into_response())
}

/// The newsletters a sign-up gets unless its reader chooses otherwise.
pub async fn offered_by_default(app: &App) -> Result<Vec<i64>> {
    Ok(app
        .store
        .newsletters()
        .await?
        .into_iter()
        .filter(|n| n.by_default)
        .map(|n| n.id)
        .collect())
}

/// `GET /newsletter/check-inbox`, where every sign-up lands.
pub async fn show_check_inbox(State(app): State<AppState>, request: Request) -> Result<Response> {
    app.pages
        .serve(
            &app.store,
            "/newsletter/check-inbox",
            request.headers(),
            || async {
                let page = NewsletterPage::new(&app, View::CheckInbox).await?;
                render(&app, "newsletter.html", page, Vec::new())
            },
        )
        .await
}

/// `GET /newsletter/confirm/{token}`: a button, so that a mail scanner
/// that follows links does not confirm for the reader.
pub async fn show_confirm(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let mut page = NewsletterPage::new(&app, View::Confirm).await?;
    page.token = &token;
    page.respond(&app, StatusCode::OK)
}

/// `POST /newsletter/confirm/{token}`.
pub async fn confirm(State(app): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    match app
        .store
        .confirm_subscriber(&token_hash(&token), jiff::Timestamp::now())
        .await?
    {
        Some(subscriber) => Ok(Redirect::to(&format!(
            "/newsletter/preferences/{}?confirmed=1",
            subscriber.token
        ))
        .into_response()),
        None => invalid_link(&app).await,
    }
}

/// `GET /newsletter/preferences/{token}`.
pub async fn show_preferences(
    State(app): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response> {
    let Some(subscriber) = app.store.subscriber_by_token(&token).await? else {
        return invalid_link(&app).await;
    };
    let confirmed = request.uri().query() == Some("confirmed=1");
    let newsletters = app.store.newsletters().await?;
    let sections = app.store.sections().await?;
    preferences_page(&app, &subscriber, confirmed, newsletters, sections).await
}

/// `POST /newsletter/preferences/{token}`.
pub async fn save_preferences(
    State(app): State<AppState>,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response> {
    // Repeated fields (`newsletter=1&newsletter=2`): serde_html_form reads
    // them into lists, which axum's `Form` cannot.
    let form: PreferencesForm = crate::web::forms::form(&body).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Form not understood",
            "The form could not be read. Please send it again from the preferences page.",
        )
    })?;
    let newsletters = app.store.newsletters().await?;
    let sections = app.store.sections().await?;
    // Only what the page offered; anything else is ignored.
    let chosen: Vec<i64> = form
        .newsletter
        .into_iter()
        .filter(|id| newsletters.iter().any(|n| n.id == *id))
        .collect();
    let chosen_sections: Vec<i64> = form
        .section
        .into_iter()
        .filter(|id| sections.iter().any(|s| s.id.0 == *id))
        .collect();
    let now = jiff::Timestamp::now();
    if !app
        .store
        .set_subscriber_preferences(&token, &chosen, &chosen_sections, now)
        .await?
    {
        return invalid_link(&app).await;
    }
    let subscriber = app
        .store
        .subscriber_by_token(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    preferences_page(&app, &subscriber, false, newsletters, sections).await
}

/// The preferences page, offering the newsletters and the top-level
/// sections.
async fn preferences_page(
    app: &App,
    subscriber: &Subscriber,
    confirmed: bool,
    newsletters: Vec<Newsletter>,
    sections: Vec<Section>,
) -> Result<Response> {
    let mut page = NewsletterPage::new(app, View::Preferences).await?;
    page.token = &subscriber.token;
    page.subscriber = Some(subscriber);
    page.saved = confirmed;
    page.newsletters = newsletters;
    page.sections = sections
        .into_iter()
        .filter(|s| s.parent_id.is_none())
        .map(|s| SectionChoice {
            chosen: subscriber.sections.contains(&s.slug),
            id: s.id.0,
            name: s.name,
        })
        .collect();
    page.respond(app, StatusCode::OK)
}

/// `GET /newsletter/unsubscribe/{token}`: a button (a link followed by a
/// scanner must not unsubscribe anyone).
pub async fn show_unsubscribe(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let Some(subscriber) = app.store.subscriber_by_token(&token).await? else {
        return invalid_link(&app).await;
    };
    let view = if subscriber.state == SubscriberState::Unsubscribed {
        View::Unsubscribed
    } else {
        View::Unsubscribe
    };
    let mut page = NewsletterPage::new(&app, view).await?;
    page.token = &token;
    page.subscriber = Some(&subscriber);
    page.respond(&app, StatusCode::OK)
}

/// `POST /newsletter/unsubscribe/{token}`: the page's button, and the
/// one-click POST a mailbox provider sends (`List-Unsubscribe=One-Click`).
pub async fn unsubscribe(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    if !app
        .store
        .unsubscribe(&token, jiff::Timestamp::now())
        .await?
    {
        return invalid_link(&app).await;
    }
    let subscriber = app.store.subscriber_by_token(&token).await?;
    let mut page = NewsletterPage::new(&app, View::Unsubscribed).await?;
    page.token = &token;
    page.subscriber = subscriber.as_ref();
    page.respond(&app, StatusCode::OK)
}

async fn invalid_link(app: &App) -> Result<Response> {
    NewsletterPage::new(app, View::Invalid)
        .await?
        .respond(app, StatusCode::NOT_FOUND)
}
