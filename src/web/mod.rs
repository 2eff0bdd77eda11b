//! The HTTP side: routes, handlers, templates, errors.

pub mod admin;
pub mod api;
pub mod assets;
pub mod cache;
mod csrf;
mod error;
pub mod input;
mod policy;
pub mod reader;
mod router;
pub mod templates;
pub mod throttle;
pub(crate) mod time;

use std::net::SocketAddr;

use anyhow::Context;
use axum::serve::ListenerExt;
pub use error::{AppError, ErrorPage, Result};
pub use router::router;
use tokio::net::TcpListener;

use crate::app::AppState;

/// Serves on `listener` until Ctrl-C or SIGTERM, keeping the page cache
/// true to the change log meanwhile.
pub async fn serve(app: AppState, listener: TcpListener) -> anyhow::Result<()> {
    // Read before any request is served: a change made after it, even one
    // made before the invalidator task first runs, must purge what it touches.
    let from = app
        .store
        .last_change_seq()
        .await
        .context("cannot read the change log")?;
    let invalidator = cache::spawn_invalidator(app.store.clone(), app.pages.clone(), from);
    let live = crate::live::spawn_follower(
        app.store.clone(),
        app.config.site.base().to_owned(),
        app.config.site.zone(),
        app.live.clone(),
        from,
    );
    let worker = crate::jobs::spawn_worker(app.clone());
    let announcer = crate::websub::start_announcer(app.clone()).await?;
    let dispatcher = crate::webhooks::start_dispatcher(app.clone()).await?;
    let indexer = crate::search::indexer::start(app.store.clone(), app.search.clone()).await?;
    let sender = crate::mail::sender::spawn(app.clone());
    let digests = crate::mail::digest::spawn_scheduler(app.clone());
    let watcher = crate::wire::watch::start(app.clone()).await?;
    let poller = crate::wire::poll::start(app.clone());
    let router = router(app);
    let router = router.into_make_service_with_connect_info::<SocketAddr>();
    // Nagle's algorithm would hold back the last segment of a page larger
    // than one packet until the client acknowledged the others.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server stopped");
    invalidator.abort();
    live.abort();
    worker.abort();
    digests.abort();
    dispatcher.abort();
    poller.abort();
    for task in [announcer, indexer, sender, watcher].into_iter().flatten() {
        task.abort();
    }
    served
}

/// Marks a response as private to its reader (an admin page, a page
/// reached by a reader's own link), never stored by a browser cache or a CDN.
pub fn private(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
