//! Polled feeds: a source's feed address (an agency's RSS or Atom feed, or
//! a URL answering with ninjs or NewsML-G2) fetched every so many minutes,
//! set on the source's page in the admin.
//!
//! Each node looks for due feeds every `wire.scan_millis`; claiming one
//! marks it checked in the same statement, so one node fetches it per turn.
//! The fetch is a conditional GET with the validators of the last `200`
//! (`If-None-Match`, `If-Modified-Since`): an unchanged feed costs a `304`.
//! Entries already received are not stored again (same bytes: the document
//! is skipped; same entry: its item is unchanged).

use std::{sync::Arc, time::Duration};

use dateline_store::{DueFeed, FeedAnswer};
use jiff::Timestamp;
use reqwest::{StatusCode, header};

use super::{MAX_DOCUMENT_BYTES, read_limited, take};
use crate::services::Services;

pub fn start(app: Arc<Services>) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_millis(app.config.wire.scan_millis);
    tokio::spawn(async move {
        loop {
            match app.store.claim_due_wire_feeds(Timestamp::now()).await {
                Ok(due) => {
                    for feed in due {
                        let answer = fetch(&app, &feed).await;
                        if let Err(e) = app.store.record_wire_feed_answer(&feed, &answer).await {
                            tracing::error!(
                                source = feed.source.0,
                                error = format!("{e:#}"),
                                "cannot record a wire feed's answer"
                            );
                        }
                    }
                }
                Err(e) => tracing::error!(error = format!("{e:#}"), "cannot claim wire feeds"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Fetches `feed` and takes in what it holds; what came of it, in one line.
async fn fetch(app: &Services, feed: &DueFeed) -> FeedAnswer {
    let url = shown(&feed.url);
    let failed = |why: String| {
        tracing::warn!(source = feed.source.0, url, "wire feed: {why}");
        FeedAnswer {
            status: why,
            validators: None,
        }
    };
    let mut request = match app.wire_http.get(&feed.url) {
        Ok(request) => request,
        Err(e) => return failed(format!("not fetched: {e:#}")),
    };
    if let Some(etag) = &feed.etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    if let Some(since) = &feed.last_modified {
        request = request.header(header::IF_MODIFIED_SINCE, since);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => {
            let e = anyhow::Error::from(e.without_url());
            return failed(format!("not reached: {e:#}"));
        }
    };
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return FeedAnswer {
            status: "304: not modified".to_owned(),
            validators: None,
        };
    }
    if !status.is_success() {
        return failed(format!("answered {status}"));
    }
    let validator = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let validators = (validator(header::ETAG), validator(header::LAST_MODIFIED));
    let bytes = match read_limited(response, MAX_DOCUMENT_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => return failed(format!("{status}, but {e:#}")),
    };
    match take(&app.store, feed.source, &url, &bytes, Timestamp::now()).await {
        Ok(intake) => {
            let summary = intake.summary();
            tracing::info!(source = feed.source.0, url, "wire feed: {summary}");
            FeedAnswer {
                status: format!("{}: {summary}", status.as_u16()),
                validators: Some(validators),
            }
        }
        // Not stored: fetched again in full next time.
        Err(e) => failed(format!("{status}, but not stored: {e}")),
    }
}

/// A feed's address as logs and the desk show it: without a user name,
/// password or query, where agencies put their credentials.
fn shown(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => {
            let host = url.host_str().unwrap_or_default();
            match url.port() {
                Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
                None => format!("{}://{host}{}", url.scheme(), url.path()),
            }
        }
        Err(_) => "(not an address)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_are_not_shown() {
        assert_eq!(
            super::shown("https://desk:s3cret@wire.example:8443/feed.xml?key=abc"),
            "https://wire.example:8443/feed.xml"
        );
        assert_eq!(
            super::shown("http://wire.example/a"),
            "http://wire.example/a"
        );
    }
}
