//! Error pages readers see: 404, 410 and every other refusal inside the
//! site's own navigation.

use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use super::Chrome;
use crate::{
    web::AppState,
    web::{AppError, ErrorPage},
};

#[derive(Serialize)]
struct ErrorContext {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    text: String,
}

/// Any path no route claims.
pub async fn show_not_found() -> AppError {
    AppError::NotFound
}

/// Replaces a bare 4xx page made by [`AppError`] with the theme's
/// `error.html`, which has the navigation a lost reader needs, or a 404 at
/// an old site's address with its redirect. Any other response, or one
/// whose theming fails, stands as it is.
pub async fn theme_error_page(
    app: AppState,
    old_address: Option<axum::http::Uri>,
    response: Response,
) -> Response {
    // Not found here: perhaps an address of a site moved in.
    if response.status() == axum::http::StatusCode::NOT_FOUND
        && let Some(uri) = old_address
        && let Some(moved) = super::old_addresses::moved(&app, &uri).await
    {
        return moved;
    }
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    if !page.status.is_client_error() {
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
        Ok(html) => {
            let (mut parts, _) = response.into_parts();
            // Headers the refusal set (Retry-After, Allow) stay; the body is new.
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            let mut themed = (page.status, Html(html)).into_response();
            for (name, value) in parts.headers {
                if let Some(name) = name {
                    themed.headers_mut().entry(name).or_insert(value);
                }
            }
            themed
        }
        Err(_) => response,
    }
}

/// Whether [`theme_error_page`] has anything to do with `response`.
pub fn needs_theme(response: &Response) -> bool {
    response
        .extensions()
        .get::<ErrorPage>()
        .is_some_and(|page| page.status.is_client_error())
}
