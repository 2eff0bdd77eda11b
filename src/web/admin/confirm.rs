//! Actions that cannot be taken back (mailing every subscriber, deleting a
//! live entry readers are watching) ask first. Without JavaScript the first
//! press answers with a page that names what will happen and asks again;
//! with it, `admin.js` asks in a dialog and sends the form as confirmed.
//! Mailings also offer a test sent to the staff member alone.

use axum::{http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};

use super::session::{Staff, StaffView, admin_page};
use crate::{web::App, web::Result};

/// The field a confirmed form carries (`confirmed=yes`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Confirmation {
    confirmed: String,
}

impl Confirmation {
    pub fn given(&self) -> bool {
        self.confirmed == "yes"
    }
}

/// What the confirmation page says and where its buttons post.
pub struct Ask<'a> {
    pub title: &'a str,
    pub message: String,
    /// The form's action, posted again with `confirmed=yes`.
    pub action: String,
    pub button: &'a str,
    /// Where "Send a test to me" posts, for mailings.
    pub test_action: Option<String>,
    /// Where "Cancel" leads.
    pub back: String,
    /// Said above the question (a test was sent).
    pub notice: Option<String>,
}

#[derive(Serialize)]
struct ConfirmPage<'a> {
    staff: StaffView,
    title: &'a str,
    message: &'a str,
    action: &'a str,
    button: &'a str,
    test_action: Option<&'a str>,
    back: &'a str,
    notice: Option<&'a str>,
    email: &'a str,
}

pub fn ask(app: &App, staff: &Staff, ask: Ask<'_>) -> Result<Response> {
    admin_page(
        app,
        "admin/confirm.html",
        StatusCode::OK,
        ConfirmPage {
            staff: staff.view(),
            title: ask.title,
            message: &ask.message,
            action: &ask.action,
            button: ask.button,
            test_action: ask.test_action.as_deref(),
            back: &ask.back,
            notice: ask.notice.as_deref(),
            email: &staff.user.email,
        },
    )
}
