//! Error pages readers see: 404 and 410 inside the site's own navigation.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

use super::Chrome;
use crate::{
    app::AppState,
    web::{AppError, ErrorPage},
};

#[derive(Serialize)]
struct ErrorContext {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    text: &'static str,
}

/// Any path no route claims.
pub async fn show_not_found() -> AppError {
    AppError::NotFound
}

/// Replaces the bare 404 and 410 pages made by [`AppError`] with the theme's
/// `error.html`, which has the navigation a lost reader needs. If that fails
/// too, the bare page stands.
pub async fn render_error_pages(
    State(app): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().copied() else {
        return response;
    };
    if !matches!(page.status, StatusCode::NOT_FOUND | StatusCode::GONE) {
        return response;
    }
    let Ok(chrome) = Chrome::load(&app).await else {
        return response;
    };
    let context = ErrorContext {
        chrome,
        status: page.status.as_u16(),
        title: page.title,
        text: page.text,
    };
    match app.templates.render("error.html", context) {
        Ok(html) => (page.status, Html(html)).into_response(),
        Err(_) => response,
    }
}
