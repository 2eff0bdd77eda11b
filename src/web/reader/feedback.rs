//! The Feedback form: readers write to the newsroom from the footer page.
//!
//! The form needs no account and no JavaScript. A message is checked
//! (a reply address, a message of at most 10 KB), throttled per reader,
//! and stored once even if the form is sent twice.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
};
use dateline_core::{Email, Page};
use dateline_store::NewFeedback;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Chrome, render};
use crate::{
    web::{App, AppState},
    web::{
        AppError, Result,
        cache::Rendered,
        forms::{CleanForm, FormRefusal},
        throttle::{self, client_address},
    },
};

/// The longest message kept, in bytes of UTF-8.
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024;
const MAX_NAME_CHARS: usize = 200;
/// Bodies larger than this are not read at all (the form's fields together,
/// encoded, with room for a message at the limit).
pub const MAX_FORM_BYTES: usize = 64 * 1024;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FeedbackForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    message: String,
    /// Hidden from people; a robot that fills every field fills it.
    #[serde(default)]
    website: String,
}

#[derive(Serialize)]
struct FeedbackPage<'a> {
    chrome: Chrome,
    page: Option<Page>,
    form: &'a FeedbackForm,
    errors: Vec<FieldError>,
    max_message_bytes: usize,
}

#[derive(Debug, Serialize)]
struct FieldError {
    field: &'static str,
    message: String,
}

/// `GET /feedback`: the footer page's text (the page `feedback`, if the
/// newsroom wrote one) and the form.
pub async fn show_feedback(State(app): State<AppState>, request: Request) -> Result<Response> {
    app.pages
        .serve(&app.store, "/feedback", request.headers(), || async {
            let html = render_form(&app, &FeedbackForm::default(), Vec::new()).await?;
            Ok(Rendered::page(html, Vec::new()))
        })
        .await
}

/// `GET /feedback/thanks`, where a sent form lands.
pub async fn show_thanks(State(app): State<AppState>, request: Request) -> Result<Response> {
    app.pages
        .serve(
            &app.store,
            "/feedback/thanks",
            request.headers(),
            || async {
                let chrome = Chrome::load(&app).await?;
                render(
                    &app,
                    "feedback_thanks.html",
                    serde_json::json!({ "chrome": chrome }),
                    Vec::new(),
                )
            },
        )
        .await
}

/// `POST /feedback`.
pub async fn send_feedback(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: std::result::Result<CleanForm<FeedbackForm>, FormRefusal>,
) -> Result<Response> {
    let client = client_address(&headers, &app.config.server, peer);
    if let Err(wait) = app.feedback_throttle.check(client) {
        return Ok(throttle::refusal(
            wait,
            "Please wait",
            "You have sent several messages in a short time. Please wait {wait} and try again.",
        ));
    }
    let CleanForm(form) = form.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Message too long",
            format!(
                "The form sent was larger than {} KB. Please shorten your message to {} KB or less.",
                MAX_FORM_BYTES / 1024,
                MAX_MESSAGE_BYTES / 1024
            ),
        ),
        _ => AppError::refused(
            StatusCode::BAD_REQUEST,
            "Form not understood",
            "The form could not be read. Please send it again from the Feedback page.",
        ),
    })?;
    if !form.website.is_empty() {
        // A robot: it is told the message went, and nothing is kept.
        return Ok(Redirect::to("/feedback/thanks").into_response());
    }
    let feedback = match check(&form) {
        Ok(feedback) => feedback,
        Err(errors) => {
            let html = render_form(&app, &form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    let stored = app
        .store
        .submit_feedback(&feedback, jiff::Timestamp::now())
        .await?;
    if !stored {
        tracing::info!("feedback sent again; kept once");
    }
    Ok(Redirect::to("/feedback/thanks").into_response())
}

async fn render_form(app: &App, form: &FeedbackForm, errors: Vec<FieldError>) -> Result<String> {
    let chrome = Chrome::load(app).await?;
    let page = app.store.page_by_slug("feedback").await?;
    Ok(app.templates.render(
        "feedback.html",
        FeedbackPage {
            chrome,
            page,
            form,
            errors,
            max_message_bytes: MAX_MESSAGE_BYTES,
        },
    )?)
}

/// The message to store, or what the reader must fix, field by field.
fn check(form: &FeedbackForm) -> std::result::Result<NewFeedback, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError {
            field: "name",
            message: format!("Please shorten your name to {MAX_NAME_CHARS} characters."),
        });
    }
    let email = form.email.trim();
    let parsed = if email.is_empty() {
        errors.push(FieldError {
            field: "email",
            message: "Please give an email address, so that we can reply.".into(),
        });
        None
    } else {
        let parsed = Email::parse(email).ok();
        if parsed.is_none() {
            errors.push(FieldError {
                field: "email",
                message: format!("“{email}” is not an email address. Please check it."),
            });
        }
        parsed
    };
    let message = form.message.trim();
    if message.is_empty() {
        errors.push(FieldError {
            field: "message",
            message: "Please write your message.".into(),
        });
    } else if message.len() > MAX_MESSAGE_BYTES {
        errors.push(FieldError {
            field: "message",
            message: format!(
                "Your message is {:.1} KB; the limit is {} KB. Please shorten it.",
                message.len() as f64 / 1024.0,
                MAX_MESSAGE_BYTES / 1024
            ),
        });
    }
    let Some(email) = parsed.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    Ok(NewFeedback {
        dedupe_key: dedupe_key(name, &email, message),
        name: name.to_owned(),
        email,
        message: message.to_owned(),
    })
}

/// The same message from the same address on the same day is one message.
fn dedupe_key(name: &str, email: &Email, message: &str) -> String {
    let day = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let mut hash = Sha256::new();
    for part in [day.as_str(), &email.as_str().to_lowercase(), name, message] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    crate::encoding::hex(&hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, email: &str, message: &str) -> FeedbackForm {
        FeedbackForm {
            name: name.into(),
            email: email.into(),
            message: message.into(),
            website: String::new(),
        }
    }

    fn fields(form: &FeedbackForm) -> Vec<&'static str> {
        check(form).unwrap_err().iter().map(|e| e.field).collect()
    }

    #[test]
    fn every_problem_is_named_with_its_field() {
        assert_eq!(fields(&form("", "", "")), ["email", "message"]);
        assert_eq!(fields(&form("A", "not-an-address", "Hello")), ["email"]);
        assert_eq!(fields(&form("A", "a@b.example", "   ")), ["message"]);
        let long = "x".repeat(MAX_MESSAGE_BYTES + 1);
        assert_eq!(fields(&form("A", "a@b.example", &long)), ["message"]);
        assert_eq!(
            fields(&form(&"n".repeat(201), "a@b.example", "Hi")),
            ["name"]
        );
    }

    #[test]
    fn a_message_at_the_limit_is_kept_whole() {
        let exact = "x".repeat(MAX_MESSAGE_BYTES);
        let kept = check(&form("A", "a@b.example", &exact)).unwrap();
        assert_eq!(kept.message.len(), MAX_MESSAGE_BYTES);
    }

    #[test]
    fn the_same_message_twice_has_one_key() {
        let a = check(&form("A", "Reader@B.example", "Hello")).unwrap();
        let b = check(&form(" A ", "reader@b.example", "Hello\n")).unwrap();
        let c = check(&form("A", "reader@b.example", "Hello again")).unwrap();
        assert_eq!(a.dedupe_key, b.dedupe_key);
        assert_ne!(a.dedupe_key, c.dedupe_key);
    }
}
