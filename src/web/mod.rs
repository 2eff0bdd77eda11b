//! The HTTP side: routes, handlers, templates, errors.

pub mod admin;
pub mod api;
pub mod cache;
mod csrf;
mod error;
pub mod forms;
mod policy;
pub mod reader;
pub mod request_id;
mod router;
mod state;
pub mod throttle;

use std::net::SocketAddr;

use anyhow::Context;
use axum::serve::ListenerExt;
pub use error::{AppError, ErrorPage, Result};
pub use router::{paths as route_paths, router};
pub use state::{App, AppState, SIGN_INS_PER_ACCOUNT, SIGN_INS_PER_ADDRESS};
use tokio::net::TcpListener;

/// Serves on `listener` until Ctrl-C or SIGTERM, keeping the page cache
/// true to the change log meanwhile.
pub async fn serve(app: AppState, listener: TcpListener) -> anyhow::Result<()> {
    // Before anything counts: with metrics off nothing is recorded at all.
    if app.config.metrics.enabled {
        crate::telemetry::prometheus::install();
    }
    // Read before any request is served: a change made after it, even one
    // made before a consumer first runs, reaches every consumer.
    let head = crate::follow::Head::start(app.store.clone())
        .await
        .context("cannot read the change log")?;
    let cdn = crate::cdn::Cdn::start(&app.config.cdn, app.http.clone());
    let invalidator =
        cache::spawn_invalidator(app.store.clone(), head.clone(), app.pages.clone(), cdn).await?;
    let live = crate::follow::spawn(
        app.store.clone(),
        head.clone(),
        crate::follow::Position::From(head.seq()),
        crate::live::Streams {
            base: app.config.site.base().to_owned(),
            zone: app.config.site.zone(),
            live: app.live.clone(),
        },
    )
    .await?;
    let worker = crate::jobs::spawn_worker(app.services.clone());
    let announcer = crate::websub::start_announcer(&app.services, head.clone()).await?;
    let dispatcher = crate::webhooks::start_dispatcher(&app.services, head.clone()).await?;
    let indexer =
        crate::search::indexer::start(app.store.clone(), head, app.search.clone()).await?;
    let sender = crate::mail::sender::spawn(app.services.clone());
    let digests = app
        .config
        .newsletters
        .schedule_digests
        .then(|| crate::mail::digest::spawn_scheduler(app.services.clone()));
    let watcher = crate::wire::watch::start(app.services.clone()).await?;
    let poller = crate::wire::poll::start(app.services.clone());
    let views = reader::views::spawn_writer(app.clone());
    let backups = crate::backup::schedule::spawn_scheduler(app.services.clone());
    let router = router(app.clone());
    let router = router.into_make_service_with_connect_info::<SocketAddr>();
    // Nagle's algorithm would hold back the last segment of a page larger
    // than one packet until the client acknowledged the others.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = format!("{e:#}"), "cannot set TCP_NODELAY");
        }
    });
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server stopped");
    views.abort();
    reader::views::write(&app).await;
    invalidator.abort();
    live.abort();
    worker.abort();
    dispatcher.abort();
    poller.abort();
    for task in [announcer, indexer, sender, watcher, digests, backups]
        .into_iter()
        .flatten()
    {
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
