//! What the editor calls beside the text: the lead image, the preview, a
//! correction, the Markdown preview and the related-article lookup.

use axum::{
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Response},
};
use dateline_core::{
    Action, ArticleId, ArticleStatus, CorrectionKind, Invalid, LeadImage, MediaId,
};
use dateline_store::{DeskFilter, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    articles::{back_to_editor, refused, store_refusal},
    notice::Notice,
    session::{AdminForm, Staff, private},
};
use crate::{
    newsroom::{article_state, editable, ownership},
    web::AppState,
    web::{AppError, Result},
};

#[derive(Deserialize)]
pub struct LeadImageForm {
    /// A media library id; empty or 0 removes the lead image.
    #[serde(default)]
    media: String,
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
}

/// `POST /admin/articles/{id}/lead-image`.
pub async fn set_lead_image(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<LeadImageForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    let media = form.media.trim();
    let image = if media.is_empty() || media == "0" {
        None
    } else {
        let media = media
            .parse()
            .map_err(|_| refused(Invalid::new("media", "not a media id")))?;
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Some(LeadImage {
            media: MediaId(media),
            caption: optional(&form.caption),
            credit: optional(&form.credit),
        })
    };
    app.store
        .set_lead_image(id, image.as_ref(), staff.user.id, Timestamp::now())
        .await
        .map_err(|e| match e {
            // The only constraint here: the image must be in the library.
            StoreError::Conflict { .. } => {
                refused(Invalid::new("media", "no such image in the library"))
            }
            other => other.into(),
        })?;
    Ok(back_to_editor(id, Notice::LeadImage))
}

/// `GET /admin/articles/{id}/preview`: the reader's page, before readers see it.
pub async fn show_preview(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    let html = crate::web::reader::article::preview(&app, id).await?;
    Ok(private(Html(html).into_response()))
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    kind: String,
    #[serde(default)]
    note: String,
}

/// `POST /admin/articles/{id}/corrections`: a dated "Correction:" or
/// "Updated:" note on a published article.
pub async fn add_correction(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<CorrectionForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = article_state::<AppError>(&app.store, id).await?;
    staff.require(Action::CorrectArticle(ownership(&staff, &state)))?;
    if state.status != ArticleStatus::Published {
        return Err(refused(Invalid::new(
            "note",
            "corrections and updates are for published articles; edit a draft instead",
        )));
    }
    let kind = CorrectionKind::parse(&form.kind)
        .ok_or_else(|| refused(Invalid::new("kind", "choose correction or update")))?;
    app.store
        .add_correction(id, kind, &form.note, Some(staff.user.id), Timestamp::now())
        .await
        .map_err(store_refusal)?;
    Ok(back_to_editor(id, Notice::Corrected))
}

#[derive(Deserialize)]
pub struct MarkdownForm {
    #[serde(default)]
    body: String,
}

/// `POST /admin/markdown`: the sanitised HTML of a body, for the editor's
/// live preview (the same rendering readers get).
pub async fn render_markdown(
    AdminForm { staff, form }: AdminForm<MarkdownForm>,
) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let html = dateline_core::render_markdown(&form.body);
    Ok(private(Html(html).into_response()))
}

#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    q: String,
    /// The article being edited, which is not its own related article.
    not: Option<i64>,
}

#[derive(Serialize)]
struct Found {
    id: ArticleId,
    headline: String,
}

/// `GET /admin/articles/lookup?q=words&not=ID`: published articles (but
/// article `ID`) whose headline has the words, for the editor's
/// related-articles search (JSON).
pub async fn lookup(
    State(app): State<AppState>,
    Query(query): Query<LookupQuery>,
    staff: Staff,
) -> Result<Response> {
    const FOUND: i64 = 8;
    staff.require(Action::CreateArticle)?;
    let words = query.q.trim();
    let found: Vec<Found> = if words.is_empty() {
        Vec::new()
    } else {
        let filter = DeskFilter {
            status: Some(ArticleStatus::Published),
            headline: Some(words.to_owned()),
            ..DeskFilter::default()
        };
        app.store
            .desk_articles(&filter, FOUND + 1)
            .await?
            .into_iter()
            .filter(|e| Some(e.id.0) != query.not)
            .take(FOUND as usize)
            .map(|e| Found {
                id: e.id,
                headline: e.headline,
            })
            .collect()
    };
    Ok(private(axum::Json(found).into_response()))
}
