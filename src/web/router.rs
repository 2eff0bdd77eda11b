//! Every route, in one list sorted by path: the reader's site, the
//! newsroom (`/admin`) and the API (`/api`) together. The API's OpenAPI
//! document is made from its handlers' annotations (`api::document`); a
//! test checks that it and this list name the same operations.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{MethodRouter, get, post, put},
};
use tower_http::services::ServeDir;

use super::{admin, api, policy::SitePolicyLayer, reader};
use crate::web::AppState;

pub fn router(app: AppState) -> Router {
    routes(&app)
        .router
        .fallback(reader::errors::show_not_found)
        .layer(SitePolicyLayer::new(app.clone()))
        .with_state(app)
}

/// Every path the router serves, in the order listed (a nested service's
/// with `/*` after it).
pub fn paths(app: &AppState) -> Vec<String> {
    routes(app).paths
}

/// A router that remembers the paths it is given.
struct Routes {
    router: Router<AppState>,
    paths: Vec<String>,
}

impl Routes {
    fn route(mut self, path: &str, handlers: MethodRouter<AppState>) -> Self {
        self.paths.push(path.to_owned());
        self.router = self.router.route(path, handlers);
        self
    }

    fn nest_service<S>(mut self, path: &str, service: S) -> Self
    where
        S: tower::Service<axum::extract::Request, Error = std::convert::Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Response: axum::response::IntoResponse,
        S::Future: Send + 'static,
    {
        self.paths.push(format!("{path}/*"));
        self.router = self.router.nest_service(path, service);
        self
    }
}

