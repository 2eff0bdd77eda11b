use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use dateline_core::{ArticleCard, Page, Section};
use dateline_store::ArticleList;
use serde::{Deserialize, Serialize};

use super::{Chrome, page};
use crate::{
    app::AppState,
    web::{AppError, Result},
};

const PAGE_SIZE: i64 = 20;

#[derive(Serialize)]
struct SectionFront {
    chrome: Chrome,
    section: Section,
    articles: Vec<ArticleCard>,
    page: i64,
    pages: i64,
}

#[derive(Serialize)]
struct StaticPage {
    chrome: Chrome,
    page: Page,
}

#[derive(Deserialize)]
pub struct Pagination {
    page: Option<i64>,
}

/// `/{slug}`: a section front, or else a static page (About, Privacy, …).
pub async fn show_section_or_page(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    Query(pagination): Query<Pagination>,
) -> Result<Response> {
    let chrome = Chrome::load(&app).await?;
    if let Some(section) = app.store.section_by_slug(&slug).await? {
        let list = ArticleList::Section(section.id);
        let total = app.store.count_published_articles(list).await?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let current = pagination.page.unwrap_or(1);
        if !(1..=pages).contains(&current) {
            return Err(AppError::NotFound);
        }
        let articles = app
            .store
            .published_articles(list, PAGE_SIZE, (current - 1) * PAGE_SIZE)
            .await?;
        let front = SectionFront {
            chrome,
            section,
            articles,
            page: current,
            pages,
        };
        return page(&app, "section.html", front);
    }
    let static_page = app
        .store
        .page_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    page(
        &app,
        "page.html",
        StaticPage {
            chrome,
            page: static_page,
        },
    )
}
