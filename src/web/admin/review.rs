//! `POST /admin/articles/{id}/send-back`: a reviewer returns a submitted
//! story to draft with a note for its author, who sees it in the editor
//! (`Store::review_note`) until submitting again.

use axum::{
    extract::{Path, State},
    response::Response,
};
use dateline_core::{ArticleId, ArticleStatus, Invalid};
use jiff::Timestamp;
use serde::Deserialize;

use super::{
    articles::{refused, store_refusal},
    notice::Notice,
    session::{AdminForm, see_other},
};
use crate::{
    newsroom::{self, REVIEW, movable},
    web::{AppState, Result},
};

/// The longest note: a few paragraphs.
const NOTE_CHARS: usize = 2000;

#[derive(Deserialize)]
pub struct SendBackForm {
    #[serde(default)]
    note: String,
}

pub async fn send_back(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<SendBackForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    staff.require(REVIEW)?;
    movable(&app.store, &staff, id, ArticleStatus::Draft).await?;
    let note = newsroom::optional_text(&form.note, "note", NOTE_CHARS)
        .and_then(|note| {
            note.ok_or_else(|| Invalid::new("note", "say what the author should change"))
        })
        .map_err(refused)?;
    app.store
        .send_back(id, staff.user.id, &note, Timestamp::now())
        .await
        .map_err(store_refusal)?;
    Ok(see_other(&Notice::SentBack.on("/admin")))
}
