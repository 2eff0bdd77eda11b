//! Addresses of a site moved in (`dateline import`): a request that finds
//! nothing, or asks the home page for WordPress's `?p=12`, is looked up
//! among the old site's addresses and answered with a 301 to where the
//! thing is now — one hop, whatever was renamed since.

use axum::{
    http::{HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};

use crate::web::App;

/// Paths that are never an old site's: the newsroom, the API, files.
const NOT_OLD: [&str; 5] = ["/admin", "/api/", "/static/", "/img/", "/media/"];

/// Whether a refused request may be an old address.
pub fn may_be_old(method: &Method, uri: &Uri) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && !NOT_OLD.iter().any(|p| uri.path().starts_with(p))
}

/// The redirect for `uri` if it is an old address whose target is public.
pub async fn moved(app: &App, uri: &Uri) -> Option<Response> {
    let address = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    let key = dateline_store::normalise_path(address)?;
    let target = match app.store.redirect(&key).await {
        Ok(target) => target?,
        Err(e) => {
            tracing::warn!(error = %e, "cannot look up an old address");
            return None;
        }
    };
    let location =
        HeaderValue::try_from(percent_encoding::utf8_percent_encode(&target, ADDRESS).to_string())
            .ok()?;
    Some(
        (
            StatusCode::MOVED_PERMANENTLY,
            [
                (header::LOCATION, location),
                // Permanent: browsers and caches may keep it a day.
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
        )
            .into_response(),
    )
}

/// What a Location keeps as it is: the characters of a path and query.
const ADDRESS: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');
