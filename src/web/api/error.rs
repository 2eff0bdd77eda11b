//! The API's one error shape: every refusal and failure under `/api` is
//! `{"code": …, "message": …, "fields": [{"field": …, "message": …}]}`
//! with the status that fits, never an HTML page.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::web::AppError;

/// An error, as every API response that is not a success carries it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// What went wrong, for programs: `not_found`, `gone`, `invalid_request`,
    /// `method_not_allowed`, `rate_limited`, `internal`.
    code: &'static str,
    /// What went wrong, for people.
    message: String,
    /// The request's fields that were wrong, each with what was wrong with it.
    fields: Vec<FieldError>,
    /// Seconds to wait before asking again (`Retry-After`), for `429`.
    #[serde(skip)]
    retry_after: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// The query parameter, path segment or body field.
    field: String,
    message: String,
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A request that names `field` wrongly.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            fields: vec![FieldError {
                field: field.into(),
                message: message.clone(),
            }],
            ..Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
        }
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This address does not answer this method.",
        )
    }

    /// Too many requests from one client: it may ask again after `wait`.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let seconds = wait.as_secs().max(1);
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Too many requests from this address: ask again in {seconds} s."),
            )
        }
    }

    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::not_found("Nothing is published at this address."),
            AppError::Gone => {
                Self::new(StatusCode::GONE, "gone", "This article has been withdrawn.")
            }
            AppError::Refused {
                status, message, ..
            } => Self::new(status, "refused", message),
            AppError::SignInRequired => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "This needs an access token.",
            ),
            AppError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "API request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "The request could not be answered. Please try again shortly.",
                )
            }
        }
    }
}

impl From<dateline_store::StoreError> for ApiError {
    fn from(e: dateline_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// `404` for any address under `/api` that names no operation.
pub async fn no_such_operation() -> ApiError {
    ApiError::not_found("No API operation has this address. See /api/docs.")
}

/// `405` for an operation's address with a method it does not answer.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
