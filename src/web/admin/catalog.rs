//! The admin's catalog pages: a list of one kind of thing (sections,
//! sources, bylines, topics, static pages) with a form to add one, and the
//! same page with the form filled to change one. Each kind says how to read
//! and save itself ([`Catalog`]); the handlers, the role check and the
//! re-shown form on a refusal are written once, here.

use std::future::Future;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{MethodRouter, get},
};
use dateline_core::{Action, Invalid};
use dateline_store::StoreError;
use serde::{Serialize, de::DeserializeOwned};

use super::session::{AdminForm, Staff, StaffView, admin_page, see_other};
use crate::{
    web::{App, AppState},
    web::{AppError, Result},
};

/// What a catalog save comes to: refused input is shown above the form.
pub type Saved = std::result::Result<(), StoreError>;

/// One kind of thing the admin manages through a list and a form.
pub trait Catalog: Send + Sync + 'static {
    /// The form's fields, as typed.
    type Form: DeserializeOwned + Serialize + Default + Send + Sync;
    type Item: Serialize + Send;
    /// Where its pages live (`/admin/sections`).
    const PATH: &'static str;
    const TEMPLATE: &'static str;
    /// What managing it takes.
    const ACTION: Action;

    fn items(app: &App) -> impl Future<Output = Result<Vec<Self::Item>>> + Send;

    /// The form filled with item `id`, or `None` if there is no such item.
    fn form_for(app: &App, id: i64) -> impl Future<Output = Result<Option<Self::Form>>> + Send;

    /// The form for a new item.
    fn blank(items: &[Self::Item]) -> Self::Form {
        let _ = items;
        Self::Form::default()
    }

    fn create(app: &App, form: &Self::Form) -> impl Future<Output = Saved> + Send;

    fn update(app: &App, id: i64, form: &Self::Form) -> impl Future<Output = Saved> + Send;

    /// More for the page about item `id` (a topic's articles, say).
    fn extra(app: &App, id: i64) -> impl Future<Output = Result<serde_json::Value>> + Send {
        let _ = (app, id);
        async { Ok(serde_json::Value::Null) }
    }
}

/// The list's page (`C::PATH`) and the form that adds to it.
pub fn list<C: Catalog>() -> MethodRouter<AppState> {
    get(show_list::<C>).post(add::<C>)
}

/// An item's page (`C::PATH/{id}`) and the form that changes it.
pub fn item<C: Catalog>() -> MethodRouter<AppState> {
    get(show_item::<C>).post(update::<C>)
}

#[derive(Serialize)]
struct CatalogPage<'a, I, F> {
    staff: StaffView,
    items: Vec<I>,
    /// The item the form changes; `None`: the form adds one.
    editing: Option<i64>,
    form: &'a F,
    error: Option<String>,
    extra: serde_json::Value,
}

async fn page<C: Catalog>(
    app: &App,
    staff: &Staff,
    editing: Option<i64>,
    form: Option<&C::Form>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let items = C::items(app).await?;
    let blank;
    let form = match form {
        Some(form) => form,
        None => {
            blank = C::blank(&items);
            &blank
        }
    };
    let extra = match editing {
        Some(id) => C::extra(app, id).await?,
        None => serde_json::Value::Null,
    };
    admin_page(
        app,
        C::TEMPLATE,
        status,
        CatalogPage {
            staff: staff.view(),
            items,
            editing,
            form,
            error,
            extra,
        },
    )
}

async fn show_list<C: Catalog>(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(C::ACTION)?;
    page::<C>(&app, &staff, None, None, None, StatusCode::OK).await
}

async fn show_item<C: Catalog>(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(C::ACTION)?;
    let form = C::form_for(&app, id).await?.ok_or(AppError::NotFound)?;
    page::<C>(&app, &staff, Some(id), Some(&form), None, StatusCode::OK).await
}

async fn add<C: Catalog>(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<C::Form>,
) -> Result<Response> {
    staff.require(C::ACTION)?;
    let saved = C::create(&app, &form).await;
    after_save::<C>(&app, &staff, None, &form, saved).await
}

async fn update<C: Catalog>(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<C::Form>,
) -> Result<Response> {
    staff.require(C::ACTION)?;
    let saved = C::update(&app, id, &form).await;
    after_save::<C>(&app, &staff, Some(id), &form, saved).await
}

/// Back to the list once saved; else the form again as it was sent, with
/// what is wrong above it.
async fn after_save<C: Catalog>(
    app: &App,
    staff: &Staff,
    editing: Option<i64>,
    form: &C::Form,
    saved: Saved,
) -> Result<Response> {
    let (status, message) = match saved {
        Ok(()) => return Ok(see_other(C::PATH)),
        Err(StoreError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, message(&e)),
        // Unique addresses and references are the constraints here.
        Err(StoreError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            "That address is already taken, or something the form refers to was removed; change it and save again."
                .to_owned(),
        ),
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    page::<C>(app, staff, editing, Some(form), Some(message), status).await
}

/// A refusal as the form shows it: "notice: must be at most … characters".
pub fn message(e: &Invalid) -> String {
    format!("{}: {}", e.field.replace('_', " "), e.reason)
}
