use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};
use dateline_core::{Article, ArticleStatus, article_id_from_segment, article_path};
use serde::Serialize;

use super::{Chrome, render};
use crate::{
    app::{App, AppState},
    web::{
        AppError, Result,
        cache::{DepKey, Rendered},
    },
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
    headers: HeaderMap,
) -> Result<Response> {
    let id = article_id_from_segment(&segment).ok_or(AppError::NotFound)?;
    let url = format!("/{section}/{segment}");
    app.pages
        .serve(&app, &url, &headers, || render_article(&app, &url, id))
        .await
}

async fn render_article(app: &App, url: &str, id: dateline_core::ArticleId) -> Result<Rendered> {
    let article = app.store.article(id).await?.ok_or(AppError::NotFound)?;
    match article.status {
        ArticleStatus::Published => {}
        ArticleStatus::Unpublished => return Err(AppError::Gone),
        _ => return Err(AppError::NotFound),
    }
    let keys = vec![DepKey::Article(id.0)];
    let canonical = article_path(&article.section.slug, &article.slug, article.id);
    if canonical != url {
        return Ok(Rendered::moved_permanently(canonical, keys));
    }
    let chrome = Chrome::load(app).await?;
    let page = ArticlePage {
        chrome,
        article,
        canonical,
    };
    render(app, "article.html", page, keys)
}
