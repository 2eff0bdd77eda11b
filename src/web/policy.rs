//! What every request and response of the site passes through, in one
//! layer: the request's id and span, the cross-site refusal, themed error
//! pages, the security headers and the access log.
//!
//! One hand-written service rather than a stack of middleware: a cached page
//! is served in a few microseconds, and each `from_fn` middleware boxes the
//! request's future and each layer nests another, which together cost a
//! quarter of the time of a cache hit (measured with `bench/pages.sh`).
//! Besides the rare paths (refusals, error pages), only the request
//! metrics allocate here: their route label is a copy of the matched
//! template.

use std::{
    convert::Infallible,
    pin::Pin,
    task::{Context, Poll, ready},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use pin_project_lite::pin_project;
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};
use tracing::{Instrument, Span, instrument::Instrumented};

use super::{
    csrf,
    reader::{self, errors},
    request_id::RequestId,
};
use crate::web::AppState;

/// Scripts, styles and images come from this site only; no inline script.
/// Frames only from the players of embedded posts and videos
/// ([`dateline_core::Provider::FRAME_ORIGINS`]), which a page loads only
/// when its reader asks.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; \
     frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com https://platform.twitter.com \
     https://www.instagram.com https://www.facebook.com https://open.spotify.com";

/// Set on every response that has not set its own.
const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
];

#[derive(Clone)]
pub struct SitePolicyLayer {
    app: AppState,
}

impl SitePolicyLayer {
    pub fn new(app: AppState) -> Self {
        Self { app }
    }
}

impl<S> Layer<S> for SitePolicyLayer {
    type Service = SitePolicy<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SitePolicy {
            inner,
            app: self.app.clone(),
        }
    }
}

#[derive(Clone)]
pub struct SitePolicy<S> {
    inner: S,
    app: AppState,
}

impl<S> Service<Request> for SitePolicy<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = PolicyFuture<TaskLocalFuture<RequestId, Instrumented<S::Future>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = RequestId::for_request(request.headers());
        let route = request.extensions().get::<MatchedPath>().cloned();
        let method = method_label(request.method());
        // Every log line written while the request is served carries these.
        let span = tracing::info_span!(
            "request",
            id = %id,
            method = %request.method(),
            route = route.as_ref().map(MatchedPath::as_str),
            path = %loggable(request.uri().path()),
            status = tracing::field::Empty,
            micros = tracing::field::Empty,
        );
        let base_url = &self.app.config.site.base_url;
        // Kept (a reference count, no copy) in case nothing answers it here.
        let old_address = reader::old_addresses::may_be_old(request.method(), request.uri())
            .then(|| request.uri().clone());
        let state = match csrf::refusal(request.method(), request.headers(), base_url) {
            Some(refusal) => Stage::Theming {
                future: theme(&self.app, &id, &span, None, refusal.into_response()),
            },
            None => Stage::Inner {
                future: id
                    .clone()
                    .scope(self.inner.call(request).instrument(span.clone())),
            },
        };
        PolicyFuture {
            stage: state,
            app: self.app.clone(),
            old_address,
            log: RequestLog {
                id,
                span,
                started: Instant::now(),
                route,
                method,
            },
        }
    }
}

struct RequestLog {
    id: RequestId,
    span: Span,
    started: Instant,
    /// The route's template (`/{section}/{article}`), never the path: one
    /// series per route, whatever readers ask for.
    route: Option<MatchedPath>,
    method: &'static str,
}

/// Dresses an error page in the site's theme, as part of the request.
fn theme(
    app: &AppState,
    id: &RequestId,
    span: &Span,
    old_address: Option<Uri>,
    response: Response,
) -> Theming {
    let future =
        errors::theme_error_page(app.clone(), old_address, response).instrument(span.clone());
    Box::pin(id.clone().scope(future))
}

type Theming = Pin<Box<dyn Future<Output = Response> + Send>>;

