use axum::{extract::State, http::StatusCode};

use crate::web::AppState;

/// Liveness: 200 while the process serves and the database answers a read.
pub async fn check_health(State(app): State<AppState>) -> (StatusCode, &'static str) {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// How long a write refused for want of storage keeps a node unready when
/// nothing has been written since; after it, the probe write decides.
const RECENT_FAILURE: std::time::Duration = std::time::Duration::from_secs(30);

/// Readiness: 200 only when this node can do its work: the database
/// answers, carries every migration this build has, and takes writes; 503
/// with the reason otherwise. A node on a full disk still reads, so
/// liveness holds while readiness takes it out of a load balancer's turn
/// until the space returns.
pub async fn check_ready(State(app): State<AppState>) -> (StatusCode, String) {
    if let Err(e) = app.store.ping().await {
        tracing::warn!(
            error = format!("{e:#}"),
            "readiness: the database does not answer"
        );
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database unavailable: {e}\n"),
        );
    }
    match app.store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => {}
        Ok(pending) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the database lacks {} of this build's migrations (from {}): run `dateline migrate`\n",
                    pending.len(),
                    pending[0]
                ),
            );
        }
        Err(e) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("cannot read the database's migrations: {e}\n"),
            );
        }
    }
    // Writes refused for want of storage lately, and none through since:
    // not ready, whatever a small probe might manage.
    if let Some(reason) = dateline_store::write_trouble(RECENT_FAILURE) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database cannot write: {reason}\n"),
        );
    }
    match probe_write(&app).await {
        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database cannot write: {e}\n"),
        ),
    }
}

/// How long one probe write answers for: a load balancer's checkers ask
/// every few seconds each, and every probe writes 256 KiB.
const PROBE_ANSWERS_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// The outcome of a probe write made within [`PROBE_ANSWERS_FOR`], or of a
/// new one; checks arriving together wait for the one probe.
async fn probe_write(app: &AppState) -> Result<(), String> {
    let mut last = app.ready_probe.lock().await;
    if let Some((at, outcome)) = &*last
        && at.elapsed() < PROBE_ANSWERS_FOR
    {
        return outcome.clone();
    }
    let outcome = app
        .store
        .probe_write(jiff::Timestamp::now())
        .await
        .map_err(|e| {
            tracing::warn!(
                error = format!("{e:#}"),
                "readiness: the database refuses writes"
            );
            e.to_string()
        });
    *last = Some((std::time::Instant::now(), outcome.clone()));
    outcome
}
