//! An article's history in the editor: its revisions side by side, the
//! autosaved draft kept and discarded, and an old revision restored as a
//! new one.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use dateline_core::{ArticleId, Body, Headline};
use dateline_store::{ArticleText, Autosave, Revision, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    articles::{TextForm, back_to_editor, refused},
    detail_changes::{DetailChange, detail_changes},
    diff::{FieldDiff, Version, article_diff},
    notice::Notice,
    session::{AdminForm, Staff, StaffView, private},
};
use crate::{
    newsroom::editable,
    web::AppState,
    web::{AppError, Result},
};

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<i64>,
    to: Option<i64>,
}

#[derive(Serialize)]
struct RevisionsPage {
    staff: StaffView,
    id: ArticleId,
    revisions: Vec<Revision>,
    from: i64,
    to: i64,
    diff: Vec<FieldDiff>,
    /// The details that changed; `None` if either revision predates
    /// their recording.
    details: Option<Vec<DetailChange>>,
}

/// `GET /admin/articles/{id}/revisions?from=A&to=B`: every revision, and
/// the difference between two (by default the last two).
pub async fn show_revisions(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<DiffQuery>,
    staff: Staff,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    let revisions = app.store.revisions(id).await?;
    let newest = revisions.first().map_or(1, |r| r.number);
    let to = query.to.unwrap_or(newest);
    let from = query.from.unwrap_or((to - 1).max(1));
    let revision = |n: i64| {
        revisions
            .iter()
            .find(|r| r.number == n)
            .ok_or(AppError::NotFound)
    };
    let (old, new) = (revision(from)?, revision(to)?);
    let diff = article_diff(&Version::of(old), &Version::of(new));
    let details = detail_changes(old.details.as_ref(), new.details.as_ref());
    let html = app.templates.render(
        "admin/revisions.html",
        RevisionsPage {
            staff: staff.view(),
            id,
            revisions,
            from,
            to,
            diff,
            details,
        },
    )?;
    Ok(private(Html(html).into_response()))
}

/// What the autosave keeps of the editor's form: all of it (the text in
/// columns of its own, for the offer to restore it).
pub(super) fn autosave_of_form(form: &TextForm) -> Autosave {
    Autosave {
        base_revision: form.revision,
        saved_at: Timestamp::now(),
        headline: form.headline.clone(),
        standfirst: form.standfirst.clone(),
        body_markdown: form.body.clone(),
        // Which button was pressed is not part of what was typed.
        fields: serde_json::to_string(&TextForm {
            then: String::new(),
            ..form.clone()
        })
        .unwrap_or_default(),
    }
}

/// The editor's form as an autosave kept it; a copy of the text alone (or
/// fields unreadable after an upgrade) restores the text over the
/// article's stored details.
pub(super) fn form_of_autosave(unsaved: &Autosave) -> Option<TextForm> {
    let mut form: TextForm = serde_json::from_str(&unsaved.fields).ok()?;
    // A copy of the text alone (the editor always sends its details).
    form.details.as_ref()?;
    form.headline.clone_from(&unsaved.headline);
    form.standfirst.clone_from(&unsaved.standfirst);
    form.body.clone_from(&unsaved.body_markdown);
    form.revision = unsaved.base_revision;
    form.then.clear();
    Some(form)
}

/// `POST /admin/articles/{id}/autosave`: the editor's script keeps the text
/// being typed, so a closed tab loses at most a few seconds of it.
pub async fn autosave(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<TextForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    app.store
        .autosave(id, staff.user.id, &autosave_of_form(&form))
        .await?;
    Ok(private(StatusCode::NO_CONTENT.into_response()))
}

/// `POST /admin/articles/{id}/autosave/discard`.
pub async fn discard_autosave(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<super::sign_in::Nothing>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    app.store.discard_autosave(id, staff.user.id).await?;
    Ok(back_to_editor(id, Notice::AutosaveDiscarded))
}

/// `POST /admin/articles/{id}/revisions/{number}/restore`: an old text
/// becomes the newest revision (history is never rewritten).
pub async fn restore_revision(
    State(app): State<AppState>,
    Path((id, number)): Path<(i64, i64)>,
    AdminForm { staff, .. }: AdminForm<super::sign_in::Nothing>,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = editable(&app.store, &staff, id).await?;
    let old = app
        .store
        .revisions(id)
        .await?
        .into_iter()
        .find(|r| r.number == number)
        .ok_or(AppError::NotFound)?;
    let text = ArticleText {
        headline: Headline::parse(&old.headline).map_err(refused)?,
        standfirst: old.standfirst,
        body: Body::from_markdown(&old.body_markdown),
    };
    app.store
        .save_article_text(id, &text, state.revision, staff.user.id, Timestamp::now())
        .await
        .map_err(|e| match e {
            StoreError::StaleRevision { .. } => AppError::refused(
                StatusCode::CONFLICT,
                "Not restored",
                "Someone saved the article just now. Look at the revisions again and retry.",
            ),
            other => other.into(),
        })?;
    Ok(back_to_editor(id, Notice::Restored))
}
