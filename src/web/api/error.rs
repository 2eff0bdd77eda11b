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
    /// What went wrong, for programs: `invalid_request`, `invalid_json`,
    /// `invalid_fields`, `unauthorized`, `invalid_token`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `conflict`, `stale_revision`,
    /// `gone`, `too_large`, `unsupported_media_type`, `rejected_document`,
    /// `rate_limited`, `internal`.
    code: &'static str,
    /// What went wrong, for people.
    message: String,
    /// The request's fields that were wrong, each with what was wrong with it.
    fields: Vec<FieldError>,
    /// Seconds to wait before asking again (`Retry-After`), for `429`.
    #[serde(skip)]
    retry_after: Option<u64>,
    /// The `WWW-Authenticate` challenge, for `401`.
    #[serde(skip)]
    challenge: Option<&'static str>,
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

    /// Too many requests from one client (`who`: "this address", "this
    /// access token"): it may ask again after `wait`.
    pub fn rate_limited(wait: std::time::Duration, who: &str) -> Self {
        let seconds = wait.as_secs().max(1);
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Too many requests from {who}: ask again in {seconds} s."),
            )
        }
    }

    /// A request body whose fields are wrong (`422`), each with its reason.
    pub fn invalid_fields(fields: impl IntoIterator<Item = (String, String)>) -> Self {
        let fields: Vec<FieldError> = fields
            .into_iter()
            .map(|(field, message)| FieldError { field, message })
            .collect();
        let message = match fields.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields are wrong.", fields.len()),
        };
        Self {
            fields,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields", message)
        }
    }

    /// No `Authorization: Bearer` token on a request that needs one.
    pub fn unauthorized() -> Self {
        Self {
            challenge: Some("Bearer realm=\"dateline\""),
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "This needs a personal access token: `Authorization: Bearer <token>`.",
            )
        }
    }

    /// A token that is unknown, revoked or expired (or its owner disabled).
    pub fn invalid_token() -> Self {
        Self {
            challenge: Some("Bearer realm=\"dateline\", error=\"invalid_token\""),
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "This access token is not valid: it is unknown, revoked or expired.",
            )
        }
    }

    /// No valid push token for the wire source in the address (unknown
    /// sources are answered the same, so that they cannot be guessed).
    pub fn invalid_push_token() -> Self {
        Self {
            challenge: Some("Bearer realm=\"dateline-wire\", error=\"invalid_token\""),
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "This needs the wire source's push token (`Authorization: Bearer dlwire_…`), \
                 made on the source's page in the admin; the one sent is not it.",
            )
        }
    }

    /// A wire document that cannot be read, with the field or line why.
    pub fn rejected_document(reason: &str) -> Self {
        Self {
            fields: vec![FieldError {
                field: "body".to_owned(),
                message: reason.to_owned(),
            }],
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "rejected_document",
                format!("The document is refused: {reason}"),
            )
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
            challenge: None,
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
            AppError::SignInRequired | AppError::PasswordChangeRequired => Self::unauthorized(),
            AppError::Internal(e) => {
                // Logged in the request's span; the id is in `x-request-id`
                // for programs and in the message for people.
                tracing::error!(error = format!("{e:#}"), "API request failed");
                let reference = crate::web::request_id::RequestId::current()
                    .map(|id| format!(" Reference: {id}."))
                    .unwrap_or_default();
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    format!(
                        "The request could not be answered. Please try again shortly.{reference}"
                    ),
                )
            }
        }
    }
}

impl From<dateline_store::StoreError> for ApiError {
    fn from(e: dateline_store::StoreError) -> Self {
        use dateline_store::StoreError;
        match e {
            StoreError::NotFound => Self::not_found("There is no such thing (any more)."),
            StoreError::Invalid(e) => Self::invalid_fields([(e.field.to_owned(), e.reason)]),
            StoreError::StaleRevision { current } => Self::conflict(
                "stale_revision",
                format!(
                    "Someone saved the article since the revision this change was based on; \
                     the newest is {current}. Read it again and send the change against it."
                ),
            ),
            StoreError::Conflict { constraint, .. } => Self::conflict(
                "conflict",
                format!(
                    "The change clashes with what is stored ({constraint}): an address \
                     already taken, or something it names removed meanwhile."
                ),
            ),
            e => AppError::from(e).into(),
        }
    }
}

impl From<crate::newsroom::NoSuchArticle> for ApiError {
    fn from(_: crate::newsroom::NoSuchArticle) -> Self {
        Self::not_found("No article has this id.")
    }
}

impl From<dateline_core::Invalid> for ApiError {
    fn from(e: dateline_core::Invalid) -> Self {
        Self::invalid_fields([(e.field.to_owned(), e.reason)])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self)).into_response();
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after {
            headers.insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        if let Some(challenge) = self.challenge {
            headers.insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static(challenge),
            );
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
