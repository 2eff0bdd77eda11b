//! The wire desk's push endpoint: an agency (or a relay in front of it)
//! posts a document to `/api/v1/wire/{source}` with the source's push
//! token, and gets back what became of each item. The document is read and
//! stored as the other channels do it ([`crate::wire::take`]): whole, or
//! refused with the reason.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use dateline_store::ItemOutcome;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, admin::no_store, auth::bearer, body::read_body};
use crate::{
    accounts::token_hash,
    web::AppState,
    wire::{Intake, MAX_DOCUMENT_BYTES, take},
};

/// The security scheme's name in the OpenAPI document (written as a
/// literal in `security(("wire" = []))`).
pub const PUSH_TOKEN: &str = "wire";

/// What became of a pushed document.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushedShape {
    /// The stored document's id; `null` when the same bytes came from this
    /// source before (nothing was stored again).
    pub document: Option<i64>,
    /// One line for people: "ingested 3 items (2 new, 1 new version)".
    pub summary: String,
    pub items: Vec<PushedItemShape>,
}

/// One item of a pushed document.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushedItemShape {
    pub guid: String,
    pub version: i64,
    /// `new`, `new_version`, `older_version` (kept as history) or
    /// `unchanged` (not stored again).
    pub outcome: String,
    /// The stored item; `null` when unchanged.
    pub id: Option<i64>,
    /// The item leading the story's cluster.
    pub cluster: Option<i64>,
}

fn outcome(o: ItemOutcome) -> &'static str {
    match o {
        ItemOutcome::New => "new",
        ItemOutcome::NewVersion => "new_version",
        ItemOutcome::OlderVersion => "older_version",
        ItemOutcome::Unchanged => "unchanged",
    }
}

/// Delivers a wire document: IPTC ninjs (1.x, 2.x, 3.x), NewsML-G2 (a news
/// item, package or news message), an RSS or Atom feed.
#[utoipa::path(
    post,
    path = "/api/v1/wire/{source}",
    tag = "wire",
    params(("source" = String, Path, description = "The wire source's short name")),
    request_body(
        description = "The document's bytes. The format is read from the bytes, whatever the \
            content type says: ninjs as `application/json`, NewsML-G2 as `application/xml`, \
            feeds as `application/atom+xml` or `application/rss+xml`, or any of them as \
            `application/octet-stream`.",
        content(
            (serde_json::Value = "application/json", example = json!({
                "uri": "urn:example:dws:ferry-2026-12-05",
                "version": "1",
                "type": "text",
                "headlines": [{"role": "main", "value": "Ferry service to the islands resumes"}],
                "bodies": [{"role": "main", "contenttype": "text/plain",
                    "value": "Boats to the islands sailed again on Saturday after the storm."}],
            })),
            (Vec<u8> = "application/xml"),
            (Vec<u8> = "application/octet-stream"),
        )
    ),
    security(("wire" = [])),
    responses(
        (status = 201, description = "Stored, with what became of each item", body = PushedShape),
        (status = 200, description = "The same bytes came from this source before", body = PushedShape),
        (status = 401, description = "No push token, or not this source's", body = ApiError),
        (status = 413, description = "The document is too large", body = ApiError),
        (status = 422, description = "The document is refused, with the field or line why \
            (`rejected_document`); nothing of it is stored", body = ApiError),
    )
)]
pub async fn push(
    State(app): State<AppState>,
    Path(source): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let token = bearer(&headers)
        .flatten()
        .ok_or_else(ApiError::invalid_push_token)?;
    let source_id = app
        .store
        .wire_push_source(&source, &token_hash(token))
        .await?
        .ok_or_else(ApiError::invalid_push_token)?;
    let bytes = read_body(body, MAX_DOCUMENT_BYTES).await?;
    let name = format!("push {}", Timestamp::now());
    let intake = take(&app.store, source_id, &name, &bytes, Timestamp::now()).await?;
    let summary = intake.summary();
    let ingested = match intake {
        Intake::Rejected(reason) => {
            tracing::info!(source, "wire push rejected: {reason}");
            return Err(ApiError::rejected_document(&reason));
        }
        Intake::Stored(ingested) => ingested,
    };
    tracing::info!(source, "wire push: {summary}");
    let status = match ingested.document {
        Some(_) => StatusCode::CREATED,
        None => StatusCode::OK,
    };
    let shape = PushedShape {
        document: ingested.document,
        summary,
        items: ingested
            .items
            .into_iter()
            .map(|i| PushedItemShape {
                guid: i.guid,
                version: i.version,
                outcome: outcome(i.outcome).to_owned(),
                id: i.id,
                cluster: i.cluster,
            })
            .collect(),
    };
    Ok(no_store(status, &shape))
}
