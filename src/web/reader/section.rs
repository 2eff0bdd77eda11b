use axum::{
    extract::{Path, Query, Request, State},
    response::Response,
};
use dateline_core::Page;
use dateline_store::ArticleList;
use serde::Serialize;

use super::{
    Chrome,
    listing::{Pagination, Subject, render_listing},
    render,
};
use crate::{
    web::{App, AppState},
    web::{
        AppError, Result,
        cache::{DepKey, Rendered},
    },
};

#[derive(Serialize)]
struct StaticPage {
    chrome: Chrome,
    page: Page,
}

/// `/{slug}`: a section front, or else a static page (About, Privacy, …).
pub async fn show_section_or_page(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(pagination): Query<Pagination>,
    request: Request,
) -> Result<Response> {
    let page = pagination.page.unwrap_or(1);
    // Only the query parameters that change the page make a cache entry.
    let url = format!("/{slug}?page={page}");
    app.pages
        .serve(&app.store, &url, request.headers(), || {
            render_section_or_page(&app, &slug, page)
        })
        .await
}

async fn render_section_or_page(app: &App, slug: &str, current: i64) -> Result<Rendered> {
    let Some(section) = app.store.section_by_slug(slug).await? else {
        let page = app
            .store
            .page_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound)?;
        if current != 1 {
            return Err(AppError::NotFound);
        }
        let chrome = Chrome::load(app).await?;
        return render(app, "page.html", StaticPage { chrome, page }, Vec::new());
    };
    let subject = Subject {
        kind: "",
        path: format!("/{}", section.slug),
        section_slug: Some(section.slug),
        name: section.name,
        description: String::new(),
        image: None,
        list: ArticleList::Section(section.id),
        key: DepKey::Section(section.id.0),
    };
    render_listing(app, subject, current).await
}
