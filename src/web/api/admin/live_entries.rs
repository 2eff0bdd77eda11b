//! Live-blog entries through the admin API: an entry added to a live blog
//! reaches readers with its page open, as one added in the editor does.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::Carriage;
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{no_store, path_id};
use crate::{
    newsroom::editable,
    web::AppState,
    web::api::{ApiError, auth::Caller, body::ApiJson, shapes::EntryShape},
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// One line, at most 120 characters.
    pub title: Option<String>,
    /// Markdown.
    pub body: String,
}

/// Adds an entry to a live blog; readers with its page open see it arrive.
#[utoipa::path(
    post,
    path = "/api/v1/admin/articles/{id}/entries",
    tag = "admin",
    params(("id" = i64, Path, description = "The live blog's id")),
    request_body = EntryInput,
    security(("token" = [])),
    responses(
        (status = 201, description = "The new entry", body = EntryShape),
        (status = 400, description = "The id is not a number or the body not JSON", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not edit this article", body = ApiError),
        (status = 404, description = "No article has this id", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as JSON", body = ApiError),
        (status = 422, description = "Fields are wrong, or the article is not a live blog", body = ApiError),
    )
)]
pub async fn add_entry(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    editable(&app.store, &caller, id).await?;
    let entry = app
        .store
        .add_live_entry(
            id,
            input.title.as_deref(),
            &dateline_core::Body::from_markdown(&input.body),
            Some(caller.user.id),
            Timestamp::now(),
        )
        .await?;
    let (_, entry) = app
        .store
        .live_entry(entry)
        .await?
        .ok_or_else(|| ApiError::not_found("The entry was deleted meanwhile."))?;
    Ok(no_store(
        StatusCode::CREATED,
        &EntryShape::new(entry, Carriage::FullText),
    ))
}
