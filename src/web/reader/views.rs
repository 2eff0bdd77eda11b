//! Page views from readers' beacons (`reader.js` sends the story's number
//! with `navigator.sendBeacon`), counted without cookies: no reader is told
//! apart and no address is stored. Robots (by their user agent) are not
//! counted; one address counts [`AT_ONCE`] views at once, then one a
//! second, so a flood counts as little. Counts wait in this node's memory
//! and are written every [`FLUSH_EVERY`]: a view costs a page nothing.

use std::{collections::HashMap, net::SocketAddr, sync::Mutex, time::Duration};

use axum::{
    body::Bytes,
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::ArticleId;
use dateline_store::{MAX_OTHER_HEADLINES, VariantCounts};
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
    /// Headline tests' (story, headline) → (showings, clicks).
    tests: Mutex<HashMap<(i64, i64), (i64, i64)>>,
    /// The running tests as of the last write: story → its number of
    /// headlines. Beacons about anything else are not kept.
    running: std::sync::RwLock<HashMap<i64, i64>>,
    by_address: Throttle,
}

/// The most stories one beacon may report as shown (a front tests few).
const MAX_SHOWN: usize = 16;

impl Default for ViewCounter {
    fn default() -> Self {
        Self {
            pending: Mutex::default(),
            tests: Mutex::default(),
            running: Default::default(),
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

    /// The headline tests' counts so far, emptied.
    fn take_tests(&self) -> Vec<VariantCounts> {
        let pending = std::mem::take(&mut *self.tests.lock().expect("test counts"));
        pending
            .into_iter()
            .map(|((article, variant), (shown, clicks))| VariantCounts {
                article: ArticleId(article),
                variant,
                shown,
                clicks,
            })
            .collect()
    }

    fn add(&self, beacon: &Beacon) {
        match beacon {
            Beacon::View(view) => {
                *self
                    .pending
                    .lock()
                    .expect("view counts")
                    .entry(view.article)
                    .or_default() += 1;
            }
            Beacon::Shown(shown) => {
                let running = self.running.read().expect("running tests");
                let mut tests = self.tests.lock().expect("test counts");
                let mut seen = Vec::with_capacity(shown.shown.len());
                for pair in shown.shown.iter().filter(|p| is_tested(&running, **p)) {
                    // A story named twice was still shown once.
                    if !seen.contains(pair) {
                        seen.push(*pair);
                        tests.entry(*pair).or_default().0 += 1;
                    }
                }
            }
            Beacon::Click(click) => {
                if is_tested(&self.running.read().expect("running tests"), click.click) {
                    self.tests
                        .lock()
                        .expect("test counts")
                        .entry(click.click)
                        .or_default()
                        .1 += 1;
                }
            }
        }
    }

    /// Notes at once a test this node started (`Some(headlines)`) or stopped;
    /// other nodes learn of it at their next write.
    pub fn note_test(&self, article: ArticleId, headlines: Option<usize>) {
        let mut running = self.running.write().expect("running tests");
        match headlines {
            Some(n) => running.insert(article.0, n as i64),
            None => running.remove(&article.0),
        };
    }

    /// Keeps beacons about these tests only, from now on.
    fn set_running(&self, tests: &[dateline_store::HeadlineTest]) {
        *self.running.write().expect("running tests") = tests
            .iter()
            .map(|t| (t.article.0, t.variants() as i64))
            .collect();
    }
}

/// What a beacon reports: a story's page opened; which headlines a front
/// showed of the stories it tests (story, headline number); a click on one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Beacon {
    View(ViewBeacon),
    Shown(ShownBeacon),
    Click(ClickBeacon),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewBeacon {
    article: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShownBeacon {
    shown: Vec<(i64, i64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClickBeacon {
    click: (i64, i64),
}

/// Whether (story, headline) names a headline of a running test.
fn is_tested(running: &HashMap<i64, i64>, (article, variant): (i64, i64)) -> bool {
    running
        .get(&article)
        .is_some_and(|variants| (0..*variants).contains(&variant))
}

impl Beacon {
    /// Whether it names stories and headlines that could be.
    fn is_sound(&self) -> bool {
        let pair = |(article, variant): (i64, i64)| {
            article > 0 && (0..=MAX_OTHER_HEADLINES as i64).contains(&variant)
        };
        match self {
            Self::View(view) => view.article > 0,
            Self::Shown(shown) => {
                (1..=MAX_SHOWN).contains(&shown.shown.len()) && shown.shown.iter().all(|p| pair(*p))
            }
            Self::Click(click) => pair(click.click),
        }
    }
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
        .filter(Beacon::is_sound);
    let Some(beacon) = beacon else {
        return (StatusCode::BAD_REQUEST, "not a page view").into_response();
    };
    count(&app, &headers, peer, &beacon);
    StatusCode::NO_CONTENT.into_response()
}

/// A transparent 1×1 GIF: what the pixel answers.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /views/pixel/{id}`: the count of a reader without scripts, whose
/// browser loads the article's `<noscript>` picture. Never cached, so
/// each view asks again.
pub async fn record_view_pixel(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(article): Path<i64>,
    headers: HeaderMap,
) -> Response {
    if article > 0 {
        count(&app, &headers, peer, &Beacon::View(ViewBeacon { article }));
    }
    (
        [
            (header::CONTENT_TYPE, "image/gif"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PIXEL,
    )
        .into_response()
}

/// Counts what `beacon` reports unless a robot sent it or the address is
/// over its cap.
fn count(app: &AppState, headers: &HeaderMap, peer: SocketAddr, beacon: &Beacon) {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let robot = agent.is_empty() || ROBOTS.iter().any(|r| agent.contains(r));
    // Another site's page that loads our pixel or posts our beacon does not
    // count (browsers say so; a request without the header still counts).
    let elsewhere = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site");
    let client = client_address(headers, &app.config.server, peer);
    if !robot && !elsewhere && app.views.by_address.check(client).is_ok() {
        app.views.add(beacon);
    }
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

/// Writes the counts so far (also as the server stops), then decides the
/// headline tests that have been shown enough and notes which still run.
pub async fn write(app: &AppState) {
    let counts = app.views.take();
    if !counts.is_empty()
        && let Err(e) = app.store.add_views(&counts, Timestamp::now()).await
    {
        tracing::warn!(
            error = format!("{e:#}"),
            views = counts.len(),
            "cannot write page views"
        );
    }
    let tests = app.views.take_tests();
    if !tests.is_empty()
        && let Err(e) = app.store.add_headline_counts(&tests).await
    {
        tracing::warn!(
            error = format!("{e:#}"),
            "cannot write headline test counts"
        );
    }
    match crate::newsroom::headline_tests::decide_due(&app.store).await {
        Ok(running) => app.views.set_running(&running),
        Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot decide headline tests"),
    }
}