pin_project! {
    #[project = StageProj]
    enum Stage<F> {
        Inner { #[pin] future: F },
        Theming { future: Theming },
    }
}

pin_project! {
    pub struct PolicyFuture<F> {
        #[pin]
        stage: Stage<F>,
        app: AppState,
        old_address: Option<Uri>,
        log: RequestLog,
    }
}

impl<F> Future for PolicyFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            let response = match this.stage.as_mut().project() {
                StageProj::Inner { future } => {
                    let Ok(response) = ready!(future.poll(cx));
                    if errors::needs_theme(&response) {
                        let old_address = this.old_address.take();
                        let future = theme(
                            this.app,
                            &this.log.id,
                            &this.log.span,
                            old_address,
                            response,
                        );
                        this.stage.set(Stage::Theming { future });
                        continue;
                    }
                    response
                }
                StageProj::Theming { future } => ready!(future.as_mut().poll(cx)),
            };
            return Poll::Ready(Ok(finish(
                response,
                this.log,
                this.app.config.server.access_log,
            )));
        }
    }
}

/// A request method as a label: the standard ones, or `other` (a client
/// may send any token as a method, and each would make a new series).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A status code as a label, without allocating for the common ones.
fn status_label(status: StatusCode) -> metrics::SharedString {
    let common = match status.as_u16() {
        200 => "200",
        204 => "204",
        301 => "301",
        302 => "302",
        303 => "303",
        304 => "304",
        400 => "400",
        403 => "403",
        404 => "404",
        410 => "410",
        422 => "422",
        429 => "429",
        500 => "500",
        503 => "503",
        _ => return status.as_str().to_owned().into(),
    };
    common.into()
}

/// Paths whose last segment is a secret (a reset or newsletter link's
/// token): the log keeps only what comes before it.
const SECRET_SEGMENT_AFTER: [&str; 5] = [
    "/account/link/",
    "/admin/password-reset/",
    "/newsletter/confirm/",
    "/newsletter/preferences/",
    "/newsletter/unsubscribe/",
];

/// A request path fit for the log: secrets never reach it.
fn loggable(path: &str) -> String {
    SECRET_SEGMENT_AFTER
        .iter()
        .find(|prefix| path.len() > prefix.len() && path.starts_with(*prefix))
        .map_or_else(|| path.to_owned(), |prefix| format!("{prefix}…"))
}

fn finish(mut response: Response, log: &RequestLog, access_log: bool) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    headers.insert(super::request_id::HEADER, log.id.header_value());
    let status = response.status();
    let took = log.started.elapsed();
    log.span.record("status", status.as_u16());
    log.span.record("micros", took.as_micros() as u64);
    let route = log
        .route
        .as_ref()
        .map_or("(no route)", MatchedPath::as_str)
        .to_owned();
    metrics::counter!(
        "dateline_http_requests_total",
        "route" => route.clone(),
        "method" => log.method,
        "status" => status_label(status),
    )
    .increment(1);
    metrics::histogram!(
        "dateline_http_request_duration_seconds",
        "route" => route,
        "method" => log.method,
    )
    .record(took);
    if access_log {
        tracing::info!(parent: &log.span, "served");
    } else {
        tracing::debug!(parent: &log.span, "served");
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn link_tokens_never_reach_the_log() {
        assert_eq!(
            super::loggable("/newsletter/unsubscribe/abc123"),
            "/newsletter/unsubscribe/…"
        );
        assert_eq!(
            super::loggable("/admin/password-reset/abc"),
            "/admin/password-reset/…"
        );
        assert_eq!(
            super::loggable("/admin/password-reset"),
            "/admin/password-reset"
        );
        assert_eq!(super::loggable("/news/a-story-12"), "/news/a-story-12");
    }

    #[test]
    fn every_embed_player_may_be_framed() {
        for origin in dateline_core::Provider::FRAME_ORIGINS {
            assert!(
                super::CONTENT_SECURITY_POLICY.contains(&format!(" {origin}")),
                "{origin}"
            );
        }
    }
}
