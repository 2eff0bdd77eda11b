//! Pictures into the media library through the admin API: the file is the
//! body, its alt text, caption and credit the query. The same checks as the
//! admin's upload form ([`crate::media::upload`]).

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use dateline_core::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::no_store;
use crate::{
    media::{Refusal, Upload, UploadError},
    web::AppState,
    web::api::{
        ApiError,
        auth::Caller,
        body::{content_type, read_body},
        extract::ApiQuery,
    },
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// What the picture shows, for readers who cannot see it (required).
    pub alt: String,
    #[serde(default)]
    pub caption: String,
    /// The photographer or agency.
    #[serde(default)]
    pub credit: String,
}

/// A picture in the media library.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaShape {
    pub id: i64,
    /// `false` when the same file was uploaded before: this is that picture.
    pub new: bool,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// Uploads a picture (JPEG, PNG, WebP or GIF) to the media library.
#[utoipa::path(
    post,
    path = "/api/v1/admin/media",
    tag = "admin",
    params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The picture's bytes; sent as `image/jpeg`, `image/png`, `image/webp`, \
            `image/gif` or `application/octet-stream`. What it is is read from the bytes."),
    security(("token" = [])),
    responses(
        (status = 201, description = "The picture, new to the library", body = MediaShape),
        (status = 200, description = "The same file was uploaded before: that picture", body = MediaShape),
        (status = 400, description = "A parameter is malformed", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not upload", body = ApiError),
        (status = 413, description = "The file is too large, or has too many pixels", body = ApiError),
        (status = 415, description = "The file is not a picture the library takes", body = ApiError),
        (status = 422, description = "Alt text missing, a text too long, or the picture unreadable", body = ApiError),
    )
)]
pub async fn upload(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    caller.require(Action::UploadMedia)?;
    let declared = content_type(&headers).unwrap_or_default();
    if !(declared.starts_with("image/") || declared.starts_with("application/octet-stream")) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the picture's bytes as the body, as `image/…` or `application/octet-stream`.",
        ));
    }
    let limit = usize::try_from(app.config.media.max_upload_bytes).unwrap_or(usize::MAX);
    let bytes = read_body(body, limit).await?;
    let upload = Upload {
        bytes,
        alt: params.alt,
        caption: params.caption,
        credit: params.credit,
    };
    let (id, new) = crate::media::upload(&app, upload)
        .await
        .map_err(|e| match e {
            UploadError::Invalid(e) => e.into(),
            UploadError::Refused(e) => {
                let (status, code) = match e {
                    Refusal::TooManyPixels { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
                    Refusal::NotAnImage | Refusal::Unsupported(_) => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                    }
                    Refusal::Unreadable(_) => {
                        return ApiError::invalid_fields([("body".to_owned(), e.to_string())]);
                    }
                };
                ApiError::new(status, code, format!("The picture is refused: {e}."))
            }
            UploadError::Failed(e) => crate::web::AppError::Internal(e).into(),
        })?;
    let item = app
        .store
        .library_item(id)
        .await?
        .ok_or_else(|| ApiError::not_found("The picture was removed meanwhile."))?;
    let shape = MediaShape {
        id: id.0,
        new,
        content_type: item.content_type,
        width: item.width,
        height: item.height,
        alt: item.alt,
        caption: item.caption,
        credit: item.credit,
    };
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = no_store(status, &shape);
    response.headers_mut().insert(
        header::LOCATION,
        format!("/admin/media/{id}")
            .parse()
            .expect("a path is a header value"),
    );
    Ok(response)
}
