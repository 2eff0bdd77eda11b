//! The editor's picture picker: the library's pictures as a grid to choose
//! from (searched as the library page searches), and a picture's focus set
//! by a click on it. Uploads go to the library's own form, which answers
//! the picker in JSON.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use dateline_core::{Action, Invalid, MediaId, Text};
use dateline_store::{LibraryItem, MediaFilter, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    articles::refused,
    media::day_start,
    session::{AdminForm, Staff, private},
};
use crate::web::{AppError, AppState, Result};

/// The most pictures one grid shows; the search narrows it.
const SHOWN: i64 = 48;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PickQuery {
    q: String,
    /// `YYYY-MM-DD`: pictures added that day or later.
    from: String,
}

#[derive(Serialize)]
struct Choices {
    items: Vec<LibraryItem>,
    searched: bool,
}

/// `GET /admin/media/pick?q=&from=`: the grid's HTML, for the picker to
/// put in its dialog.
pub async fn show_choices(
    State(app): State<AppState>,
    Query(query): Query<PickQuery>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::UploadMedia)?;
    let filter = MediaFilter {
        words: Some(query.q.clone()),
        from: day_start(&app, &query.from, "from", false)?,
        until: None,
    };
    let html = app.templates.render(
        "admin/picker_choices.html",
        Choices {
            items: app.store.library(&filter, SHOWN).await?,
            searched: !query.q.trim().is_empty() || !query.from.trim().is_empty(),
        },
    )?;
    Ok(private(Html(html).into_response()))
}

/// `GET /admin/media/{id}/thumbnail`: where the picture's narrowest
/// rendition is (303), for a picture block in the visual editor; 404 when
/// there is no such picture or its renditions are still being made.
pub async fn thumbnail(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::UploadMedia)?;
    let item = app
        .store
        .library_item(MediaId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let to = match &item.renditions {
        Some(renditions) => renditions.full.first().map(|r| format!("/img/{}", r.jpeg)),
        // The demo's pictures are served as they are.
        None if !item.uploaded => Some(format!("/media/{}", item.path)),
        None => None,
    };
    Ok(private(
        Redirect::to(&to.ok_or(AppError::NotFound)?).into_response(),
    ))
}

#[derive(Deserialize)]
pub struct FocusForm {
    /// Where the subject is, in per cent of the width and height.
    focus_x: f64,
    focus_y: f64,
}

/// `POST /admin/media/{id}/focus`: where crops centre, from a click on
/// the picture (204; new crops follow).
pub async fn set_focus(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<FocusForm>,
) -> Result<Response> {
    staff.require(Action::EditMedia)?;
    let item = app
        .store
        .library_item(MediaId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let alt = Text::parse("alt", &item.alt, usize::MAX).map_err(refused)?;
    let focus = (form.focus_x / 100.0, form.focus_y / 100.0);
    app.store
        .update_media(
            item.id,
            &alt,
            &item.caption,
            &item.credit,
            focus,
            Timestamp::now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid(e) => refused(Invalid::new("focus", e.reason)),
            other => other.into(),
        })?;
    Ok(private(StatusCode::NO_CONTENT.into_response()))
}
