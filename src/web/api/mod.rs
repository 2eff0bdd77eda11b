//! The JSON API: the public content API under `/api/v1` and the admin API
//! under `/api/v1/admin` (personal access tokens), described by an OpenAPI
//! 3.1 document made from the handlers themselves (`/api/openapi.json`).
//! Every error under `/api` is an [`ApiError`].

pub(super) mod admin;
mod auth;
mod body;
pub(super) mod content;
mod docs;
mod error;
mod extract;
pub(super) mod live;
pub(crate) mod shapes;
pub(super) mod wire;

use std::{convert::Infallible, sync::Arc};

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, Method, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use bytes::Bytes;
pub use error::ApiError;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    web::AppState,
    web::reader::{Chrome, render},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dateline API",
        description = "Published articles and what they are filed under. Lists are newest \
            first and paged with `next_cursor`; answers carry `ETag` (send it back in \
            `If-None-Match` for a `304`). Every error has the `ApiError` shape."
    ),
    tags(
        (name = "content", description = "Published articles, sections, tags, topics, authors and search"),
        (name = "live", description = "Article events as they happen, as Server-Sent Events"),
        (name = "admin", description = "The newsroom's work, with a personal access token \
            (`Authorization: Bearer dlpat_…`, made under Access tokens in the admin). A token \
            acts as its owner, within its scopes."),
        (name = "wire", description = "Agency copy delivered to the wire desk, with the \
            source's push token (`Authorization: Bearer dlwire_…`, made on the source's page \
            in the admin)."),
    ),
    components(schemas(ApiError)),
    modifiers(&BearerToken)
)]
struct ApiDoc;

/// Every operation is behind [`rate_limit`] (and the admin API's per-token
/// limit too): each can answer `429`, so the document says so in one place
/// rather than in each handler's annotation.
struct RateLimited;

impl utoipa::Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr, response::ResponseBuilder};
        let too_many = ResponseBuilder::new()
            .description("Too many requests: wait as long as `Retry-After` says")
            .header(
                "Retry-After",
                utoipa::openapi::HeaderBuilder::new()
                    .schema(Some(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::Integer),
                    ))
                    .description(Some("Seconds until the allowance refills"))
                    .build(),
            )
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(RefOr::<utoipa::openapi::Schema>::Ref(
                        Ref::from_schema_name("ApiError"),
                    )))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("429".into())
                    .or_insert_with(|| RefOr::T(too_many.clone()));
            }
        }
    }
}

/// Declares the security schemes: the admin API's personal access tokens
/// and the wire sources' push tokens, both bearer tokens.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, description) in [
            (
                auth::BEARER,
                "A personal access token, made under Access tokens in the admin.",
            ),
            (
                wire::PUSH_TOKEN,
                "A wire source's push token, made on the source's Wire intake page in the admin.",
            ),
        ] {
            let scheme = HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(description))
                .build();
            components.add_security_scheme(name, SecurityScheme::Http(scheme));
        }
    }
}

/// The OpenAPI document, made from the handlers' annotations. Its paths
/// are the router's `/api/v1` routes (a test holds them to it).
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .routes(routes!(content::list_articles))
        .routes(routes!(content::find_article))
        .routes(routes!(content::show_article))
        .routes(routes!(content::list_sections))
        .routes(routes!(content::list_tags))
        .routes(routes!(content::list_topics))
        .routes(routes!(content::list_authors))
        .routes(routes!(content::search))
        .routes(routes!(live::stream))
        .routes(routes!(admin::articles::create_article))
        .routes(routes!(
            admin::articles::show_article,
            admin::articles::replace_article
        ))
        .routes(routes!(admin::articles::change_status))
        .routes(routes!(admin::live_entries::add_entry))
        .routes(routes!(admin::media::upload))
        .routes(routes!(
            admin::taxonomy::rename_tag,
            admin::taxonomy::delete_tag
        ))
        .routes(routes!(admin::taxonomy::create_topic))
        .routes(routes!(wire::push))
        .split_for_parts();
    // After the paths: a modifier named in `#[openapi]` runs before they
    // are added.
    utoipa::Modify::modify(&RateLimited, &mut document);
    document
}

/// What every route under `/api` passes through: the per-address rate
/// limit, CORS, and the API's own answer to a method it does not take.
pub struct Layers {
    app: AppState,
    cors: CorsLayer,
}

impl Layers {
    pub fn new(app: &AppState) -> Self {
        Self {
            app: app.clone(),
            cors: cors(&app.config.api.cors_origins),
        }
    }

    /// An operation's handlers: other methods are told 405.
    pub fn wrap(&self, handlers: MethodRouter<AppState>) -> MethodRouter<AppState> {
        self.layered(handlers.fallback(error::method_not_allowed))
    }

    /// `/api/{*rest}`: every method is told there is no such operation.
    pub fn no_such_operation(&self) -> MethodRouter<AppState> {
        self.layered(axum::routing::any(error::no_such_operation))
    }

    fn layered(&self, handlers: MethodRouter<AppState>) -> MethodRouter<AppState> {
        let limited = axum::middleware::from_fn_with_state(self.app.clone(), rate_limit);
        handlers
            .layer::<_, Infallible>(limited)
            .layer::<_, Infallible>(self.cors.clone())
    }
}

/// The OpenAPI document as served: JSON for machines, a page for people.
pub struct Published {
    json: Bytes,
    operations: Arc<Vec<docs::Operation>>,
}

impl Default for Published {
    fn default() -> Self {
        let json = document()
            .to_json()
            .expect("the OpenAPI document serialises");
        let operations = Arc::new(docs::operations(
            &serde_json::from_str(&json).expect("the OpenAPI document is JSON"),
        ));
        Self {
            json: Bytes::from(json),
            operations,
        }
    }
}

impl Published {
    /// `/api/openapi.json`.
    pub fn json(&self) -> MethodRouter<AppState> {
        let json = self.json.clone();
        get(move || async move {
            ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response()
        })
    }

    /// `/api/docs`.
    pub fn docs(&self) -> MethodRouter<AppState> {
        let operations = self.operations.clone();
        get(
            move |State(app): State<AppState>, headers: HeaderMap| async move {
                show_docs(app, headers, operations.clone()).await
            },
        )
    }
}

/// Browsers on the configured origins may read the API (`*`: any).
fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG])
}

/// `/api/docs`: the operations for people, as a reader page.
async fn show_docs(
    app: AppState,
    headers: HeaderMap,
    operations: Arc<Vec<docs::Operation>>,
) -> crate::web::Result<Response> {
    app.pages
        .serve(&app.store, "/api/docs", &headers, || async {
            let chrome = Chrome::load(&app).await?;
            render(
                &app,
                "api_docs.html",
                serde_json::json!({ "chrome": chrome, "operations": &*operations }),
                Vec::new(),
            )
        })
        .await
}

/// Requests per network address, counted on this node: past the limit a
/// client gets `429` with `Retry-After` until its allowance refills.
async fn rate_limit(
    State(app): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0);
    if let (Some(peer), Some(throttle)) = (peer, &app.api_throttle) {
        let client =
            crate::web::throttle::client_address(request.headers(), &app.config.server, peer);
        if let Err(wait) = throttle.check(client) {
            return ApiError::rate_limited(wait, "this address").into_response();
        }
    }
    next.run(request).await
}
