//! Tags and topics through the admin API: rename or delete a tag, start a
//! topic. Editors and admins, with a `taxonomy:write` token.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use dateline_core::{Action, TagId, TagName};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{no_store, number};
use crate::{
    web::AppState,
    web::{
        admin::topics::{TopicForm, checked},
        api::{ApiError, auth::Caller, body::ApiJson},
    },
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagRename {
    /// The new name; the tag's address stays.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagShape {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicInput {
    pub name: String,
    /// Made from the name when absent.
    pub slug: Option<String>,
    pub description: Option<String>,
    /// A media library id for the topic's picture.
    pub image: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicShape {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub image: Option<i64>,
}

/// Renames a tag on every article that has it.
#[utoipa::path(
    put,
    path = "/api/v1/admin/tags/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "The tag's id")),
    request_body = TagRename,
    security(("token" = [])),
    responses(
        (status = 200, description = "The tag as renamed", body = TagShape),
        (status = 400, description = "The id is not a number or the body not JSON", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not manage tags", body = ApiError),
        (status = 404, description = "No tag has this id", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as JSON", body = ApiError),
        (status = 422, description = "The name is wrong", body = ApiError),
    )
)]
pub async fn rename_tag(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(rename): ApiJson<TagRename>,
) -> Result<Response, ApiError> {
    caller.require(Action::ManageTaxonomy)?;
    let id = TagId(number("id", &id)?);
    let name = TagName::parse(&rename.name).map_err(|mut e| {
        e.field = "name";
        e
    })?;
    app.store
        .rename_tag(id, &name.name, Timestamp::now())
        .await?;
    let tag = app
        .store
        .tag(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No tag has this id."))?;
    Ok(no_store(
        StatusCode::OK,
        &TagShape {
            id: tag.id,
            slug: tag.slug,
            name: tag.name,
        },
    ))
}

/// Takes a tag off every article and deletes it.
#[utoipa::path(
    delete,
    path = "/api/v1/admin/tags/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "The tag's id")),
    security(("token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id is not a number", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not manage tags", body = ApiError),
        (status = 404, description = "No tag has this id", body = ApiError),
    )
)]
pub async fn delete_tag(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Action::ManageTaxonomy)?;
    let id = TagId(number("id", &id)?);
    app.store.delete_tag(id, Timestamp::now()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Starts a topic (a series such as "Monsoon 2026"); articles are filed in
/// it with their `topics`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/topics",
    tag = "admin",
    request_body = TopicInput,
    security(("token" = [])),
    responses(
        (status = 201, description = "The new topic", body = TopicShape),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not manage topics", body = ApiError),
        (status = 409, description = "The address is taken or the picture is not in the library", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as JSON", body = ApiError),
        (status = 422, description = "Fields are wrong", body = ApiError),
    )
)]
pub async fn create_topic(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TopicInput>,
) -> Result<Response, ApiError> {
    caller.require(Action::ManageTaxonomy)?;
    let form = TopicForm {
        name: input.name,
        slug: input.slug.unwrap_or_default(),
        description: input.description.unwrap_or_default(),
        image: input.image.map(|m| m.to_string()).unwrap_or_default(),
    };
    let topic = checked(&form)?;
    let id = app.store.create_topic(&topic, Timestamp::now()).await?;
    Ok(no_store(
        StatusCode::CREATED,
        &TopicShape {
            id: id.0,
            slug: topic.slug.to_string(),
            name: topic.name.to_string(),
            description: topic.description,
            image: topic.image.map(|m| m.0),
        },
    ))
}
