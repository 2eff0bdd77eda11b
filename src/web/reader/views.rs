//! Page views from readers' beacons (`reader.js` sends the story's number
//! with `navigator.sendBeacon`), counted without cookies: no reader is told
//! apart and no address is stored. Robots (by their user agent) are not
//! counted; one address counts [`AT_ONCE`] views at once, then one a
//! second, so a flood counts as little. Counts wait in this node's memory
//! and are written every [`FLUSH_EVERY`]: a view costs a page nothing.

use std::{collections::HashMap, net::SocketAddr, sync::Mutex, time::Duration};

use axum::{
    body::Bytes,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::ArticleId;
use jiff::Timestamp;
use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::web::{
    AppState,
    throttle::{Throttle, client_address},
};

/// Views one address counts at once (an office or a phone network shares
/// one); then one a second.
pub const AT_ONCE: u32 = 60;
/// How often counts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// The largest beacon read: `{"article": 123456789}` is 24 bytes.
pub const MAX_BEACON: usize = 256;

/// User agents of robots and tools, not readers (lowercased).
const ROBOTS: [&str; 9] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "headless",
    "lighthouse",
    "curl",
    "wget",
    "python",
];

/// Views counted here and not yet written.
pub struct ViewCounter {
    pending: Mutex<HashMap<i64, i64>>,
    by_address: Throttle,
}

impl Default for ViewCounter {
    fn default() -> Self {
        Self {
            pending: Mutex::default(),
            by_address: Throttle::new(AT_ONCE, Duration::from_secs(1)),
        }
    }
}

impl ViewCounter {
    /// The counts so far, emptied.
    fn take(&self) -> Vec<(ArticleId, i64)> {
        let pending = std::mem::take(&mut *self.pending.lock().expect("view counts"));
        pending
            .into_iter()
            .map(|(id, n)| (ArticleId(id), n))
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Beacon {
    article: i64,
}

/// `POST /views`: 204 whether the view counted or not (a robot, a flood, a
/// story that is not published count nothing); 400 for a body that is not
/// a beacon.
pub async fn record_view(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let beacon = (body.len() <= MAX_BEACON)
        .then(|| serde_json::from_slice::<Beacon>(&body).ok())
        .flatten()
        .filter(|b| b.article > 0);
    let Some(beacon) = beacon else {
        return (StatusCode::BAD_REQUEST, "not a page view").into_response();
    };
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let robot = agent.is_empty() || ROBOTS.iter().any(|r| agent.contains(r));
    let client = client_address(&headers, &app.config.server, peer);
    if !robot && app.views.by_address.check(client).is_ok() {
        *app.views
            .pending
            .lock()
            .expect("view counts")
            .entry(beacon.article)
            .or_default() += 1;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Writes the counts every [`FLUSH_EVERY`] until aborted.
pub fn spawn_writer(app: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FLUSH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            write(&app).await;
        }
    })
}

/// Writes the counts so far (also as the server stops).
pub async fn write(app: &AppState) {
    let counts = app.views.take();
    if counts.is_empty() {
        return;
    }
    if let Err(e) = app.store.add_views(&counts, Timestamp::now()).await {
        tracing::warn!(
            error = format!("{e:#}"),
            views = counts.len(),
            "cannot write page views"
        );
    }
}

/// How far back Most read looks.
const MOST_READ_SPAN: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);
/// How many stories Most read lists.
const MOST_READ: i64 = 10;

#[derive(serde::Serialize)]
struct MostReadPage {
    chrome: super::Chrome,
    articles: Vec<dateline_core::ArticleCard>,
}

/// `GET /most-read`: the stories read most in the last 24 hours. Read
/// afresh (a minute in shared caches), not kept in the page cache: no
/// change in the log says when it changes.
pub async fn show_most_read(State(app): State<AppState>) -> crate::web::Result<Response> {
    let since = Timestamp::now() - MOST_READ_SPAN;
    let ids: Vec<ArticleId> = app
        .store
        .most_read(since, None, MOST_READ)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let page = MostReadPage {
        chrome: super::Chrome::load(&app).await?,
        articles: app.store.cards(&ids).await?,
    };
    let html = app.templates.render("most_read.html", page)?;
    let mut response = axum::response::Html(html).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}