fn routes(app: &AppState) -> Routes {
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
    // An upload may be `media.max_upload_bytes`, and its form a little more.
    let upload_form_bytes = usize::try_from(app.config.media.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 << 10);
    let import_form_bytes = usize::try_from(app.config.media.max_import_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 << 10);
    let api = api::Layers::new(app);
    let document = api::Published::default();
    Routes {
        router: Router::new(),
        paths: Vec::new(),
    }
    .route("/", get(reader::home::show_home))
    .route("/account", get(reader::account::show_account))
    .route("/account/delete", post(reader::account_settings::delete))
    .route(
        "/account/email",
        post(reader::account_settings::change_email),
    )
    .route(
        "/account/link/{token}",
        get(reader::account::show_link).post(reader::account::use_link),
    )
    .route(
        "/account/newsletters",
        post(reader::account_settings::subscribe),
    )
    .route(
        "/account/password",
        post(reader::account_settings::change_password),
    )
    .route(
        "/account/reset",
        get(reader::account::show_reset).post(reader::account::reset),
    )
    .route(
        "/account/sign-in",
        get(reader::account::show_sign_in).post(reader::account::sign_in),
    )
    .route("/account/sign-out", post(reader::account::sign_out))
    .route(
        "/account/sign-up",
        get(reader::account::show_sign_up).post(reader::account::sign_up),
    )
    .route("/admin", get(admin::dashboard::show_dashboard))
    .route(
        "/admin/articles",
        get(admin::desk::show_articles).post(admin::articles::create),
    )
    .route("/admin/articles/lookup", get(admin::editor_tools::lookup))
    .route("/admin/articles/new", get(admin::articles::show_new))
    .route(
        "/admin/articles/{id}",
        get(admin::articles::show_editor).post(admin::articles::save),
    )
    .route(
        "/admin/articles/{id}/alert",
        post(admin::newsletters::send_alert),
    )
    .route(
        "/admin/articles/{id}/alert/test",
        post(admin::newsletters::send_alert_test),
    )
    .route(
        "/admin/articles/{id}/autosave",
        post(admin::revisions::autosave),
    )
    .route(
        "/admin/articles/{id}/autosave/discard",
        post(admin::revisions::discard_autosave),
    )
    .route(
        "/admin/articles/{id}/entries",
        post(admin::live_entries::add_entry),
    )
    .route(
        "/admin/articles/{id}/entries/{entry}",
        post(admin::live_entries::edit_entry),
    )
    .route(
        "/admin/articles/{id}/entries/{entry}/delete",
        post(admin::live_entries::delete_entry),
    )
    .route(
        "/admin/articles/{id}/headline-test",
        post(admin::headline_test::change_headline_test),
    )
    .route(
        "/admin/articles/{id}/preview",
        get(admin::editor_tools::show_preview),
    )
    .route(
        "/admin/articles/{id}/revisions",
        get(admin::revisions::show_revisions),
    )
    .route(
        "/admin/articles/{id}/revisions/{number}/restore",
        post(admin::revisions::restore_revision),
    )
    .route(
        "/admin/articles/{id}/schedule",
        post(admin::workflow::schedule),
    )
    .route(
        "/admin/articles/{id}/send-back",
        post(admin::review::send_back),
    )
    .route(
        "/admin/articles/{id}/status",
        post(admin::workflow::change_status),
    )
    .route("/admin/audience", get(admin::audience::show_audience))
    .route("/admin/audit", get(admin::people::show_audit))
    .route("/admin/breaking", post(admin::breaking::change_breaking))
    .route(
        "/admin/bylines",
        admin::catalog::list::<admin::bylines::Bylines>(),
    )
    .route(
        "/admin/bylines/{id}",
        admin::catalog::item::<admin::bylines::Bylines>(),
    )
    .route("/admin/embed", get(admin::editor_tools::check_embed))
    .route("/admin/events", get(admin::queue::events))
    .route("/admin/feedback", get(admin::inbox::show_inbox))
    .route("/admin/fronts", get(admin::fronts::show_fronts))
    .route(
        "/admin/fronts/{key}",
        get(admin::fronts::show_front).post(admin::fronts::change_front),
    )
    .route(
        "/admin/import",
        get(admin::import::show_import)
            .post(admin::import::upload)
            .layer(DefaultBodyLimit::max(import_form_bytes)),
    )
    .route("/admin/import/{id}", get(admin::import::show_run))
    .route(
        "/admin/import/{id}/import",
        post(admin::import::import_for_real),
    )
    .route("/admin/import/{id}/report", get(admin::import::report))
    .route(
        "/admin/markdown",
        post(admin::editor_tools::render_markdown),
    )
    .route(
        "/admin/media",
        get(admin::media::show_library)
            .post(admin::media::upload)
            .layer(DefaultBodyLimit::max(upload_form_bytes)),
    )
    .route("/admin/media/pick", get(admin::picker::show_choices))
    .route(
        "/admin/media/{id}",
        get(admin::media::show_item).post(admin::media::update_item),
    )
    .route("/admin/media/{id}/focus", post(admin::picker::set_focus))
    .route("/admin/media/{id}/thumbnail", get(admin::picker::thumbnail))
    .route(
        "/admin/newsletters",
        get(admin::newsletters::show_newsletters).post(admin::newsletters::save_newsletter),
    )
    .route(
        "/admin/newsletters/subscribers.csv",
        get(admin::newsletters::export_subscribers),
    )
    .route(
        "/admin/newsletters/{id}/send",
        post(admin::newsletters::send_now),
    )
    .route(
        "/admin/newsletters/{id}/test",
        post(admin::newsletters::send_now_test),
    )
    .route(
        "/admin/pages",
        admin::catalog::list::<admin::pages::Pages>(),
    )
    .route(
        "/admin/pages/{id}",
        admin::catalog::item::<admin::pages::Pages>(),
    )
    .route("/admin/pages/{id}/delete", post(admin::pages::delete_page))
    .route(
        "/admin/password",
        get(admin::own_password::show_own_password).post(admin::own_password::set_own_password),
    )
    .route(
        "/admin/password-reset",
        get(admin::password::show_ask).post(admin::password::ask),
    )
    .route(
        "/admin/password-reset/{token}",
        get(admin::password::show_choose).post(admin::password::choose),
    )
    .route(
        "/admin/people",
        get(admin::people::show_people).post(admin::people::add_person),
    )
    .route(
        "/admin/sections",
        admin::catalog::list::<admin::sections::Sections>(),
    )
    .route(
        "/admin/sections/{id}",
        admin::catalog::item::<admin::sections::Sections>(),
    )
    .route(
        "/admin/setup",
        get(admin::setup::show_setup).post(admin::setup::set_up),
    )
    .route(
        "/admin/sign-in",
        get(admin::sign_in::show_sign_in).post(admin::sign_in::sign_in),
    )
    .route("/admin/sign-out", post(admin::sign_in::sign_out))
    .route(
        "/admin/sources",
        admin::catalog::list::<admin::sources::Sources>(),
    )
    .route(
        "/admin/sources/{id}",
        admin::catalog::item::<admin::sources::Sources>(),
    )
    .route("/admin/sources/{id}/feed", post(admin::intake::save_feed))
    .route(
        "/admin/sources/{id}/feed/check",
        post(admin::intake::check_feed),
    )
    .route(
        "/admin/sources/{id}/intake",
        get(admin::intake::show_intake),
    )
    .route(
        "/admin/sources/{id}/push-token",
        post(admin::intake::change_push_token),
    )
    .route("/admin/tags", get(admin::tags::show_tags))
    .route(
        "/admin/tags/{id}",
        get(admin::tags::show_tag).post(admin::tags::rename_tag),
    )
    .route("/admin/tags/{id}/delete", post(admin::tags::delete_tag))
    .route(
        "/admin/tokens",
        get(admin::tokens::show_tokens).post(admin::tokens::make_token),
    )
    .route(
        "/admin/tokens/{id}/revoke",
        post(admin::tokens::revoke_token),
    )
    .route(
        "/admin/topics",
        admin::catalog::list::<admin::topics::Topics>(),
    )
    .route(
        "/admin/topics/{id}",
        admin::catalog::item::<admin::topics::Topics>(),
    )
    .route(
        "/admin/topics/{id}/articles",
        post(admin::topics::change_order),
    )
    .route(
        "/admin/webhooks",
        get(admin::webhooks::show_webhooks).post(admin::webhooks::make_webhook),
    )
    .route("/admin/webhooks/{id}", get(admin::webhooks::show_log))
    .route(
        "/admin/webhooks/{id}/delete",
        post(admin::webhooks::delete_webhook),
    )
    .route("/admin/wire", get(admin::wire::show_desk))
    .route("/admin/wire/{id}", get(admin::wire::show_item))
    .route("/admin/wire/{id}/ignore", post(admin::wire::ignore_item))
    .route("/admin/wire/{id}/restore", post(admin::wire::restore_item))
    .route("/admin/wire/{id}/use", post(admin::wire::use_item))
    .route("/api/docs", api.wrap(document.docs()))
    .route("/api/openapi.json", api.wrap(document.json()))
    .route(
        "/api/v1/admin/articles",
        api.wrap(post(api::admin::articles::create_article)),
    )
    .route(
        "/api/v1/admin/articles/{id}",
        api.wrap(
            get(api::admin::articles::show_article).put(api::admin::articles::replace_article),
        ),
    )
    .route(
        "/api/v1/admin/articles/{id}/entries",
        api.wrap(post(api::admin::live_entries::add_entry)),
    )
    .route(
        "/api/v1/admin/articles/{id}/status",
        api.wrap(post(api::admin::articles::change_status)),
    )
    .route(
        "/api/v1/admin/media",
        api.wrap(post(api::admin::media::upload)),
    )
    .route(
        "/api/v1/admin/tags/{id}",
        api.wrap(put(api::admin::taxonomy::rename_tag).delete(api::admin::taxonomy::delete_tag)),
    )
    .route(
        "/api/v1/admin/topics",
        api.wrap(post(api::admin::taxonomy::create_topic)),
    )
    .route(
        "/api/v1/articles",
        api.wrap(get(api::content::list_articles)),
    )
    .route(
        "/api/v1/articles/by-url",
        api.wrap(get(api::content::find_article)),
    )
    .route(
        "/api/v1/articles/{id}",
        api.wrap(get(api::content::show_article)),
    )
    .route("/api/v1/authors", api.wrap(get(api::content::list_authors)))
    .route("/api/v1/live", api.wrap(get(api::live::stream)))
    .route("/api/v1/search", api.wrap(get(api::content::search)))
    .route(
        "/api/v1/sections",
        api.wrap(get(api::content::list_sections)),
    )
    .route("/api/v1/tags", api.wrap(get(api::content::list_tags)))
    .route("/api/v1/topics", api.wrap(get(api::content::list_topics)))
    .route("/api/v1/wire/{source}", api.wrap(post(api::wire::push)))
    .route("/api/{*rest}", api.no_such_operation())
    .route("/author/{slug}", get(reader::listing::show_author))
    .route("/feed/{format}", get(reader::feeds::show_site_feed))
    .route(
        "/feed/{kind}/{slug}/{format}",
        get(reader::feeds::show_list_feed),
    )
    .route(
        "/feedback",
        get(reader::feedback::show_feedback)
            .post(reader::feedback::send_feedback)
            .layer(DefaultBodyLimit::max(reader::feedback::MAX_FORM_BYTES)),
    )
    .route("/feedback/thanks", get(reader::feedback::show_thanks))
    .route("/healthz", get(reader::health::check_health))
    .route("/img/{shard}/{file}", get(reader::assets::show_rendition))
    .nest_service("/media", media)
    .route("/metrics", get(reader::scrape::metrics))
    .route("/most-read", get(reader::most_read::show_most_read))
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
    .route("/readyz", get(reader::health::check_ready))
    .route("/robots.txt", get(reader::sitemaps::show_robots))
    .route("/search", get(reader::search::show_search))
    .route(
        "/sitemap-news.xml",
        get(reader::sitemaps::show_news_sitemap),
    )
    .route("/sitemap.xml", get(reader::sitemaps::show_index))
    .route("/sitemaps/{name}", get(reader::sitemaps::show_sitemap))
    .route("/static/{*path}", get(reader::assets::show_static_file))
    .route("/tag/{slug}", get(reader::listing::show_tag))
    .route("/topic/{slug}", get(reader::listing::show_topic))
    .route(
        "/views",
        post(reader::views::record_view).layer(DefaultBodyLimit::max(4096)),
    )
    .route("/views/pixel/{id}", get(reader::views::record_view_pixel))
    .route("/{section}/{article}", get(reader::article::show_article))
    .route(
        "/{section}/{article}/print",
        get(reader::article::show_article_print),
    )
    .route("/{slug}", get(reader::section::show_section_or_page))
}
