//! Every route, in one list, grouped by audience.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderValue, header},
    routing::get,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer, trace::TraceLayer};

use super::{csrf, reader};
use crate::app::AppState;

/// Scripts, styles and images come from this site only; no inline script.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn router(app: AppState) -> Router {
    let media = ServeDir::new(app.media_dir());
    let reader = Router::new()
        .route("/", get(reader::home::show_home))
        .route("/{slug}", get(reader::section::show_section_or_page))
        .route("/{section}/{article}", get(reader::article::show_article))
        .route(
            "/{section}/{article}/print",
            get(reader::article::show_article_print),
        )
        .route("/tag/{slug}", get(reader::listing::show_tag))
        .route("/topic/{slug}", get(reader::listing::show_topic))
        .route("/author/{slug}", get(reader::listing::show_author))
        .route(
            "/feedback",
            get(reader::feedback::show_feedback)
                .post(reader::feedback::send_feedback)
                .layer(DefaultBodyLimit::max(reader::feedback::MAX_FORM_BYTES)),
        )
        .route("/feedback/thanks", get(reader::feedback::show_thanks))
        .route("/static/{*path}", get(reader::assets::show_static_file))
        .nest_service("/media", media)
        .fallback(reader::errors::show_not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            csrf::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            reader::errors::render_error_pages,
        ));
    let operators = Router::new().route("/healthz", get(reader::health::check_health));

    Router::new()
        .merge(reader)
        .merge(operators)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}
