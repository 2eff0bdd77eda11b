//! `/api/v1/live`: article events as Server-Sent Events, resumable with
//! `Last-Event-ID`, with heartbeats, and closed for a client that falls
//! too far behind rather than slowing anyone else.

use std::{collections::VecDeque, convert::Infallible, sync::Arc, time::Duration};

use axum::{
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::{Receiver, error::RecvError};
use utoipa::IntoParams;

use super::{ApiError, extract::ApiQuery};
use crate::{
    live::{LiveEvent, Outgoing, events},
    web::AppState,
};

/// Changes a resuming client may have missed and still be caught up; one
/// further behind is told to `reset` (reload what it shows).
const REPLAY: i64 = 1000;
/// A comment line this often keeps proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LiveParams {
    /// Only events of articles in this section (its slug).
    section: Option<String>,
}

/// A stream of article events: `published`, `updated` and `unpublished`,
/// each with the article's id, headline, section and address as JSON. The
/// event id is a position: reconnect with it in `Last-Event-ID` to receive
/// what was missed. `reset` means too much was missed: reload.
#[utoipa::path(
    get,
    path = "/api/v1/live",
    tag = "live",
    params(
        LiveParams,
        ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event received"),
    ),
    responses(
        (status = 200, description = "An endless `text/event-stream`", content_type = "text/event-stream", body = LiveEvent),
        (status = 400, description = "A parameter is malformed", body = ApiError),
    )
)]
pub async fn stream(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<LiveParams>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let resume_from = match headers.get("last-event-id") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    ApiError::invalid("Last-Event-ID", "The id of an event this stream sent.")
                })?,
        ),
    };
    // Subscribed before the log is read, so nothing falls between the two.
    let receiver = app.live.subscribe();
    let mut backlog = VecDeque::new();
    let mut reset = false;
    let mut last = resume_from.unwrap_or(i64::MIN);
    if let Some(from) = resume_from {
        let missed = app.store.changes_since(from, REPLAY + 1).await?;
        if missed.len() as i64 > REPLAY {
            reset = true;
            last = app.store.last_change_seq().await?;
        } else {
            let base = app.config.site.base();
            let missed = events(&app.store, base, &app.config.site.zone(), &missed).await?;
            backlog.extend(missed.into_iter().map(|e| Arc::new(e.into())));
        }
    }
    let state = Follow {
        receiver,
        backlog,
        reset,
        last,
        section: params.section,
    };
    let events = futures_util::stream::unfold(state, |mut state| async move {
        let event = state.next().await?;
        Some((Ok(event), state))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(HEARTBEAT)))
}

struct Follow {
    receiver: Receiver<Arc<Outgoing>>,
    backlog: VecDeque<Arc<Outgoing>>,
    reset: bool,
    /// The position of the last event sent (or skipped).
    last: i64,
    section: Option<String>,
}

impl Follow {
    /// The next event to send; `None` ends the stream.
    async fn next(&mut self) -> Option<Event> {
        if std::mem::take(&mut self.reset) {
            return Some(
                Event::default()
                    .id(self.last.to_string())
                    .event("reset")
                    .data("{}"),
            );
        }
        loop {
            let event = match self.backlog.pop_front() {
                Some(event) => event,
                None => match self.receiver.recv().await {
                    Ok(event) => event,
                    // Too slow: closed, to resume with Last-Event-ID.
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return None,
                },
            };
            // The replay and the channel may both hold an event.
            if event.seq <= self.last {
                continue;
            }
            self.last = event.seq;
            if self.section.as_ref().is_some_and(|s| *s != event.section) {
                continue;
            }
            return Some(
                Event::default()
                    .id(event.seq.to_string())
                    .event(event.kind)
                    .data(&event.data),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Live;

    fn event(seq: i64) -> LiveEvent {
        LiveEvent {
            seq,
            kind: "published",
            id: seq,
            headline: format!("Story {seq}"),
            section: "news".into(),
            url: format!("http://example.org/news/story-{seq}"),
            at: jiff::Timestamp::UNIX_EPOCH,
            entry: None,
        }
    }

    #[tokio::test]
    async fn a_stream_that_falls_behind_is_closed_and_the_sender_never_waits() {
        let live = Live::with_capacity(4);
        let mut follow = Follow {
            receiver: live.subscribe(),
            backlog: VecDeque::new(),
            reset: false,
            last: 0,
            section: None,
        };
        live.send(event(1));
        assert!(follow.next().await.is_some());
        // Ten events while the client reads none: sending never blocks.
        for seq in 2..12 {
            live.send(event(seq));
        }
        assert!(follow.next().await.is_none(), "a lagging stream ends");
    }

    #[tokio::test]
    async fn replayed_events_are_not_sent_twice_and_other_sections_are_skipped() {
        let live = Live::with_capacity(16);
        let mut sport = event(3);
        sport.section = "sports".into();
        let mut follow = Follow {
            receiver: live.subscribe(),
            backlog: [event(1), event(2)]
                .into_iter()
                .map(|e| Arc::new(e.into()))
                .collect(),
            reset: false,
            last: 0,
            section: Some("news".into()),
        };
        live.send(event(2));
        live.send(sport);
        live.send(event(4));
        let mut seen = Vec::new();
        for _ in 0..3 {
            let sent = format!("{:?}", follow.next().await.unwrap());
            seen.push(sent);
        }
        assert!(seen[0].contains("Story 1") && seen[1].contains("Story 2"));
        assert!(seen[2].contains("Story 4"), "{seen:?}");
    }
}
