//! `/admin/media`: the media library. Everyone in the newsroom browses it
//! and uploads; editors change a picture's alt text, caption, credit and
//! focus (where crops centre).

use axum::{
    Json,
    extract::{Multipart, Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::{Action, MediaId, Text};
use dateline_store::{LibraryItem, MediaFilter};
use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use super::{
    catalog::message,
    session::{
        AdminForm, Staff, StaffView, admin_page, check_csrf_first, private, see_other,
        unreadable_upload,
    },
};
use crate::{
    media::{Upload, UploadError},
    web::{App, AppState},
    web::{AppError, Result},
};

/// The most pictures one library page shows; the search narrows it.
const SHOWN: i64 = 120;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LibraryQuery {
    q: String,
    /// `YYYY-MM-DD`, in the site's time zone, inclusive.
    from: String,
    until: String,
}

#[derive(Serialize)]
struct LibraryPage<'a> {
    staff: StaffView,
    query: &'a LibraryQuery,
    items: Vec<LibraryItem>,
    /// What the upload form said was wrong, with what it sent.
    error: Option<String>,
    upload: UploadFields,
    max_megabytes: u64,
}

#[derive(Default, Serialize)]
struct UploadFields {
    alt: String,
    caption: String,
    credit: String,
}

/// A day in the site's zone as the instant it starts (`next`: the day after).
pub(super) fn day_start(
    app: &App,
    day: &str,
    field: &'static str,
    next: bool,
) -> Result<Option<Timestamp>> {
    let day = day.trim();
    if day.is_empty() {
        return Ok(None);
    }
    let refused = || {
        AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Cannot search",
            format!("{field}: {day:?} is not a date (YYYY-MM-DD)."),
        )
    };
    let date: Date = day.parse().map_err(|_| refused())?;
    let date = if next {
        date.tomorrow().map_err(|_| refused())?
    } else {
        date
    };
    let zone = app.config.site.zone();
    let start = date
        .to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(zone)
        .map_err(|_| refused())?;
    Ok(Some(start.timestamp()))
}

async fn library_page(
    app: &App,
    staff: &Staff,
    query: &LibraryQuery,
    error: Option<String>,
    upload: UploadFields,
    status: StatusCode,
) -> Result<Response> {
    let filter = MediaFilter {
        words: Some(query.q.clone()),
        from: day_start(app, &query.from, "from", false)?,
        until: day_start(app, &query.until, "until", true)?,
    };
    let page = LibraryPage {
        staff: staff.view(),
        query,
        items: app.store.library(&filter, SHOWN).await?,
        error,
        upload,
        max_megabytes: app.config.media.max_upload_bytes >> 20,
    };
    admin_page(app, "admin/media.html", status, page)
}

