//! Every route, in one list, grouped by audience.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use tower_http::services::ServeDir;

use super::{admin, api, policy::SitePolicyLayer, reader};
use crate::app::AppState;

pub fn router(app: AppState) -> Router {
    // The demo's pictures: drawn once per name, never changed, so kept a
    // day by browsers and CDNs (uploads have their own immutable `/img/`).
    let media = tower::ServiceBuilder::new()
        .map_response(|mut response: axum::response::Response<_>| {
            if response.status().is_success() {
                response.headers_mut().insert(
                    axum::http::header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("public, max-age=86400"),
                );
            }
            response
        })
        .service(ServeDir::new(app.media_dir()));
    let reader = Router::new()
        .route("/", get(reader::home::show_home))
        .route("/search", get(reader::search::show_search))
        .route("/{slug}", get(reader::section::show_section_or_page))
        .route("/{section}/{article}", get(reader::article::show_article))
        .route(
            "/{section}/{article}/print",
            get(reader::article::show_article_print),
        )
        .route("/robots.txt", get(reader::sitemaps::show_robots))
        .route("/sitemap.xml", get(reader::sitemaps::show_index))
        .route(
            "/sitemap-news.xml",
            get(reader::sitemaps::show_news_sitemap),
        )
        .route("/sitemaps/{name}", get(reader::sitemaps::show_sitemap))
        .route("/feed/{format}", get(reader::feeds::show_site_feed))
        .route(
            "/feed/{kind}/{slug}/{format}",
            get(reader::feeds::show_list_feed),
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
        .route(
            "/newsletter",
            post(reader::newsletter::sign_up)
                .layer(DefaultBodyLimit::max(reader::newsletter::MAX_FORM_BYTES)),
        )
        .route(
            "/newsletter/check-inbox",
            get(reader::newsletter::show_check_inbox),
        )
        .route(
            "/newsletter/confirm/{token}",
            get(reader::newsletter::show_confirm).post(reader::newsletter::confirm),
        )
        .route(
            "/newsletter/preferences/{token}",
            get(reader::newsletter::show_preferences)
                .post(reader::newsletter::save_preferences)
                .layer(DefaultBodyLimit::max(reader::newsletter::MAX_FORM_BYTES)),
        )
        .route(
            "/newsletter/unsubscribe/{token}",
            get(reader::newsletter::show_unsubscribe).post(reader::newsletter::unsubscribe),
        )
        .route("/account", get(reader::account::show_account))
        .route(
            "/account/sign-in",
            get(reader::account::show_sign_in).post(reader::account::sign_in),
        )
        .route(
            "/account/sign-up",
            get(reader::account::show_sign_up).post(reader::account::sign_up),
        )
        .route(
            "/account/reset",
            get(reader::account::show_reset).post(reader::account::reset),
        )
        .route(
            "/account/link/{token}",
            get(reader::account::show_link).post(reader::account::use_link),
        )
        .route("/account/sign-out", post(reader::account::sign_out))
        .route(
            "/account/password",
            post(reader::account_settings::change_password),
        )
        .route(
            "/account/email",
            post(reader::account_settings::change_email),
        )
        .route("/account/delete", post(reader::account_settings::delete))
        .route(
            "/account/newsletters",
            post(reader::account_settings::subscribe),
        )
        .route("/static/{*path}", get(reader::assets::show_static_file))
        .route("/img/{shard}/{file}", get(reader::assets::show_rendition))
        .nest_service("/media", media)
        .fallback(reader::errors::show_not_found);
    let operators = Router::new()
        .route("/healthz", get(reader::health::check_health))
        .route("/readyz", get(reader::health::check_ready));

    let (api, _) = api::routes(&app);
    Router::new()
        .merge(api)
        .merge(reader)
        .merge(operators)
        .merge(admin::routes(
            usize::try_from(app.config.media.max_upload_bytes).unwrap_or(usize::MAX),
        ))
        .layer(SitePolicyLayer::new(app.clone()))
        .with_state(app)
}
