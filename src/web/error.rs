//! One error type for handlers; it becomes an HTML error page.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use dateline_store::StoreError;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The thing existed and was withdrawn (an unpublished article).
    #[error("gone")]
    Gone,
    /// A request refused for a reason the client can act on (bad input,
    /// too many attempts, a cross-site form): a 4xx with a message.
    #[error("{message}")]
    Refused {
        status: StatusCode,
        title: &'static str,
        message: String,
    },
    /// An admin page asked for without a live staff session: the answer is
    /// the sign-in page.
    #[error("sign-in required")]
    SignInRequired,
    /// A staff member signed in with a one-time password asked for anything
    /// but choosing their own: the answer is that page.
    #[error("a new password is required")]
    PasswordChangeRequired,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn refused(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            status,
            title,
            message: message.into(),
        }
    }

    /// An error shared by every request that waited on one render.
    pub fn from_shared(e: std::sync::Arc<AppError>) -> Self {
        std::sync::Arc::try_unwrap(e).unwrap_or_else(|shared| match &*shared {
            Self::NotFound => Self::NotFound,
            Self::Gone => Self::Gone,
            Self::Refused {
                status,
                title,
                message,
            } => Self::Refused {
                status: *status,
                title,
                message: message.clone(),
            },
            Self::SignInRequired => Self::SignInRequired,
            Self::PasswordChangeRequired => Self::PasswordChangeRequired,
            Self::Internal(e) => Self::Internal(anyhow::anyhow!("{e:#}")),
        })
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::newsroom::NoSuchArticle> for AppError {
    fn from(_: crate::newsroom::NoSuchArticle) -> Self {
        Self::NotFound
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        Self::Internal(anyhow::Error::new(e).context("rendering a template"))
    }
}

/// Marks a response as an error page, for the reader site to dress in its theme.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub title: &'static str,
    pub text: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            Self::SignInRequired => {
                return axum::response::Redirect::to("/admin/sign-in").into_response();
            }
            Self::PasswordChangeRequired => {
                return axum::response::Redirect::to(super::admin::OWN_PASSWORD_PATH)
                    .into_response();
            }
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address.".to_owned(),
            ),
            Self::Gone => (
                StatusCode::GONE,
                "Article withdrawn",
                "This article has been withdrawn and is no longer available.".to_owned(),
            ),
            Self::Refused {
                status,
                title,
                message,
            } => (status, title, message),
            Self::Internal(e) => {
                // Logged once, here, in the request's span (its id, method
                // and path); the reader is given the id to quote.
                tracing::error!(error = format!("{e:#}"), "request failed");
                let reference = super::request_id::RequestId::current()
                    .map(|id| format!(" If it keeps happening, tell us this reference: {id}."))
                    .unwrap_or_default();
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    format!("The page could not be shown. Please try again shortly.{reference}"),
                )
            }
        };
        // Self-contained on purpose: an error page must not depend on the
        // store or the templates, which may be what failed.
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head>\
             <body><main class=\"wrap error-page\"><h1>{title}</h1><p>{}</p>\
             <p><a href=\"/\">Go to the home page</a></p></main></body></html>\n",
            crate::theme::escape_html_str(&text)
        );
        let mut response = (status, Html(body)).into_response();
        response.extensions_mut().insert(ErrorPage {
            status,
            title,
            text,
        });
        response
    }
}