/// `GET /admin/media?q=&from=&until=`.
pub async fn show_library(
    State(app): State<AppState>,
    Query(query): Query<LibraryQuery>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::UploadMedia)?;
    library_page(
        &app,
        &staff,
        &query,
        None,
        UploadFields::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/media` (multipart): a picture with its alt text, caption
/// and credit. The form's CSRF token is checked before the file is read.
/// Asked for JSON (the editor's picker), it answers `{"id": …, "new":
/// false}` (201; `new` is false for a file already in the library) or
/// `{"error": "…"}`, not a page.
pub async fn upload(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response> {
    let json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    staff.require(Action::UploadMedia)?;
    check_csrf_first(&mut multipart, &staff).await?;
    let mut fields = UploadFields::default();
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable_upload)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "alt" => fields.alt = field.text().await.map_err(unreadable_upload)?,
            "caption" => fields.caption = field.text().await.map_err(unreadable_upload)?,
            "credit" => fields.credit = field.text().await.map_err(unreadable_upload)?,
            "file" => file = Some(field.bytes().await.map_err(unreadable_upload)?),
            _ => {}
        }
    }
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        let message = "file: choose a picture to upload".to_owned();
        if json {
            return Ok(json_refusal(StatusCode::UNPROCESSABLE_ENTITY, message));
        }
        return refused_upload(
            &app,
            &staff,
            fields,
            message,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let upload = Upload {
        bytes,
        alt: fields.alt.clone(),
        caption: fields.caption.clone(),
        credit: fields.credit.clone(),
    };
    let (message, status) = match crate::media::upload(&app, upload).await {
        Ok((id, new)) if json => {
            let created = serde_json::json!({ "id": id.0, "new": new });
            return Ok(private(
                (StatusCode::CREATED, Json(created)).into_response(),
            ));
        }
        Ok((id, _)) => return Ok(see_other(&format!("/admin/media/{id}"))),
        Err(UploadError::Invalid(e)) => (message(&e), StatusCode::UNPROCESSABLE_ENTITY),
        Err(UploadError::Refused(e)) => {
            use crate::media::Refusal;
            let status = match e {
                Refusal::TooManyPixels { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                Refusal::NotAnImage | Refusal::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Refusal::Unreadable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            (format!("file: {e}"), status)
        }
        Err(UploadError::Failed(e)) => return Err(AppError::Internal(e)),
    };
    if json {
        return Ok(json_refusal(status, message));
    }
    refused_upload(&app, &staff, fields, message, status).await
}

fn json_refusal(status: StatusCode, message: String) -> Response {
    private((status, Json(serde_json::json!({ "error": message }))).into_response())
}

/// The library again, with what was wrong with the upload above its form.
async fn refused_upload(
    app: &App,
    staff: &Staff,
    fields: UploadFields,
    message: String,
    status: StatusCode,
) -> Result<Response> {
    library_page(
        app,
        staff,
        &LibraryQuery::default(),
        Some(message),
        fields,
        status,
    )
    .await
}

#[derive(Serialize)]
struct ItemPage {
    staff: StaffView,
    item: LibraryItem,
    can_edit: bool,
    error: Option<String>,
}

/// `GET /admin/media/{id}`.
pub async fn show_item(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::UploadMedia)?;
    item_page(&app, &staff, MediaId(id), None, StatusCode::OK).await
}

async fn item_page(
    app: &App,
    staff: &Staff,
    id: MediaId,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let item = app
        .store
        .library_item(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ItemPage {
        staff: staff.view(),
        item,
        can_edit: staff.allows(Action::EditMedia),
        error,
    };
    admin_page(app, "admin/media_item.html", status, page)
}

#[derive(Deserialize)]
#[serde(default)]
pub struct ItemForm {
    alt: String,
    caption: String,
    credit: String,
    /// Where the subject is, in per cent of the width and height.
    focus_x: f64,
    focus_y: f64,
}

impl Default for ItemForm {
    fn default() -> Self {
        Self {
            alt: String::new(),
            caption: String::new(),
            credit: String::new(),
            focus_x: 50.0,
            focus_y: 50.0,
        }
    }
}

/// `POST /admin/media/{id}`: new texts or focus (new crops follow).
pub async fn update_item(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<ItemForm>,
) -> Result<Response> {
    staff.require(Action::EditMedia)?;
    let id = MediaId(id);
    let alt = match Text::parse("alt", &form.alt, 500) {
        Ok(alt) => alt,
        Err(e) => {
            return item_page(
                &app,
                &staff,
                id,
                Some(message(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    for (field, text) in [("caption", &form.caption), ("credit", &form.credit)] {
        if text.chars().count() > crate::media::MAX_TEXT_CHARS {
            let e = dateline_core::Invalid::new(field, "must be at most 1000 characters");
            return item_page(
                &app,
                &staff,
                id,
                Some(message(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    }
    let focus = (form.focus_x / 100.0, form.focus_y / 100.0);
    match app
        .store
        .update_media(
            id,
            &alt,
            &form.caption,
            &form.credit,
            focus,
            Timestamp::now(),
        )
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/media/{id}"))),
        Err(dateline_store::StoreError::Invalid(e)) => {
            item_page(
                &app,
                &staff,
                id,
                Some(message(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
