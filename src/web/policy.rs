//! What every request and response of the site passes through, in one
//! layer: the cross-site refusal, themed error pages, the security headers
//! and the request log.
//!
//! One hand-written service rather than a stack of middleware: a cached page
//! is served in a few microseconds, and each `from_fn` middleware boxes the
//! request's future and each layer nests another, which together cost a
//! quarter of the time of a cache hit (measured with `bench/pages.sh`). Only
//! the rare paths (refusals, error pages) allocate here.

use std::{
    convert::Infallible,
    pin::Pin,
    task::{Context, Poll, ready},
    time::Instant,
};

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue, Method, header},
    response::{IntoResponse, Response},
};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::{csrf, reader::errors};
use crate::app::AppState;

/// Scripts, styles and images come from this site only; no inline script.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

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
    type Future = PolicyFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let log = tracing::enabled!(tracing::Level::DEBUG).then(|| RequestLog {
            method: request.method().clone(),
            path: loggable(request.uri().path()),
            started: Instant::now(),
        });
        let base_url = &self.app.config.site.base_url;
        let state = match csrf::refusal(request.method(), request.headers(), base_url) {
            Some(refusal) => Stage::Theming {
                future: Box::pin(errors::theme_error_page(
                    self.app.clone(),
                    refusal.into_response(),
                )),
            },
            None => Stage::Inner {
                future: self.inner.call(request),
            },
        };
        PolicyFuture {
            stage: state,
            app: self.app.clone(),
            log,
        }
    }
}

struct RequestLog {
    method: Method,
    path: String,
    started: Instant,
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
        log: Option<RequestLog>,
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
                        let future = Box::pin(errors::theme_error_page(this.app.clone(), response));
                        this.stage.set(Stage::Theming { future });
                        continue;
                    }
                    response
                }
                StageProj::Theming { future } => ready!(future.as_mut().poll(cx)),
            };
            return Poll::Ready(Ok(finish(response, this.log.take())));
        }
    }
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

fn finish(mut response: Response, log: Option<RequestLog>) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    if let Some(log) = log {
        tracing::debug!(
            method = %log.method,
            path = %log.path,
            status = response.status().as_u16(),
            micros = log.started.elapsed().as_micros() as u64,
            "request"
        );
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
}
