//! The admin API: what the newsroom does in the admin, for programs acting
//! for a staff member with one of their personal access tokens
//! (`Authorization: Bearer dlpat_…`). The role rules are the admin's own
//! ([`super::auth::Caller::require`]).

pub mod article_shapes;
pub mod articles;
pub mod live_entries;
pub mod media;
pub mod taxonomy;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::ArticleId;
use serde::Serialize;

use super::ApiError;

/// An answer for this caller only: never kept by a cache.
pub(super) fn no_store(status: StatusCode, body: &impl Serialize) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// An id from the path (`400` naming it if it is not a number).
fn path_id(id: &str) -> Result<ArticleId, ApiError> {
    number("id", id).map(ArticleId)
}

fn number(field: &str, value: &str) -> Result<i64, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::invalid(field, format!("{field} is a whole number.")))
}
