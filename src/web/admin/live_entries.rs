//! A live blog's entries in the newsroom: added, edited and withdrawn
//! (after a confirmation) by whoever may edit the article; readers with
//! the page open see each change arrive.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use dateline_core::{ArticleId, Body};
use jiff::Timestamp;
use serde::Deserialize;

use super::{
    articles::store_refusal,
    confirm::{self, Ask, Confirmation},
    session::{AdminForm, private},
};
use crate::{
    newsroom::editable,
    web::AppState,
    web::{AppError, Result},
};

#[derive(Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// `POST /admin/articles/{id}/entries`: a new entry at the top of a live
/// blog; readers with the page open see it arrive.
pub async fn add_entry(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<EntryForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    app.store
        .add_live_entry(
            id,
            Some(form.title.as_str()),
            &Body::from_markdown(&form.body),
            Some(staff.user.id),
            Timestamp::now(),
        )
        .await
        .map_err(store_refusal)?;
    Ok(private(
        Redirect::to(&format!("/admin/articles/{id}#entries")).into_response(),
    ))
}

/// `POST /admin/articles/{id}/entries/{entry}`: an entry's new title and
/// text; readers with the page open see it change.
pub async fn edit_entry(
    State(app): State<AppState>,
    Path((id, entry)): Path<(i64, i64)>,
    AdminForm { staff, form }: AdminForm<EntryForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    app.store
        .edit_live_entry(
            id,
            entry,
            Some(form.title.as_str()),
            &Body::from_markdown(&form.body),
            Timestamp::now(),
        )
        .await
        .map_err(store_refusal)?;
    Ok(private(
        Redirect::to(&format!("/admin/articles/{id}#entry-{entry}")).into_response(),
    ))
}

/// `POST /admin/articles/{id}/entries/{entry}/delete`: withdraws an entry
/// (from open reader pages too), once confirmed.
pub async fn delete_entry(
    State(app): State<AppState>,
    Path((id, entry)): Path<(i64, i64)>,
    AdminForm { staff, form }: AdminForm<Confirmation>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    if !form.given() {
        let shown = app
            .store
            .live_entries(id)
            .await?
            .into_iter()
            .find(|e| e.id == entry)
            .ok_or(AppError::NotFound)?;
        let what = shown.title.map_or_else(
            || "this entry".to_owned(),
            |title| format!("the entry “{title}”"),
        );
        return confirm::ask(
            &app,
            &staff,
            Ask {
                title: "Delete this entry?",
                message: format!(
                    "Delete {what}? It leaves the live blog at once, on readers' open pages too."
                ),
                action: format!("/admin/articles/{id}/entries/{entry}/delete"),
                button: "Delete the entry",
                test_action: None,
                back: format!("/admin/articles/{id}#entries"),
                notice: None,
            },
        );
    }
    app.store
        .delete_live_entry(id, entry, Timestamp::now())
        .await?;
    Ok(private(
        Redirect::to(&format!("/admin/articles/{id}#entries")).into_response(),
    ))
}
