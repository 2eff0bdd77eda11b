use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::{Article, ArticleStatus, article_id_from_segment, article_path};
use serde::Serialize;

use super::{Chrome, page};
use crate::{
    app::AppState,
    web::{AppError, Result},
};

#[derive(Serialize)]
struct ArticlePage {
    chrome: Chrome,
    article: Article,
    canonical: String,
}

/// `/{section}/{slug}-{id}`. The id finds the article; any other path to it
/// (an old slug, a former section) redirects permanently to the current one.
pub async fn show_article(
    State(app): State<AppState>,
    Path((section, segment)): Path<(String, String)>,
) -> Result<Response> {
    let id = article_id_from_segment(&segment).ok_or(AppError::NotFound)?;
    let article = app.store.article(id).await?.ok_or(AppError::NotFound)?;
    match article.status {
        ArticleStatus::Published => {}
        ArticleStatus::Unpublished => return Err(AppError::Gone),
        _ => return Err(AppError::NotFound),
    }
    let canonical = article_path(&article.section.slug, &article.slug, article.id);
    if canonical != format!("/{section}/{segment}") {
        return Ok((
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, canonical)],
        )
            .into_response());
    }
    let chrome = Chrome::load(&app).await?;
    page(
        &app,
        "article.html",
        ArticlePage {
            chrome,
            article,
            canonical,
        },
    )
}
