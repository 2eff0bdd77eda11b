//! `/admin/tags`: tags are made in the editor as they are typed; here they
//! are found, renamed (the address stays) or deleted. Editors and admins.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, TagId, TagName};
use dateline_store::TaxonomyEntry;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    catalog::message,
    session::{AdminForm, Staff, StaffView, admin_page, see_other},
    sign_in::Nothing,
};
use crate::{
    web::AppState,
    web::{AppError, Result},
};

/// The most tags one list shows; the search narrows it.
const LISTED: i64 = 500;

#[derive(Deserialize)]
pub struct TagQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct TagsPage {
    staff: StaffView,
    q: String,
    tags: Vec<TaxonomyEntry>,
    editing: Option<TaxonomyEntry>,
    name: String,
    error: Option<String>,
}

/// `GET /admin/tags?q=words`.
pub async fn show_tags(
    State(app): State<AppState>,
    Query(query): Query<TagQuery>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ManageTaxonomy)?;
    let tags = app.store.tags(&query.q, LISTED).await?;
    let page = TagsPage {
        staff: staff.view(),
        q: query.q,
        tags,
        editing: None,
        name: String::new(),
        error: None,
    };
    admin_page(&app, "admin/tags.html", StatusCode::OK, page)
}

/// `GET /admin/tags/{id}`: the rename form.
pub async fn show_tag(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ManageTaxonomy)?;
    let tag = app.store.tag(TagId(id)).await?.ok_or(AppError::NotFound)?;
    let page = TagsPage {
        staff: staff.view(),
        q: String::new(),
        tags: Vec::new(),
        name: tag.name.clone(),
        editing: Some(tag),
        error: None,
    };
    admin_page(&app, "admin/tags.html", StatusCode::OK, page)
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

/// `POST /admin/tags/{id}`: renames the tag.
pub async fn rename_tag(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<RenameForm>,
) -> Result<Response> {
    staff.require(Action::ManageTaxonomy)?;
    let tag = app.store.tag(TagId(id)).await?.ok_or(AppError::NotFound)?;
    match TagName::parse(&form.name) {
        Ok(name) => {
            app.store
                .rename_tag(TagId(id), &name.name, Timestamp::now())
                .await?;
            Ok(see_other("/admin/tags"))
        }
        Err(e) => {
            let page = TagsPage {
                staff: staff.view(),
                q: String::new(),
                tags: Vec::new(),
                editing: Some(tag),
                name: form.name,
                error: Some(message(&e)),
            };
            admin_page(
                &app,
                "admin/tags.html",
                StatusCode::UNPROCESSABLE_ENTITY,
                page,
            )
        }
    }
}

/// `POST /admin/tags/{id}/delete`: takes the tag off every article.
pub async fn delete_tag(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    staff.require(Action::ManageTaxonomy)?;
    app.store.delete_tag(TagId(id), Timestamp::now()).await?;
    Ok(see_other("/admin/tags"))
}
