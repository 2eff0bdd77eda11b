use axum::{
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::{
    web::AppState,
    web::{AppError, Result},
};

/// The theme's static files (stylesheet, scripts, icons): see
/// [`crate::theme::assets`].
pub async fn show_static_file(
    State(app): State<AppState>,
    Path(path): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    app.templates
        .assets
        .respond(&path, &headers)
        .ok_or(AppError::NotFound)
}

/// `/img/{shard}/{file}`: a rendition of an uploaded picture. Its name is a
/// hash of its bytes, so it never changes: browsers and CDNs keep it for a
/// year without asking again.
pub async fn show_rendition(
    State(app): State<AppState>,
    Path((shard, file)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<Response> {
    let path = format!("{shard}/{file}");
    let key = crate::media::rendition_key(&path).ok_or(AppError::NotFound)?;
    let etag = format!("\"{file}\"");
    let cached = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if cached {
        axum::http::StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = app
            .blobs
            .get(&key)
            .await
            .map_err(AppError::Internal)?
            .ok_or(AppError::NotFound)?;
        bytes.into_response()
    };
    let mime = if file.ends_with(".webp") {
        "image/webp"
    } else {
        "image/jpeg"
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}
